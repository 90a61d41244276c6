"""Django admin for follow-up actions, filtered by the same visibility rule as every other
read. Interactions are administered from insights.admin, with their insights inline, so
that a change to an interaction's confidentiality reaches its insights."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from engagement.models import Action
from engagement.selectors import interactions as selectors


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["description", "organisation", "assignee", "due_on", "status"]
    list_filter = ["status"]
    search_fields = ["description", "organisation__name"]
    raw_id_fields = ["organisation", "interaction", "assignee", "created_by"]
    readonly_fields = ["completed_at", "created", "updated"]
    list_select_related = ["organisation", "assignee"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Action]:
        return selectors.actions_visible_to(request.user).select_related("organisation", "assignee")

    def save_model(self, request: HttpRequest, obj: Action, form: Any, change: bool) -> None:
        # Keep completed_at consistent with status (a database constraint requires it).
        from django.utils import timezone

        if obj.status == "done" and obj.completed_at is None:
            obj.completed_at = timezone.now()
        elif obj.status == "open":
            obj.completed_at = None
        super().save_model(request, obj, form, change)
