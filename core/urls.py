from django.contrib.auth import views as auth_views
from django.urls import path

from core import views

# URL names follow one pattern, <app>:<thing>-<action> (or the page's own name where it has
# no action); settings.LOGIN_URL names core:login.
app_name = "core"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("privacy/", views.privacy_notice, name="privacy-notice"),
]
