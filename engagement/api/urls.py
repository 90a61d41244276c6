from django.urls import path
from rest_framework.routers import SimpleRouter

from engagement.api import views

router = SimpleRouter(trailing_slash=True)
router.register("events", views.EventViewSet, basename="api-event")
router.register("actions", views.ActionViewSet, basename="action")
# `interactions/` is served by insights.api.urls: the subclass of views.InteractionViewSet that
# also records a 1-2-1 with its insights and actions (one endpoint, one schema).

urlpatterns = router.urls
urlpatterns += [
    path(
        "events/<int:event_pk>/registrations/",
        views.EventRegistrationList.as_view(),
        name="api-event-registrations",
    ),
    path(
        "events/<int:event_pk>/registrations/<int:pk>/cancel/",
        views.RegistrationCancel.as_view(),
        name="api-event-registration-cancel",
    ),
    path(
        "events/<int:event_pk>/registrations/<int:pk>/check_in/",
        views.RegistrationCheckIn.as_view(),
        name="api-event-registration-check-in",
    ),
    path(
        "public/events/<slug:slug>/registrations/",
        views.public_sign_up,
        name="api-public-event-sign-up",
    ),
    path(
        "public/registrations/<str:token>/cancel/",
        views.public_cancel,
        name="api-public-registration-cancel",
    ),
]
