"""Pagination of SPEC §3: page numbers with a count for the shorter lists, cursors for the
long ones (interactions, insights, actions), `?page_size=` up to 200 for both."""

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class CursorPagination(pagination.CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"
