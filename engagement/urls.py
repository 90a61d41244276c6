from django.urls import path

from engagement.views import events, interactions

app_name = "engagement"

urlpatterns = [
    path("events/", events.EventListView.as_view(), name="event-list"),
    path("events/calendar/", events.EventCalendarView.as_view(), name="event-calendar"),
    path("events/new/", events.EventCreateView.as_view(), name="event-create"),
    path("events/<int:pk>/", events.EventDetailView.as_view(), name="event-detail"),
    path("events/<int:pk>/edit/", events.EventEditView.as_view(), name="event-edit"),
    path("events/<int:pk>/publish/", events.EventPublishView.as_view(), name="event-publish"),
    path("events/<int:pk>/cancel/", events.EventCancelView.as_view(), name="event-cancel"),
    path(
        "events/<int:pk>/registrations/",
        events.RegistrationListView.as_view(),
        name="event-registrations",
    ),
    path(
        "events/<int:pk>/registrations/<int:registration_pk>/cancel/",
        events.RegistrationCancelView.as_view(),
        name="event-registration-cancel",
    ),
    path("events/<int:pk>/check-in/", events.CheckInView.as_view(), name="event-check-in"),
    path("events/<int:pk>/attendees.csv", events.AttendeeExportView.as_view(), name="event-export"),
    path("e/<slug:slug>/", events.public_event, name="public-event"),
    path(
        "e/<slug:slug>/registered/<str:token>/",
        events.public_registered,
        name="public-registered",
    ),
    path("cancel/<slug:token>/", events.public_cancel, name="public-cancel"),
    path("", interactions.home, name="home"),
    path("interactions/", interactions.InteractionListView.as_view(), name="interaction-list"),
    path(
        "interactions/<int:pk>/",
        interactions.InteractionDetailView.as_view(),
        name="interaction-detail",
    ),
    path(
        "interactions/<int:pk>/edit/",
        interactions.InteractionEditView.as_view(),
        name="interaction-edit",
    ),
    path("actions/<int:pk>/status/", interactions.ActionStatusView.as_view(), name="action-status"),
]
