"""Reads of evidence summaries: who may see which, and the report shaped for pages and PDFs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet

from contacts import sic
from contacts.models import SizeBand
from core import roles
from core.types import AnyUser
from evidence.models import EvidenceSummary
from insights.models import Theme


def summary_list(*, user: AnyUser) -> QuerySet[EvidenceSummary]:
    """Officers and admins see every summary; the growth group only published ones (SPEC §1)."""
    queryset = EvidenceSummary.objects.select_related("requested_by", "published_by")
    if not roles.has_role(user, roles.OFFICER):
        queryset = queryset.filter(published=True)
    return queryset.order_by("-created", "-id")


def can_manage(user: AnyUser) -> bool:
    """Request, follow and publish summaries: officers and admins."""
    return roles.has_role(user, roles.OFFICER)


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def report_title(summary: EvidenceSummary) -> str:
    """The report's one name, on its page, its PDF's cover and metadata."""
    return (
        f"Evidence report: {short_date(summary.period_start)} to {short_date(summary.period_end)}"
    )


def thousands(number: int) -> str:
    """Counts as people read them, 34,516, the same on the page and in the PDF (the CSV keeps
    the raw number for spreadsheets)."""
    return f"{number:,}"


EMPLOYEES_NOTE = (
    "Employees: the total known employees of the organisations that raised the theme. "
    "Organisations whose size is not known add nothing to it."
)


def describe_scope(summary: EvidenceSummary) -> list[str]:
    """The scope in plain sentences, for the report page, its PDF and the list."""
    start, end = summary.period_start, summary.period_end
    days = (end - start).days + 1
    sentences = [
        f"Covers {long_date(start)} to {long_date(end)} ({days} day{'s' if days != 1 else ''})."
    ]
    result = summary.result or {}
    if result.get("previous_start"):
        sentences.append(
            "Compared with the previous period of the same length, "
            f"{long_date(date.fromisoformat(result['previous_start']))} to "
            f"{long_date(date.fromisoformat(result['previous_end']))}."
        )
    if summary.themes:
        names = dict(Theme.objects.filter(slug__in=summary.themes).values_list("slug", "name"))
        sentences.append(
            "Themes: " + _join([names.get(slug, slug) for slug in summary.themes]) + "."
        )
    else:
        sentences.append("Themes: all active themes.")
    organisation_filters = []
    if summary.sectors:
        organisation_filters.append(
            "in " + _join([f"{sic.SECTIONS.get(code, code)} ({code})" for code in summary.sectors])
        )
    if summary.size_bands:
        labels = dict(SizeBand.choices)
        organisation_filters.append(
            "sized " + _join([str(labels.get(band, band)).lower() for band in summary.size_bands])
        )
    if summary.local_authorities:
        organisation_filters.append("in " + _join(list(summary.local_authorities)))
    if summary.key_accounts_only:
        organisation_filters.append("that are key accounts")
    if organisation_filters:
        sentences.append("Organisations " + "; ".join(organisation_filters) + ".")
    else:
        sentences.append("Organisations: all sectors, sizes and areas.")
    sentences.append("Confidential interactions' notes and confidential insights are never used.")
    return sentences


# --- The report, shaped for display ---------------------------------------------------------

BAR_WIDTH = 100  # chart bars are drawn in percent of the largest value


@dataclass
class ThemeRow:
    slug: str
    name: str
    organisations: int
    previous_organisations: int
    insights: int
    share: float
    employees: int
    barriers: int
    opportunities: int
    bar: float
    previous_bar: float
    by_sector: dict[str, int]
    by_size_band: dict[str, int]
    sub_themes: list[tuple[str, int]]
    quotes: list[dict[str, str]]

    @property
    def change(self) -> int:
        return self.organisations - self.previous_organisations

    @property
    def size_band_counts(self) -> list[int]:
        return [self.by_size_band.get(band, 0) for band in SizeBand.values]

    @property
    def share_percent(self) -> str:
        return f"{self.share * 100:.1f}"

    @property
    def employees_display(self) -> str:
        return thousands(self.employees)

    @property
    def anchor(self) -> str:
        """The id of the theme's section on the report page."""
        return f"theme-{self.slug}"

    sector_scale: int = 1  # the largest sector count of any theme: bars compare across themes

    @property
    def sectors_ranked(self) -> list[tuple[str, str, int, float]]:
        """(code, name, organisations, bar) by organisations, most first."""
        largest = max([1, self.sector_scale, *self.by_sector.values()])
        return [
            (code, sic.SECTIONS.get(code, code), count, round(BAR_WIDTH * count / largest, 2))
            for code, count in sorted(self.by_sector.items(), key=lambda item: (-item[1], item[0]))
        ]


@dataclass
class SectorRow:
    code: str
    name: str
    cells: list[tuple[str, int, float]] = field(default_factory=list)  # theme, count, shade 0–1


@dataclass
class Report:
    engaged_organisations: int
    previous_start: date | None
    previous_end: date | None
    themes: list[ThemeRow]
    sectors: list[SectorRow]
    size_bands: list[tuple[str, str]]

    @property
    def engaged_display(self) -> str:
        return thousands(self.engaged_organisations)

    @property
    def has_quotes(self) -> bool:
        return any(row.quotes for row in self.themes)


def report_for(summary: EvidenceSummary) -> Report | None:
    """The stored result laid out for the report page and the PDF (no queries on insights:
    everything comes from the snapshot)."""
    result = summary.result
    if not result:
        return None
    entries = result.get("themes", [])
    largest = max(
        [1]
        + [entry["organisations"] for entry in entries]
        + [entry["previous_organisations"] for entry in entries]
    )
    sub_names = dict(Theme.objects.exclude(parent=None).values_list("slug", "name"))
    themes = [
        ThemeRow(
            slug=entry["theme"],
            name=entry["name"],
            organisations=entry["organisations"],
            previous_organisations=entry["previous_organisations"],
            insights=entry["insights"],
            share=entry["share"],
            employees=entry["employees"],
            barriers=entry["barriers"],
            opportunities=entry["opportunities"],
            bar=round(BAR_WIDTH * entry["organisations"] / largest, 2),
            previous_bar=round(BAR_WIDTH * entry["previous_organisations"] / largest, 2),
            by_sector=entry["by_sector"],
            by_size_band=entry["by_size_band"],
            sub_themes=[
                (sub_names.get(slug, slug), count)
                for slug, count in sorted(entry["sub_themes"].items(), key=lambda i: -i[1])
            ],
            quotes=entry["quotes"],
        )
        for entry in entries
    ]
    codes = sorted({code for entry in entries for code in entry["by_sector"]})
    largest_cell = max([1] + [count for e in entries for count in e["by_sector"].values()])
    sectors = [
        SectorRow(
            code=code,
            name=sic.SECTIONS.get(code, code),
            cells=[
                (
                    entry["theme"],
                    entry["by_sector"].get(code, 0),
                    round(entry["by_sector"].get(code, 0) / largest_cell, 2),
                )
                for entry in entries
            ],
        )
        for code in codes
    ]
    for row in themes:
        row.sector_scale = largest_cell
    return Report(
        engaged_organisations=result.get("engaged_organisations", 0),
        previous_start=_date_or_none(result.get("previous_start")),
        previous_end=_date_or_none(result.get("previous_end")),
        themes=themes,
        sectors=sectors,
        size_bands=[(value, str(label)) for value, label in SizeBand.choices],
    )


def _date_or_none(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
