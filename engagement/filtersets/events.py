"""FilterSets for events and registrations, shared by the organiser pages and the API."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from core import limits
from engagement.models import Event, EventKind, EventStatus, Registration, RegistrationStatus


class EventFilterSet(django_filters.FilterSet):
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


class RegistrationFilterSet(django_filters.FilterSet):
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
        for word in value.split()[:5]:
            queryset = queryset.filter(
                Q(person__first_name__icontains=word)
                | Q(person__last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(organisation__name__icontains=word)
            )
        return queryset
