"""API for themes, insights and interactions with their insights and actions (SPEC §3)."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from core import roles
from core.api.pagination import CursorPagination
from core.permissions import RoleAccess
from engagement.api import views as interaction_api
from engagement.models import Interaction
from insights import selectors, services
from insights.api import serializers
from insights.filtersets import InsightFilterSet, ThemeFilterSet
from insights.models import Insight, Theme


class ThemeViewSet(viewsets.ModelViewSet[Theme]):
    """The theme taxonomy, addressed by slug: every staff role reads it (the growth group
    included); only admins change it."""

    serializer_class = serializers.ThemeSerializer
    filterset_class = ThemeFilterSet
    lookup_field = "slug"
    permission_classes = [RoleAccess]
    read_roles = (roles.OFFICER, roles.ORGANISER, roles.GROWTH_GROUP)
    write_roles = (roles.ADMIN,)

    def get_queryset(self) -> QuerySet[Theme]:
        return selectors.theme_list()

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        theme = self.get_object()
        services.theme_delete(theme=theme)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InsightViewSet(viewsets.ModelViewSet[Insight]):
    """Insights: officers only; confidential ones only for those SPEC §1 allows."""

    serializer_class = serializers.InsightSerializer
    filterset_class = InsightFilterSet
    pagination_class = CursorPagination
    permission_classes = [RoleAccess]
    read_roles = (roles.OFFICER,)
    write_roles = (roles.OFFICER,)

    def get_queryset(self) -> QuerySet[Insight]:
        return selectors.insight_list(user=self.request.user)


class InteractionViewSet(mixins.CreateModelMixin, interaction_api.InteractionViewSet):
    """Interactions with their insights and actions; POST records a whole 1-2-1 at once."""

    # engagement's viewset reads, updates and deletes the interaction; insights registers
    # this subclass at its route (insights.api.urls) to add capture and the insights rows.
    serializer_class = serializers.InteractionWithInsightsSerializer

    def get_queryset(self) -> QuerySet[Interaction]:
        return selectors.interaction_detail(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        interaction = serializer.save()
        # Re-read through the selector: what the author may see, with everything loaded.
        interaction = self.get_queryset().get(pk=interaction.pk)
        return Response(self.get_serializer(interaction).data, status=status.HTTP_201_CREATED)
