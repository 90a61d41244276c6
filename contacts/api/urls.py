from django.urls import path
from rest_framework.routers import DefaultRouter

from contacts.api import views

router = DefaultRouter(trailing_slash=True)
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("people", views.PersonViewSet, basename="person")
router.register("imports", views.ImportJobViewSet, basename="import")

urlpatterns = [
    path("auth/token/", views.obtain_token, name="api-token"),
    *router.urls,
]
