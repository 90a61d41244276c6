"""Insights on the organisation timeline (contacts.timeline), filtered by the same
visibility rule as every other read of insights (SPEC §1)."""

from typing import Any

from contacts.timeline import TimelineEntry
from core.types import AnyUser
from engagement.timeline import Cursor, before_q
from insights import selectors


def insights_provider(
    organisation: Any, user: AnyUser, before: Cursor, limit: int
) -> list[TimelineEntry]:
    queryset = (
        selectors.insight_list(user=user)
        .filter(organisation=organisation)
        .filter(
            before_q(before=before, kind="insight", date_field="recorded_on", oldest_first=True)
        )
        .order_by("-recorded_on", "id")[:limit]
    )
    return [
        TimelineEntry(
            date=insight.recorded_on,
            kind="insight",
            key=insight.pk,
            title=insight.statement[:120],
            url=(
                f"/interactions/{insight.interaction_id}/#insight-{insight.pk}"
                if insight.interaction_id
                else f"/insights/{insight.pk}/"
            ),
            summary=f"“{insight.quote[:300]}”" if insight.quote else "",
            tags=[insight.get_kind_display()]
            + [
                f"{theme.parent.name}: {theme.name}" if theme.parent else theme.name
                for theme in insight.themes.all()
            ],
            confidential=insight.confidential,
            oldest_first=True,
            extra={
                "insight_kind": insight.kind,
                "insight_kind_label": insight.get_kind_display(),
                "severity": insight.severity,
                "attribution": insight.attribution,
            },
        )
        for insight in queryset
    ]
