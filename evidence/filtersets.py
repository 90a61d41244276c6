"""The one FilterSet of evidence summaries, shared by the /reports/ page and the API list."""

import django_filters

from core.models import JobStatus
from evidence.models import EvidenceSummary


# django-filter ships no type stubs, so FilterSet is Any.
class EvidenceSummaryFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    status = django_filters.ChoiceFilter(choices=JobStatus.choices)
    published = django_filters.BooleanFilter()
    scheduled = django_filters.BooleanFilter()
    period_after = django_filters.DateFilter(
        field_name="period_end", lookup_expr="gte", label="Period ends on or after"
    )
    period_before = django_filters.DateFilter(
        field_name="period_start", lookup_expr="lte", label="Period starts on or before"
    )

    class Meta:
        model = EvidenceSummary
        fields = ["status", "published", "scheduled", "period_after", "period_before"]
