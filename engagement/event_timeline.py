"""Registrations on an organisation's timeline (contacts.timeline), dated by the event."""

import datetime
from typing import Any

from django.db.models import Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from contacts.timeline import TimelineEntry
from core import roles
from engagement.models import Registration, RegistrationStatus
from engagement.selectors import events as event_selectors

KIND = "registration"


def registrations_provider(
    organisation: Any,
    user: Any,
    before: tuple[datetime.date, str, int] | None,
    limit: int,
) -> list[TimelineEntry]:
    """Up to `limit` registrations of the organisation's people, newest event first. Only
    officers and organisers see them (registrations are personal data, SPEC §1)."""
    if not roles.has_role(user, roles.OFFICER, roles.ORGANISER):
        return []
    queryset = event_selectors.registrations_for_organisation(
        organisation_id=organisation.pk
    ).annotate(day=TruncDate("event__starts_at", tzinfo=timezone.get_current_timezone()))
    if before is not None:
        day, kind, key = before
        older = Q(day__lt=day)
        if KIND < kind:
            older |= Q(day=day)
        elif KIND == kind:
            older |= Q(day=day, pk__lt=key)
        queryset = queryset.filter(older)
    can_open = roles.has_role(user, roles.ORGANISER)
    entries = []
    for registration in queryset.order_by("-day", "-pk")[:limit]:
        entries.append(_entry(registration, can_open))
    return entries


def _entry(registration: Registration, can_open: bool) -> TimelineEntry:
    event = registration.event
    status = {
        RegistrationStatus.CONFIRMED: "attended" if registration.attended else "booked",
        RegistrationStatus.WAITLISTED: "on the waiting list",
        RegistrationStatus.CANCELLED: "cancelled",
    }.get(registration.status, registration.status)  # type: ignore[call-overload]
    starts = timezone.localtime(event.starts_at)
    return TimelineEntry(
        date=registration.day,  # type: ignore[attr-defined]
        kind=KIND,
        key=registration.pk,
        title=f"{registration.person}: {event.title} ({status})",
        url=reverse("event-detail", kwargs={"pk": event.pk}) if can_open else "",
        summary=f"{event.get_kind_display()}, {starts:%-d %B %Y %H:%M}",
        tags=[event.kind, status],
    )
