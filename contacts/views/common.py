"""What the organisation and people pages share (SPEC §3 web pages): who may read and
write them, and lists paged without walking a 100,000-row table."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

from core import roles

# Officers create, read and update; organisers read (to match sign-ups); the growth group
# sees no personal data (SPEC §1). Lists page through a FilterSet shared with the API and
# run a fixed number of queries whatever the page size (the selectors prefetch).

CONTACT_READERS = (roles.OFFICER, roles.ORGANISER)
CONTACT_WRITERS = (roles.OFFICER,)
PAGE_SIZE = 50
COUNT_CAP = 10_000
MAX_PAGE_SIZE = 200


class CappedPaginator(Paginator[Any]):
    """Counts at most COUNT_CAP rows, so neither the count nor a deep OFFSET ever walks a
    100,000-row table (SPEC §4): beyond the cap the page says "more than 10,000" and asks
    for a search or filter, and only the first 10,000 rows are reachable by page number."""

    capped = False

    def __init__(self, object_list: QuerySet[Any], per_page: int) -> None:
        super().__init__(object_list, per_page)
        self.queryset = object_list

    @cached_property
    def count(self) -> int:
        counted = self.queryset.order_by()[: COUNT_CAP + 1].count()
        self.capped = counted > COUNT_CAP
        return min(counted, COUNT_CAP)


def page_of(request: HttpRequest, queryset: QuerySet[Any]) -> Page[Any]:
    """A page of `queryset` from ?page= and ?page_size= (1–200); bad values never fail."""
    try:
        size = min(max(int(request.GET.get("page_size", PAGE_SIZE)), 1), MAX_PAGE_SIZE)
    except ValueError:
        size = PAGE_SIZE
    return CappedPaginator(queryset, size).get_page(request.GET.get("page"))


def any_choice(field: Any, label: str) -> None:
    """Relabel a filter's empty choice ('---------') as, e.g., 'Any sector'."""
    # django-filter's choice fields add the empty choice themselves; setting the choices
    # again makes the widget use this field's label, not the one it was copied from.
    field.empty_label = label
    field.choices = [(value, name) for value, name in field.choices if value != ""]


def selected_filters(
    request: HttpRequest, form: django_forms.Form, names: tuple[str, ...]
) -> list[dict[str, str]]:
    """The filters in use, each with the address of the list without it."""
    selected = []
    for name in names:
        value = request.GET.get(name, "")
        if not value or name not in form.fields:
            continue
        field = form.fields[name]
        shown = value
        for key, label in getattr(field.widget, "choices", ()):
            if str(key) == value:
                shown = str(label)
                break
        query = request.GET.copy()
        query.pop(name, None)
        query.pop("page", None)
        selected.append({"label": str(field.label), "value": shown, "url": f"?{query.urlencode()}"})
    return selected
