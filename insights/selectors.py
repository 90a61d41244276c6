"""Reads of insights and the theme taxonomy, with the confidentiality rule of SPEC §1.

`insights_visible_to` is the only place that decides who may see which insight; the insight
pages, the API, the interaction page, the timeline and the admin all start from it.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import connections, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from contacts.models import Organisation, Person
from core import roles
from core.types import AnyUser
from engagement import selectors as engagement_selectors
from engagement.models import Action, Interaction
from insights.models import Insight, Theme


def insights_visible_to(user: AnyUser) -> QuerySet[Insight]:
    """Every insight `user` may see (SPEC §1).

    Officers see non-confidential insights; a confidential one (its own attribution or its
    interaction's flag) only by its author, the officer of its interaction, the account
    manager of its organisation, or an admin. Other roles see none.
    """
    queryset = Insight.objects.all()
    if roles.is_admin(user):
        return queryset
    if not roles.has_role(user, roles.OFFICER):
        return queryset.none()
    # EXISTS rather than joins: one index lookup per confidential row, never a hash of the
    # whole interaction or organisation table.
    return queryset.filter(
        Q(confidential=False)
        | Q(created_by=user)
        | Exists(Interaction.objects.filter(pk=OuterRef("interaction_id"), officer=user))
        | Exists(Organisation.objects.filter(pk=OuterRef("organisation_id"), account_manager=user))
    )


def hides_confidential_insights(record: Any, user: AnyUser) -> bool:
    """True when a confidential insight about `record` (an organisation; people hold none) is
    one `user` may not see: a merge of `record` would move it (SPEC §1)."""
    if not isinstance(record, Organisation):
        return False
    visible = insights_visible_to(user).filter(pk=OuterRef("pk"))
    hidden = Insight.objects.filter(organisation=record, confidential=True).exclude(Exists(visible))
    return hidden.exists()


def _themes_prefetch() -> Prefetch[str, QuerySet[Theme]]:
    return Prefetch(
        "themes", queryset=Theme.objects.select_related("parent").order_by("position", "name")
    )


def insight_list(*, user: AnyUser) -> QuerySet[Insight]:
    """Visible insights with their organisation, author and themes loaded (constant queries)."""
    return (
        insights_visible_to(user)
        .select_related("organisation", "created_by", "interaction")
        .prefetch_related(_themes_prefetch())
    )


def insights_matching_theme(queryset: QuerySet[Insight], slug: str) -> QuerySet[Insight]:
    """Insights tagged with the theme `slug` or, for a top-level theme, any of its sub-themes
    (SPEC §3). An EXISTS, so an insight with several matching tags is listed once.

    The theme ids are looked up first (one small query) so the planner sees literal ids and
    its column statistics: with them it walks the newest insights for a page instead of
    collecting every tagged insight first."""
    theme_ids = list(
        Theme.objects.filter(Q(slug=slug) | Q(parent__slug=slug)).values_list("pk", flat=True)
    )
    through = Insight.themes.through
    return queryset.filter(
        Exists(through.objects.filter(insight_id=OuterRef("pk"), theme_id__in=theme_ids))
    )


def theme_counts(*, insights: QuerySet[Insight]) -> list[dict[str, Any]]:
    """Insights per top-level theme for a (filtered) set, in one GROUP BY query: a sub-theme
    counts for its parent, and an insight counts once per top-level theme however many of
    its sub-themes it carries. Every top-level theme is listed, zeros included, most first."""
    grouped = (
        insights.order_by()
        .values(top=Coalesce("themes__parent_id", "themes__id"))
        .annotate(count=Count("pk", distinct=True))
        .order_by()
    )
    with transaction.atomic(using=grouped.db):
        if connections[grouped.db].vendor == "postgresql":
            # PostgreSQL's JIT compiler costs more than it saves on this one-pass aggregate
            # (seconds of compiling against well under one of executing, measured at 200,000
            # insights), so it is off for this transaction only.
            with connections[grouped.db].cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        rows = list(grouped)
    counts = {row["top"]: row["count"] for row in rows if row["top"] is not None}
    tops = Theme.objects.filter(parent__isnull=True).only("id", "slug", "name", "active")
    result = [
        {"theme": theme, "count": counts.get(theme.pk, 0)}
        for theme in tops
        if theme.active or counts.get(theme.pk)
    ]
    result.sort(key=lambda row: (-row["count"], row["theme"].name))
    return result


@dataclass
class ThemeGroup:
    parent: Theme
    children: list[Theme] = field(default_factory=list)


def theme_groups(*, include_retired: bool = False) -> list[ThemeGroup]:
    """The taxonomy as top-level themes with their sub-themes, in the shipped order."""
    queryset = Theme.objects.select_related("parent").order_by("position", "name")
    if not include_retired:
        queryset = queryset.filter(active=True).exclude(parent__active=False)
    groups: dict[int, ThemeGroup] = {}
    children = []
    for theme in queryset:
        if theme.parent_id is None:
            groups[theme.pk] = ThemeGroup(parent=theme)
        else:
            children.append(theme)
    for child in children:
        group = groups.get(child.parent_id)  # type: ignore[arg-type]
        if group is not None:
            group.children.append(child)
    return list(groups.values())


def theme_list() -> QuerySet[Theme]:
    return Theme.objects.select_related("parent").order_by("position", "name")


def interaction_insights_prefetch(*, user: AnyUser) -> Prefetch[str, QuerySet[Insight]]:
    """An interaction's insights that `user` may see, with what their cards show."""
    return Prefetch(
        "insights",
        queryset=insights_visible_to(user)
        .select_related("organisation", "created_by")
        .prefetch_related(_themes_prefetch())
        .order_by("id"),
    )


def interaction_detail(*, user: AnyUser) -> QuerySet[Interaction]:
    """Visible interactions with the insights and actions `user` may see, for the API
    (interactions list their insights and actions, SPEC §3)."""
    return engagement_selectors.interaction_detail(user=user).prefetch_related(
        interaction_insights_prefetch(user=user)
    )


def organisation_people(*, organisation_id: int) -> QuerySet[Person]:
    return Person.objects.filter(organisation_id=organisation_id).only(
        "id", "first_name", "last_name", "job_title", "organisation_id"
    )


def organisation_by_id(*, organisation_id: int) -> Organisation | None:
    return Organisation.objects.filter(pk=organisation_id).first()


def actions_for_interaction(*, user: AnyUser, interaction: Interaction) -> QuerySet[Action]:
    return engagement_selectors.actions_visible_to(user).filter(interaction=interaction)
