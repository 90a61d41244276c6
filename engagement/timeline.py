"""Interactions, follow-up actions and registrations on the organisation timeline
(contacts.timeline).

Each provider returns at most `limit` entries strictly before the cursor, newest first, in
one query (plus one prefetch), filtered by the same visibility rules as every other read.
Registrations are dated by their event.
"""

import datetime
from typing import Any

from django.db.models import DateField, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone

from contacts.timeline import TimelineEntry
from core import roles
from core.types import AnyUser
from engagement import selectors
from engagement.models import ActionStatus, Interaction, Registration, RegistrationStatus

Cursor = tuple[datetime.date, str, int] | None


def before_q(*, before: Cursor, kind: str, date_field: str, oldest_first: bool = False) -> Q:
    """Rows whose (date, kind, id) sorts strictly before `before` (the timeline cursor);
    `oldest_first` for a kind whose entries use it (their cursor key is the negated id)."""
    if before is None:
        return Q()
    day, cursor_kind, key = before
    if kind < cursor_kind:
        return Q(**{f"{date_field}__lte": day})
    if kind > cursor_kind:
        return Q(**{f"{date_field}__lt": day})
    same_day = {"pk__gt": -key} if oldest_first else {"pk__lt": key}
    return Q(**{f"{date_field}__lt": day}) | Q(**{date_field: day, **same_day})


def interactions_provider(
    organisation: Any, user: AnyUser, before: Cursor, limit: int
) -> list[TimelineEntry]:
    queryset: QuerySet[Interaction] = (
        selectors.interaction_list(user=user)
        .filter(organisations=organisation)
        .filter(before_q(before=before, kind="interaction", date_field="occurred_on"))
        .order_by("-occurred_on", "-id")[:limit]
    )
    return [
        TimelineEntry(
            date=interaction.occurred_on,
            kind="interaction",
            key=interaction.pk,
            title=interaction.title,
            url=f"/interactions/{interaction.pk}/",
            summary=interaction.notes[:300],
            tags=[interaction.get_kind_display()],
            confidential=interaction.confidential,
            extra={
                "officer": (
                    interaction.officer.get_full_name() or interaction.officer.username
                    if interaction.officer
                    else ""
                ),
                "people": [person.full_name for person in interaction.people.all()],
            },
        )
        for interaction in queryset
    ]


def _action_summary(action: Any) -> str:
    parts = []
    if len(action.description) > 120:
        parts.append(action.description)
    if action.assignee:
        parts.append(f"For {action.assignee.get_full_name() or action.assignee.username}")
    if action.due_on:
        parts.append(f"due {action.due_on.day} {action.due_on:%B %Y}")
    return ", ".join(parts)


def actions_provider(
    organisation: Any, user: AnyUser, before: Cursor, limit: int
) -> list[TimelineEntry]:
    # An action is dated by its 1-2-1 when it has one, so it sits beside it; else by when
    # it was recorded.
    queryset = (
        selectors.action_list(user=user)
        .filter(organisation=organisation)
        .annotate(
            timeline_date=Coalesce(
                "interaction__occurred_on", TruncDate("created"), output_field=DateField()
            )
        )
        .filter(before_q(before=before, kind="action", date_field="timeline_date"))
        .order_by("-timeline_date", "-id")[:limit]
    )
    return [
        TimelineEntry(
            date=action.timeline_date,
            kind="action",
            key=action.pk,
            title=action.description[:120],
            url=f"/interactions/{action.interaction_id}/#action-{action.pk}"
            if action.interaction_id
            else "",
            summary=_action_summary(action),
            tags=["Done" if action.status == ActionStatus.DONE else "Open"],
            extra={
                "status": action.status,
                "due_on": action.due_on,
                "assignee": (
                    action.assignee.get_full_name() or action.assignee.username
                    if action.assignee
                    else ""
                ),
            },
        )
        for action in queryset
    ]


KIND = "registration"  # the timeline kind of a registration entry


def registrations_provider(
    organisation: Any,
    user: AnyUser,
    before: Cursor,
    limit: int,
) -> list[TimelineEntry]:
    """Up to `limit` registrations of the organisation's people, newest event first. Only
    officers and organisers see them (registrations are personal data, SPEC §1)."""
    if not roles.has_role(user, roles.OFFICER, roles.ORGANISER):
        return []
    queryset = selectors.registrations_for_organisation(organisation_id=organisation.pk).annotate(
        day=TruncDate("event__starts_at", tzinfo=timezone.get_current_timezone())
    )
    queryset = queryset.filter(before_q(before=before, kind=KIND, date_field="day"))
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
        url=reverse("engagement:event-detail", kwargs={"pk": event.pk}) if can_open else "",
        summary=f"{event.get_kind_display()}, {starts:%-d %B %Y %H:%M}",
        tags=[event.kind, status],
    )
