from django.urls import path
from rest_framework.routers import SimpleRouter

from engagement.api.views import events as event_api
from engagement.api.views import interactions as interaction_api

router = SimpleRouter(trailing_slash=True)
router.register("events", event_api.EventViewSet, basename="api-event")
router.register("actions", interaction_api.ActionViewSet, basename="action")

urlpatterns = router.urls
urlpatterns += [
    path(
        "events/<int:event_pk>/registrations/",
        event_api.EventRegistrationList.as_view(),
        name="api-event-registrations",
    ),
    path(
        "events/<int:event_pk>/registrations/<int:pk>/cancel/",
        event_api.RegistrationCancel.as_view(),
        name="api-event-registration-cancel",
    ),
    path(
        "events/<int:event_pk>/registrations/<int:pk>/check_in/",
        event_api.RegistrationCheckIn.as_view(),
        name="api-event-registration-check-in",
    ),
    path(
        "public/events/<slug:slug>/registrations/",
        event_api.public_sign_up,
        name="api-public-event-sign-up",
    ),
    path(
        "public/registrations/<str:token>/cancel/",
        event_api.public_cancel,
        name="api-public-registration-cancel",
    ),
]
