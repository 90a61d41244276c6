"""Pagination of SPEC §3: page numbers with a count for the shorter lists, cursors for the
long ones (interactions, insights, actions), `?page_size=` up to 200 for both."""

from typing import Any

from rest_framework import pagination

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
    ordering = "-id"

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return _with_page_size_limits(super().get_schema_operation_parameters(view))
