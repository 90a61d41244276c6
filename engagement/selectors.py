"""Reads of interactions, follow-up actions, events and registrations, with counts aggregated
in the database and the confidentiality rule of SPEC §1.

`interactions_visible_to` and `actions_visible_to` are the only places that decide who may
see which interaction or action; lists, detail pages, the API, search, the timeline, exports
and the admin all start from them.
"""

import datetime
from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from contacts.models import Organisation, Person
from core import roles
from core.types import AnyUser, User
from engagement.models import (
    Action,
    ActionStatus,
    Event,
    EventStatus,
    Interaction,
    Registration,
    RegistrationStatus,
)

# Days without contact after which a key account is flagged on the officer's home.
CONTACT_WARNING_DAYS = 90
CONTACT_OVERDUE_DAYS = 180


def _managed_by(user: User, interaction_ref: str = "pk") -> Exists:
    """True when `user` is the account manager of one of the interaction's organisations."""
    through = Interaction.organisations.through
    return Exists(
        through.objects.filter(
            interaction_id=OuterRef(interaction_ref), organisation__account_manager=user
        )
    )


def interactions_visible_to(user: AnyUser) -> QuerySet[Interaction]:
    """Every interaction `user` may see (SPEC §1).

    Officers see non-confidential interactions; a confidential one only by its officer, an
    account manager of one of its organisations, or an admin. Other roles see none.
    """
    queryset = Interaction.objects.all()
    if roles.is_admin(user):
        return queryset
    if not roles.has_role(user, roles.OFFICER):
        return queryset.none()
    return queryset.filter(Q(confidential=False) | Q(officer=user) | _managed_by(user))


def hides_confidential_interactions(record: Any, user: AnyUser) -> bool:
    """True when a confidential interaction with `record` (an organisation or a person) is
    one `user` may not see: a merge of `record` would move it (SPEC §1)."""
    if isinstance(record, Organisation):
        linked = Interaction.objects.filter(organisations=record)
    elif isinstance(record, Person):
        linked = Interaction.objects.filter(people=record)
    else:
        return False
    visible = interactions_visible_to(user).filter(pk=OuterRef("pk"))
    return linked.filter(confidential=True).exclude(Exists(visible)).exists()


def interaction_list(*, user: AnyUser) -> QuerySet[Interaction]:
    """Visible interactions with what a list row shows loaded (constant queries per page)."""
    return (
        interactions_visible_to(user)
        .select_related("officer", "event")
        .prefetch_related(
            Prefetch("organisations", queryset=Organisation.objects.only("id", "name")),
            Prefetch("people", queryset=Person.objects.only("id", "first_name", "last_name")),
        )
    )


def interaction_detail(*, user: AnyUser) -> QuerySet[Interaction]:
    """Visible interactions with the follow-up actions `user` may see, for the interaction
    page and the API; apps above add their own prefetches (insights)."""
    return interaction_list(user=user).prefetch_related(
        Prefetch(
            "actions",
            queryset=actions_visible_to(user)
            .select_related("organisation", "assignee")
            .order_by("id"),
        )
    )


def actions_visible_to(user: AnyUser) -> QuerySet[Action]:
    """Every follow-up action `user` may see.

    An action arising from a confidential interaction is part of that record, so it follows
    the interaction's rule, except that its assignee and author always see it (it is their work).
    """
    queryset = Action.objects.all()
    if roles.is_admin(user):
        return queryset
    if not roles.has_role(user, roles.OFFICER):
        return queryset.none()
    # EXISTS over the interaction rule (one index lookup per action) rather than a join,
    # so the planner never hashes the whole interaction table.
    visible_interaction = interactions_visible_to(user).filter(pk=OuterRef("interaction_id"))
    return queryset.filter(
        Q(interaction__isnull=True)
        | Q(assignee=user)
        | Q(created_by=user)
        | Exists(visible_interaction)
    )


def action_list(*, user: AnyUser) -> QuerySet[Action]:
    return actions_visible_to(user).select_related(
        "organisation", "assignee", "created_by", "interaction"
    )


def actions_open_for(*, user: User, limit: int = 20) -> list[Action]:
    """The officer's own open actions, overdue (earliest due) first, undated last."""
    return list(
        action_list(user=user)
        .filter(assignee=user, status=ActionStatus.OPEN)
        .order_by(F("due_on").asc(nulls_last=True), "id")[:limit]
    )


def key_accounts_for(*, user: User, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """The officer's key accounts with the date and days since the last interaction.

    Any interaction counts as contact, confidential or not (only its existence matters).
    Longest without contact first; never contacted at the top.
    """
    today = today or timezone.localdate()
    organisations = (
        Organisation.objects.filter(account_manager=user, key_account=True)
        .annotate(last_contact=Max("interactions__occurred_on"))
        .order_by(F("last_contact").asc(nulls_first=True), "name")
        .only("id", "name", "town")
    )
    rows = []
    for organisation in organisations:
        last: datetime.date | None = organisation.last_contact
        days = (today - last).days if last else None
        if days is None or days >= CONTACT_OVERDUE_DAYS:
            flag = "overdue"
        elif days >= CONTACT_WARNING_DAYS:
            flag = "warning"
        else:
            flag = ""
        rows.append(
            {"organisation": organisation, "last_contact": last, "days": days, "flag": flag}
        )
    return rows


def interactions_recent_for(*, user: User, limit: int = 10) -> list[Interaction]:
    return list(interaction_list(user=user).filter(officer=user)[:limit])


def events_upcoming(*, limit: int = 5) -> list[Event]:
    return list(
        Event.objects.filter(status=EventStatus.PUBLISHED, starts_at__gte=timezone.now())
        .order_by("starts_at", "id")
        .only("id", "title", "slug", "starts_at", "venue_name", "online_url")[:limit]
    )


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
    return registration_search(queryset, q=q).order_by(
        "person__last_name", "person__first_name", "id"
    )


def registration_search(queryset: QuerySet[Registration], *, q: str) -> QuerySet[Registration]:
    """Registrations matching every word (up to five) of `q` in the person's first or last
    name, the email or the organisation: the door's search and the registrations filter."""
    for word in q.split()[:5]:
        queryset = queryset.filter(
            Q(person__first_name__icontains=word)
            | Q(person__last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    return queryset


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
