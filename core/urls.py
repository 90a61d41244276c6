from django.contrib.auth import views as auth_views
from django.urls import path

from core import views

# Not namespaced: LOGIN_URL, the templates and django.contrib.auth name these "login",
# "logout" and "healthz".
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("privacy/", views.privacy_notice, name="privacy-notice"),
]
