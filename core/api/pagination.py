"""Pagination of SPEC §3: page numbers with a count for the shorter lists, cursors for the
long ones (interactions, insights, actions), `?page_size=` up to 200 for both."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.views import APIView

MAX_PAGE_SIZE = 200


def _with_page_size_limits(parameters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The schema says what the paginator does: a larger `page_size` gives 200 rows, a value
    below 1 (or not a number) the default."""
    for parameter in parameters:
        if parameter["name"] == "page_size":
            parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}
            parameter["description"] = f"Rows per page, at most {MAX_PAGE_SIZE}."
    return parameters


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return _with_page_size_limits(super().get_schema_operation_parameters(view))


class CursorPagination(pagination.CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return _with_page_size_limits(super().get_schema_operation_parameters(view))

    ordering = "-id"

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        # DRF decodes a cursor's position but filters with it unchecked, so a hand-made
        # cursor ("p=abc" where ids are numbers) fails inside the query. A position the
        # ordering field cannot hold is an invalid cursor, like one that does not decode.
        cursor = self.decode_cursor(request)
        if view is not None and cursor is not None and cursor.position is not None:
            field_name = self.get_ordering(request, queryset, view)[0].lstrip("-")
            field = queryset.model._meta.get_field(field_name)
            try:
                field.to_python(cursor.position)
            except (ValidationError, ValueError, TypeError) as exc:
                raise NotFound(self.invalid_cursor_message) from exc
        return super().paginate_queryset(queryset, request, view)
