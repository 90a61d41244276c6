"""FilterSets for insights and themes, shared by the insight pages and the API (SPEC §3)."""

from typing import Any

import django_filters
from django.db.models import QuerySet

from contacts import sic
from contacts.models import SizeBand
from engagement.filtersets import officers
from insights import selectors
from insights.models import Insight, InsightKind, Theme


def _theme_choices() -> list[tuple[str, Any]]:
    """Grouped by top-level theme; choosing a top-level theme matches its sub-themes too."""
    choices: list[tuple[str, Any]] = []
    for group in selectors.theme_groups(include_retired=True):
        options = [(group.parent.slug, f"{group.parent.name} (all)")]
        options += [(child.slug, child.name) for child in group.children]
        choices.append((group.parent.name, options))
    return choices


# django-filter ships no type stubs, so FilterSet is Any.
class InsightFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    theme = django_filters.ChoiceFilter(
        choices=[], method="by_theme", label="Theme", empty_label="Any theme"
    )
    kind = django_filters.ChoiceFilter(
        choices=InsightKind.choices, label="Kind", empty_label="Any kind"
    )
    organisation = django_filters.NumberFilter(field_name="organisation_id", label="Organisation")
    interaction = django_filters.NumberFilter(field_name="interaction_id", label="Interaction")
    sector = django_filters.ChoiceFilter(
        field_name="organisation__sector_code",
        choices=sic.SECTION_CHOICES,
        label="Sector",
        empty_label="Any sector",
    )
    size_band = django_filters.ChoiceFilter(
        field_name="organisation__size_band",
        choices=SizeBand.choices,
        label="Size",
        empty_label="Any size",
    )
    local_authority = django_filters.CharFilter(
        field_name="organisation__local_authority", lookup_expr="iexact", label="Local authority"
    )
    recorded_after = django_filters.DateFilter(
        field_name="recorded_on", lookup_expr="gte", label="Recorded from"
    )
    recorded_before = django_filters.DateFilter(
        field_name="recorded_on", lookup_expr="lte", label="Recorded to"
    )
    officer = django_filters.ModelChoiceFilter(
        field_name="created_by",
        queryset=lambda request: officers(),
        label="Officer",
        empty_label="Any officer",
    )

    class Meta:
        model = Insight
        fields = [
            "theme",
            "kind",
            "organisation",
            "interaction",
            "sector",
            "size_band",
            "local_authority",
            "recorded_after",
            "recorded_before",
            "officer",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read per request (one query): admins add and retire themes at any time. Set on the
        # form field too: it may have been built (and copied from the class) already, e.g.
        # by the OpenAPI schema generator.
        choices = _theme_choices()
        self.filters["theme"].extra["choices"] = choices
        self.filters["theme"].field.choices = choices

    def by_theme(self, queryset: QuerySet[Insight], name: str, value: str) -> QuerySet[Insight]:
        return selectors.insights_matching_theme(queryset, value)


class ThemeFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    active = django_filters.BooleanFilter()
    parent = django_filters.CharFilter(field_name="parent__slug")
    top_level = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull")

    class Meta:
        model = Theme
        fields = ["active", "parent", "top_level"]
