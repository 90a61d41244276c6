"""API for follow-up actions (SPEC §3). The interactions endpoint lists each interaction's
insights, so it lives in insights.api (STYLE.md: the higher app composes)."""

from django.db.models import QuerySet
from rest_framework import viewsets

from core import roles
from core.api.pagination import CursorPagination
from core.permissions import RoleAccess
from engagement.api.serializers.interactions import ActionSerializer
from engagement.filtersets.interactions import ActionFilterSet
from engagement.models import Action
from engagement.selectors import interactions as selectors


class ActionViewSet(viewsets.ModelViewSet):  # type: ignore[type-arg]
    """Follow-up actions: officers only; those of a confidential interaction only for those
    who may see it, plus the action's assignee and author."""

    serializer_class = ActionSerializer
    filterset_class = ActionFilterSet
    pagination_class = CursorPagination
    permission_classes = [RoleAccess]
    read_roles = (roles.OFFICER,)
    write_roles = (roles.OFFICER,)

    def get_queryset(self) -> QuerySet[Action]:
        return selectors.action_list(user=self.request.user)
