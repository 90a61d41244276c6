"""FilterSets for interactions, actions, events and registrations, shared by the pages and
the API (SPEC §3)."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from core import limits, roles
from core.types import User
from engagement import selectors
from engagement.models import (
    Action,
    ActionStatus,
    Event,
    EventKind,
    EventStatus,
    Interaction,
    InteractionKind,
    Registration,
    RegistrationStatus,
)


def officers() -> QuerySet[User]:
    """Users who may be an interaction's officer or an action's assignee."""
    return (
        get_user_model()
        .objects.filter(
            Q(groups__name__in=[roles.OFFICER, roles.ADMIN]) | Q(is_superuser=True),
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# django-filter ships no type stubs, so FilterSet is Any.
class InteractionFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    organisation = django_filters.NumberFilter(method="by_organisation", label="Organisation")
    officer = django_filters.NumberFilter(field_name="officer_id", label="Officer")
    kind = django_filters.ChoiceFilter(choices=InteractionKind.choices, label="Kind")
    occurred_after = django_filters.DateFilter(
        field_name="occurred_on", lookup_expr="gte", label="From"
    )
    occurred_before = django_filters.DateFilter(
        field_name="occurred_on", lookup_expr="lte", label="To"
    )
    q = django_filters.CharFilter(
        method="search", max_length=limits.NAME_MAX, label="Title or notes"
    )

    class Meta:
        model = Interaction
        fields = ["organisation", "officer", "kind", "occurred_after", "occurred_before", "q"]

    def by_organisation(
        self, queryset: QuerySet[Interaction], name: str, value: int
    ) -> QuerySet[Interaction]:
        # EXISTS rather than a join, so an interaction is listed once.
        through = Interaction.organisations.through
        return queryset.filter(
            Exists(through.objects.filter(interaction_id=OuterRef("pk"), organisation_id=value))
        )

    def search(
        self, queryset: QuerySet[Interaction], name: str, value: str
    ) -> QuerySet[Interaction]:
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(notes__icontains=word))
        return queryset


class ActionFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    organisation = django_filters.NumberFilter(field_name="organisation_id")
    interaction = django_filters.NumberFilter(field_name="interaction_id")
    assignee = django_filters.NumberFilter(field_name="assignee_id")
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices)
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte")
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte")
    overdue = django_filters.BooleanFilter(method="by_overdue")

    class Meta:
        model = Action
        fields = [
            "organisation",
            "interaction",
            "assignee",
            "status",
            "due_after",
            "due_before",
            "overdue",
        ]

    def by_overdue(self, queryset: QuerySet[Action], name: str, value: bool) -> QuerySet[Action]:
        overdue = Q(status=ActionStatus.OPEN, due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class EventFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    q = django_filters.CharFilter(
        method="search", max_length=limits.NAME_MAX, label="Title or venue"
    )
    status = django_filters.ChoiceFilter(choices=EventStatus.choices, label="Status")
    kind = django_filters.ChoiceFilter(choices=EventKind.choices, label="Kind")
    when = django_filters.ChoiceFilter(
        method="by_when",
        choices=[("upcoming", "Upcoming"), ("past", "Past")],
        label="Upcoming or past",
    )
    starts_after = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__gte", label="Starts on or after"
    )
    starts_before = django_filters.DateFilter(
        field_name="starts_at", lookup_expr="date__lte", label="Starts on or before"
    )

    class Meta:
        model = Event
        fields = ["q", "status", "kind", "when", "starts_after", "starts_before"]

    def search(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(venue_name__icontains=value))

    def by_when(self, queryset: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        now = timezone.now()
        if value == "past":
            return queryset.filter(ends_at__lte=now).order_by("-starts_at", "-id")
        if value == "upcoming":
            return queryset.filter(ends_at__gt=now)
        return queryset


class RegistrationFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    q = django_filters.CharFilter(
        method="search", max_length=limits.NAME_MAX, label="Name, email or organisation"
    )
    status = django_filters.ChoiceFilter(choices=RegistrationStatus.choices, label="Status")
    attended = django_filters.BooleanFilter(label="Attended")

    class Meta:
        model = Registration
        fields = ["q", "status", "attended"]

    def search(
        self, queryset: QuerySet[Registration], name: str, value: str
    ) -> QuerySet[Registration]:
        return selectors.registration_search(queryset, q=value)
