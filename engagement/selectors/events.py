"""Reads of events and registrations, with counts aggregated in the database."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from engagement.models import Event, Registration, RegistrationStatus


def event_list() -> QuerySet[Event]:
    """Events with their place counts: confirmed, waitlisted, attended, and no-shows (confirmed,
    not checked in, for events that have ended). One query whatever the page size."""
    now = timezone.now()
    return (
        Event.objects.select_related("organiser", "hosted_by")
        .annotate(
            confirmed_count=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
            ),
            waitlisted_count=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)
            ),
            attended_count=Count("registrations", filter=Q(registrations__attended=True)),
            no_show_count=Count(
                "registrations",
                filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
                & ~Q(registrations__attended=True)
                & Q(ends_at__lte=now),
            ),
        )
        .order_by("starts_at", "id")
    )


def event_upcoming() -> QuerySet[Event]:
    return event_list().filter(ends_at__gt=timezone.now())


def event_past() -> QuerySet[Event]:
    return event_list().filter(ends_at__lte=timezone.now()).order_by("-starts_at", "-id")


def event_month(*, year: int, month: int) -> QuerySet[Event]:
    """Events starting in a calendar month (local time), for the calendar view."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, month, 1, tzinfo=tz)
    end = datetime.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return event_list().filter(starts_at__gte=start, starts_at__lt=end)


def public_event(*, slug: str) -> Event | None:
    """A published or cancelled event by its public address; drafts are never public."""
    return (
        Event.objects.select_related("hosted_by")
        .exclude(status="draft")
        .annotate(
            confirmed_count=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
            )
        )
        .filter(slug=slug)
        .first()
    )


def registration_list(*, event: Event | None = None) -> QuerySet[Registration]:
    queryset = Registration.objects.select_related("person", "organisation", "event")
    if event is not None:
        queryset = queryset.filter(event=event)
    return queryset.order_by("created", "id")


def registration_waitlist(*, event: Event) -> QuerySet[Registration]:
    return (
        registration_list(event=event)
        .filter(status=RegistrationStatus.WAITLISTED)
        .order_by("waitlist_position")
    )


def registration_check_in_list(*, event: Event, q: str = "") -> QuerySet[Registration]:
    """Confirmed places, by name, for the door: search by first name, last name, full name,
    email or organisation."""
    queryset = registration_list(event=event).filter(status=RegistrationStatus.CONFIRMED)
    for word in q.split()[:5]:
        queryset = queryset.filter(
            Q(person__first_name__icontains=word)
            | Q(person__last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    return queryset.order_by("person__last_name", "person__first_name", "id")


def registration_by_token(*, token: str) -> Registration | None:
    return (
        Registration.objects.select_related("event", "person", "organisation")
        .filter(cancel_token=token)
        .first()
    )


def registrations_for_organisation(*, organisation_id: int) -> QuerySet[Registration]:
    return (
        Registration.objects.select_related("event", "person")
        .filter(organisation_id=organisation_id)
        .exclude(event__status="draft")
    )
