"""The evidence-summary aggregation of SPEC §2, run in the database.

Every number is computed by a handful of grouped SQL queries over
insight ⨝ insight_themes ⨝ theme ⨝ organisation, never by looping over insight rows in Python.
The same portable SQL runs on PostgreSQL and SQLite.

Rules (SPEC §2 "Result semantics"), and how the SQL implements them:
- A sub-theme counts for its parent: the top-level theme of a tag is
  `COALESCE(theme.parent_id, theme.id)` (the taxonomy has two levels).
- An insight counts once per top-level theme however many of its sub-themes are tagged: insight
  counts are `COUNT(DISTINCT insight.id)` per top-level theme.
- Only non-confidential insights dated in the period (both ends inclusive) and belonging to an
  organisation in scope are counted.
- Engaged organisations: organisations in scope with an interaction (confidential or not) or
  a non-confidential insight dated in the period. The theme filter does not narrow them: a
  theme's `share` is the share of all engaged organisations in scope that raised it.
- Theme filter: a requested top-level theme selects itself and all its sub-themes; a requested
  sub-theme selects only that sub-theme and lists its parent, counted over insights tagged with
  the requested sub-theme(s) (so asking for `housing` lists "Barriers to growth" counting only
  housing evidence). Without a theme filter every active top-level theme is listed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection

from contacts.models import Organisation, OrganisationKind, SizeBand
from engagement.models import Interaction
from insights.models import Attribution, Insight, InsightKind, Theme

MAX_QUOTES = 3


@dataclass(frozen=True)
class Scope:
    """What a summary covers: its period (inclusive) and the filters of SPEC §2."""

    period_start: date
    period_end: date
    themes: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    size_bands: tuple[str, ...] = ()
    local_authorities: tuple[str, ...] = ()
    key_accounts_only: bool = False

    @property
    def previous_period(self) -> tuple[date, date]:
        """SPEC §2: same number of days, ending the day before `period_start`."""
        return previous_period(self.period_start, self.period_end)


def previous_period(period_start: date, period_end: date) -> tuple[date, date]:
    previous_end = period_start - timedelta(days=1)
    return previous_end - (period_end - period_start), previous_end


@dataclass
class ThemeSelection:
    """The top-level themes a summary lists and the theme ids whose tags count."""

    listed: list[Theme] = field(default_factory=list)
    tag_ids: list[int] = field(default_factory=list)
    sub_theme_ids: list[int] = field(default_factory=list)  # the selected tags with a parent


def select_themes(requested: Iterable[str]) -> ThemeSelection:
    requested = list(requested)
    themes = list(Theme.objects.select_related("parent").order_by("id"))
    if not requested:
        listed = [t for t in themes if t.parent_id is None and t.active]
        listed_ids = {t.id for t in listed}
        tags = [t for t in themes if (t.parent_id or t.id) in listed_ids]
        return ThemeSelection(
            listed=listed,
            tag_ids=[t.id for t in tags],
            sub_theme_ids=[t.id for t in tags if t.parent_id is not None],
        )
    by_slug = {t.slug: t for t in themes}
    tops: dict[int, Theme] = {}
    tag_set: set[int] = set()
    for slug in requested:
        theme = by_slug.get(slug)
        if theme is None:
            continue
        if theme.parent is None:
            tops[theme.id] = theme
            tag_set.add(theme.id)
            tag_set.update(t.id for t in themes if t.parent_id == theme.id)
        else:
            tops[theme.parent.id] = theme.parent
            tag_set.add(theme.id)
    return ThemeSelection(
        listed=list(tops.values()),
        tag_ids=sorted(tag_set),
        sub_theme_ids=[t.id for t in themes if t.id in tag_set and t.parent_id is not None],
    )


# --- SQL building blocks -------------------------------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _placeholders(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _tables() -> dict[str, str]:
    return {
        "insight": _q(Insight._meta.db_table),
        "insight_themes": _q(Insight.themes.through._meta.db_table),
        "theme": _q(Theme._meta.db_table),
        "organisation": _q(Organisation._meta.db_table),
        "interaction": _q(Interaction._meta.db_table),
        "interaction_organisations": _q(Interaction.organisations.through._meta.db_table),
    }


def _organisation_conditions(scope: Scope, alias: str = "o") -> tuple[list[str], list[Any]]:
    """The organisation filters of the scope, as SQL conditions on `alias`."""
    conditions: list[str] = []
    params: list[Any] = []
    if scope.sectors:
        conditions.append(f"{alias}.sector_code IN ({_placeholders(scope.sectors)})")
        params.extend(scope.sectors)
    if scope.size_bands:
        conditions.append(f"{alias}.size_band IN ({_placeholders(scope.size_bands)})")
        params.extend(scope.size_bands)
    if scope.local_authorities:
        conditions.append(f"{alias}.local_authority IN ({_placeholders(scope.local_authorities)})")
        params.extend(scope.local_authorities)
    if scope.key_accounts_only:
        conditions.append(f"{alias}.key_account = %s")
        params.append(True)
    return conditions, params


TOP = "COALESCE(t.parent_id, t.id)"


def _evidence_from(
    scope: Scope, start: date, end: date, tag_ids: Sequence[int]
) -> tuple[str, list[Any]]:
    """FROM … WHERE … of the counted evidence: one row per (insight, tag) pair of a
    non-confidential insight dated in [start, end] (inclusive) with a selected tag, of an
    organisation in scope. `t` is the tag's theme, `o` the organisation."""
    tables = _tables()
    conditions = [
        "i.confidential = %s",
        "i.recorded_on >= %s",
        "i.recorded_on <= %s",
        f"it.theme_id IN ({_placeholders(tag_ids)})",
    ]
    params: list[Any] = [False, start, end, *tag_ids]
    organisation_conditions, organisation_params = _organisation_conditions(scope)
    conditions += organisation_conditions
    params += organisation_params
    sql = (
        f" FROM {tables['insight']} i"
        f" JOIN {tables['insight_themes']} it ON it.insight_id = i.id"
        f" JOIN {tables['theme']} t ON t.id = it.theme_id"
        f" JOIN {tables['organisation']} o ON o.id = i.organisation_id"
        f" WHERE {' AND '.join(conditions)}"
    )
    return sql, params


@contextmanager
def reporting_session() -> Iterator[None]:
    """PostgreSQL settings for a reporting job, for this connection until the block ends: no
    JIT compilation (it costs more than it saves on these one-off grouped scans). Not a
    transaction (SET LOCAL would need one), so the job's progress updates stay visible as it
    runs. work_mem is left alone on purpose: measured at 2,000,000 insights, 64MB made every
    query slower (hashing in one process instead of sorting in parallel workers). `make bench`
    times the hand-written SQL aggregate under the same settings."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


# --- The grouped queries ---------------------------------------------------------------------


def engaged_organisations(scope: Scope) -> int:
    """Distinct organisations in scope with an interaction (confidential or not: only its
    existence counts) or a non-confidential insight dated in the period (SPEC §2)."""
    tables = _tables()
    conditions, params = _organisation_conditions(scope)
    # One IN over a UNION, not `IN (…) OR IN (…)`: PostgreSQL cannot hash a subquery inside
    # an OR once it outgrows work_mem and rescans it per organisation (hours at 1M rows);
    # the UNION is a single hashed semi-join (seconds). Measured by `make bench`.
    sql = (
        f"SELECT COUNT(*) FROM {tables['organisation']} o WHERE o.id IN ("
        f" SELECT io.organisation_id FROM {tables['interaction_organisations']} io"
        f"  JOIN {tables['interaction']} x ON x.id = io.interaction_id"
        f"  WHERE x.occurred_on >= %s AND x.occurred_on <= %s"
        f" UNION SELECT i.organisation_id FROM {tables['insight']} i"
        f"  WHERE i.confidential = %s AND i.recorded_on >= %s AND i.recorded_on <= %s)"
    )
    head = [scope.period_start, scope.period_end, False, scope.period_start, scope.period_end]
    if conditions:
        sql += " AND " + " AND ".join(conditions)
    return int(_fetch(sql, head + params)[0][0])


def theme_cells(
    scope: Scope, tag_ids: Sequence[int]
) -> list[tuple[int, str, str, int, int, int, int, int]]:
    """Per (top-level theme, sector, size band): organisations, insights, barriers,
    opportunities and the organisations' known employees.

    The inner query groups by (top-level theme, organisation) so each organisation's employees
    are added once; each organisation has one sector and one size band, so the cells partition
    a theme's organisations and summing them gives the theme's totals exactly.
    """
    if not tag_ids:
        return []
    evidence, params = _evidence_from(scope, scope.period_start, scope.period_end, tag_ids)
    # (top-level theme, insight) pairs made distinct first, then plain counts: hashable
    # groups instead of three COUNT(DISTINCT …) sorts (about half the time).
    sql = (
        "SELECT per_org.top, per_org.sector_code, per_org.size_band, COUNT(*),"
        " SUM(per_org.insights), SUM(per_org.barriers), SUM(per_org.opportunities),"
        " SUM(per_org.employees)"
        " FROM ("
        "  SELECT pairs.top AS top, pairs.organisation_id AS organisation_id,"
        "   pairs.sector_code AS sector_code, pairs.size_band AS size_band,"
        "   pairs.employees AS employees, COUNT(*) AS insights,"
        "   SUM(CASE WHEN pairs.kind = %s THEN 1 ELSE 0 END) AS barriers,"
        "   SUM(CASE WHEN pairs.kind = %s THEN 1 ELSE 0 END) AS opportunities"
        "  FROM ("
        f"   SELECT DISTINCT {TOP} AS top, i.id AS id, i.organisation_id AS organisation_id,"
        "    i.kind AS kind, o.sector_code AS sector_code, o.size_band AS size_band,"
        f"    o.employees AS employees {evidence}"
        "  ) pairs"
        "  GROUP BY pairs.top, pairs.organisation_id, pairs.sector_code, pairs.size_band,"
        "   pairs.employees"
        " ) per_org"
        " GROUP BY per_org.top, per_org.sector_code, per_org.size_band"
    )
    rows = _fetch(sql, [InsightKind.BARRIER, InsightKind.OPPORTUNITY, *params])
    return [
        (
            int(top),
            sector or "",
            band or "",
            int(organisations),
            int(insights or 0),
            int(barriers or 0),
            int(opportunities or 0),
            int(employees or 0),
        )
        for top, sector, band, organisations, insights, barriers, opportunities, employees in rows
    ]


def organisations_per_theme(
    scope: Scope, start: date, end: date, tag_ids: Sequence[int]
) -> dict[int, int]:
    """Distinct organisations per top-level theme for [start, end] (the previous period)."""
    if not tag_ids:
        return {}
    evidence, params = _evidence_from(scope, start, end, tag_ids)
    sql = f"SELECT {TOP}, COUNT(DISTINCT i.organisation_id) {evidence} GROUP BY {TOP}"
    return {int(top): int(count) for top, count in _fetch(sql, params)}


def organisations_per_sub_theme(scope: Scope, sub_theme_ids: Sequence[int]) -> dict[int, int]:
    """Distinct organisations per sub-theme tag; only sub-theme tags are read."""
    if not sub_theme_ids:
        return {}
    evidence, params = _evidence_from(scope, scope.period_start, scope.period_end, sub_theme_ids)
    sql = f"SELECT t.id, COUNT(DISTINCT i.organisation_id) {evidence} GROUP BY t.id"
    return {int(theme): int(count) for theme, count in _fetch(sql, params)}


def quote_candidates(scope: Scope, tag_ids: Sequence[int], window: int) -> dict[int, list[int]]:
    """Up to `window` quotable insights per top-level theme, in order: the most severe first
    (no severity last), then the most recent (then the latest recorded). Quotable: a quote
    that is not blank and attribution `named` or `anonymous` (SPEC §2). Of the insights whose
    quotes are equal after LOWER(TRIM(…)) only the first in that order is a candidate, so that
    a quote repeated many times does not crowd out the others; Python then applies the exact
    rule (`_quote_key`), which also folds what SQL's LOWER and TRIM leave alone."""
    if not tag_ids:
        return {}
    evidence, params = _evidence_from(scope, scope.period_start, scope.period_end, tag_ids)
    order = (
        "CASE WHEN quotable.severity IS NULL THEN 1 ELSE 0 END, quotable.severity DESC,"
        " quotable.recorded_on DESC, quotable.id DESC"
    )
    sql = (
        "SELECT ranked.top, ranked.id FROM ("
        "  SELECT distinct_text.top, distinct_text.id, ROW_NUMBER() OVER ("
        "   PARTITION BY distinct_text.top ORDER BY distinct_text.position_key,"
        "   distinct_text.id) AS position"
        "  FROM ("
        "   SELECT quotable.top, quotable.id, ROW_NUMBER() OVER ("
        f"    PARTITION BY quotable.top ORDER BY {order}) AS position_key,"
        "    ROW_NUMBER() OVER ("
        f"    PARTITION BY quotable.top, quotable.text_key ORDER BY {order}) AS repeat_rank"
        "   FROM ("
        f"    SELECT DISTINCT {TOP} AS top, i.id AS id, i.severity AS severity,"
        "     i.recorded_on AS recorded_on, LOWER(TRIM(i.quote)) AS text_key"
        f"     {evidence}"
        "     AND i.attribution IN (%s, %s) AND TRIM(i.quote) <> ''"
        "   ) quotable"
        "  ) distinct_text WHERE distinct_text.repeat_rank = 1"
        ") ranked WHERE ranked.position <= %s ORDER BY ranked.top, ranked.position"
    )
    rows = _fetch(sql, [*params, Attribution.NAMED, Attribution.ANONYMOUS, window])
    chosen: dict[int, list[int]] = defaultdict(list)
    for top, insight_id in rows:
        chosen[int(top)].append(int(insight_id))
    return chosen


def per_theme_counts_sql(period_start: date, period_end: date) -> dict[str, dict[str, int]]:
    """The single hand-written SQL aggregate a benchmark compares the summary with: per active
    top-level theme, non-confidential insights and distinct organisations in the period (no
    other filter). Themes with no evidence are absent."""
    tables = _tables()
    sql = (
        "SELECT top_theme.slug, counts.insights, counts.organisations FROM ("
        f"  SELECT {TOP} AS top, COUNT(DISTINCT i.id) AS insights,"
        "   COUNT(DISTINCT i.organisation_id) AS organisations"
        f"  FROM {tables['insight']} i"
        f"  JOIN {tables['insight_themes']} it ON it.insight_id = i.id"
        f"  JOIN {tables['theme']} t ON t.id = it.theme_id"
        "  WHERE i.confidential = %s AND i.recorded_on >= %s AND i.recorded_on <= %s"
        f"  GROUP BY {TOP}"
        f") counts JOIN {tables['theme']} top_theme ON top_theme.id = counts.top"
        " WHERE top_theme.active = %s"
    )
    rows = _fetch(sql, [False, period_start, period_end, True])
    return {
        slug: {"insights": int(insights), "organisations": int(organisations)}
        for slug, insights, organisations in rows
    }


# --- Assembling the result -------------------------------------------------------------------


# SPEC §2: the short sector names used in attributions, by SIC 2007 section letter.
SECTOR_SHORT_NAMES: dict[str, str] = {
    "A": "agriculture",
    "B": "mining",
    "C": "manufacturing",
    "D": "energy",
    "E": "water and waste",
    "F": "construction",
    "G": "retail and wholesale",
    "H": "transport and logistics",
    "I": "hospitality",
    "J": "digital and media",
    "K": "finance and insurance",
    "L": "property",
    "M": "professional services",
    "N": "business support",
    "O": "public sector",
    "P": "education",
    "Q": "health and care",
    "R": "arts and leisure",
    "S": "personal services",
    "T": "household",
    "U": "international",
}

# SPEC §2: an organisation that is not a business is described by its kind alone, in these
# words. They are kept whole, article included, because the SPEC spells "a university": the
# letter rule of `with_article` would say "an" there (the sound, not the letter, is a
# consonant).
KIND_DESCRIPTIONS: dict[str, str] = {
    OrganisationKind.TRADE_BODY: "a trade body",
    OrganisationKind.HIGHER_EDUCATION: "a university",
    OrganisationKind.FURTHER_EDUCATION: "a college",
    OrganisationKind.ANCHOR_INSTITUTION: "an anchor institution",
    OrganisationKind.VOLUNTARY: "a voluntary organisation",
    OrganisationKind.PUBLIC_BODY: "a public body",
    OrganisationKind.OTHER: "an organisation",
}


def with_article(words: str) -> str:
    """ "an" before a word starting with a vowel letter, "a" otherwise (SPEC §2)."""
    article = "an" if words and words[0].lower() in "aeiou" else "a"
    return f"{article} {words}"


def describe_organisation(*, kind: str, size_band: str, sector_code: str) -> str:
    """An organisation described without its name (SPEC §2): "a small manufacturing
    business", "an energy business", "a business", "a university", "an organisation"."""
    if kind != OrganisationKind.BUSINESS:
        return KIND_DESCRIPTIONS.get(kind, KIND_DESCRIPTIONS[OrganisationKind.OTHER])
    words = []
    if size_band and size_band != SizeBand.UNKNOWN:
        words.append(size_band)
    if sector_code in SECTOR_SHORT_NAMES:
        words.append(SECTOR_SHORT_NAMES[sector_code])
    words.append("business")
    return with_article(" ".join(words))


def quote_attribution(insight: Insight) -> str:
    """SPEC §2: the organisation's name when `named`; otherwise the organisation described
    without its name."""
    organisation = insight.organisation
    if insight.attribution == Attribution.NAMED:
        return organisation.name
    return describe_organisation(
        kind=organisation.kind,
        size_band=organisation.size_band or "",
        sector_code=organisation.sector_code or "",
    )


def _quote_key(text: str) -> str:
    """Quotes are the same when equal ignoring case and surrounding spaces (SPEC §2)."""
    return text.strip().casefold()


def theme_quotes(scope: Scope, tag_ids: Sequence[int]) -> dict[int, list[dict[str, str]]]:
    """Per top-level theme, up to three quotes with their attributions, skipping a quote
    already among the theme's quotes and taking the next eligible one (SPEC §2).

    The candidates come a window at a time; the window grows only when a theme filled it
    with repeats the SQL could not see (different only in case or whitespace SQL does not
    fold) and still lacks quotes, so ordinary data costs one query and one load."""
    window = MAX_QUOTES * 4
    while True:
        candidates = quote_candidates(scope, tag_ids, window)
        ids = [insight_id for ids in candidates.values() for insight_id in ids]
        insights = Insight.objects.select_related("organisation").in_bulk(ids)
        quotes: dict[int, list[dict[str, str]]] = {}
        exhausted = True
        for top, theme_ids in candidates.items():
            seen: set[str] = set()
            chosen: list[dict[str, str]] = []
            for insight_id in theme_ids:
                insight = insights.get(insight_id)
                if insight is None or _quote_key(insight.quote) in seen:
                    continue
                seen.add(_quote_key(insight.quote))
                chosen.append(
                    {"text": insight.quote.strip(), "attribution": quote_attribution(insight)}
                )
                if len(chosen) == MAX_QUOTES:
                    break
            quotes[top] = chosen
            if len(chosen) < MAX_QUOTES and len(theme_ids) == window:
                exhausted = False
        if exhausted:
            return quotes
        window *= 4


ProgressCallback = Callable[[int], None]


def build_result(scope: Scope, progress: ProgressCallback | None = None) -> dict[str, Any]:
    """The SPEC §2 result JSON for `scope`. `progress(percent)` is called between the steps."""

    def report(percent: int) -> None:
        if progress is not None:
            progress(percent)

    previous_start, previous_end = scope.previous_period
    selection = select_themes(scope.themes)
    report(10)
    with reporting_session():
        engaged = engaged_organisations(scope)
        report(25)
        cells = theme_cells(scope, selection.tag_ids)
        report(50)
        previous = organisations_per_theme(scope, previous_start, previous_end, selection.tag_ids)
        report(65)
        sub_theme_counts = organisations_per_sub_theme(scope, selection.sub_theme_ids)
        report(75)
        quotes = theme_quotes(scope, selection.tag_ids)
    report(90)

    sub_theme_slugs = {
        theme.id: (theme.slug, theme.parent_id)
        for theme in Theme.objects.filter(id__in=list(sub_theme_counts)).only("slug", "parent_id")
    }
    entries: list[dict[str, Any]] = []
    for theme in selection.listed:
        totals = {"insights": 0, "organisations": 0, "barriers": 0, "opportunities": 0}
        employees = 0
        by_sector: dict[str, int] = defaultdict(int)
        by_size_band: dict[str, int] = defaultdict(int)
        for top, sector, band, orgs, insights, barriers, opportunities, staff in cells:
            if top != theme.id:
                continue
            totals["organisations"] += orgs
            totals["insights"] += insights
            totals["barriers"] += barriers
            totals["opportunities"] += opportunities
            employees += staff
            if sector:
                by_sector[sector] += orgs
            by_size_band[band or SizeBand.UNKNOWN] += orgs
        sub_themes = {
            slug: sub_theme_counts[theme_id]
            for theme_id, (slug, parent_id) in sorted(
                sub_theme_slugs.items(), key=lambda item: item[1][0]
            )
            if parent_id == theme.id
        }
        entry: dict[str, Any] = {
            "theme": theme.slug,
            "name": theme.name,
            "insights": totals["insights"],
            "organisations": totals["organisations"],
            "share": totals["organisations"] / engaged if engaged else 0,
            "employees": employees,
            "barriers": totals["barriers"],
            "opportunities": totals["opportunities"],
            "previous_organisations": previous.get(theme.id, 0),
            "by_sector": dict(sorted(by_sector.items())),
            "by_size_band": _ordered_bands(by_size_band),
            "sub_themes": sub_themes,
            "quotes": quotes.get(theme.id, []),
        }
        entries.append(entry)
    entries.sort(key=lambda entry: (-int(entry["organisations"]), str(entry["theme"])))
    return {
        "period_start": scope.period_start.isoformat(),
        "period_end": scope.period_end.isoformat(),
        "previous_start": previous_start.isoformat(),
        "previous_end": previous_end.isoformat(),
        "engaged_organisations": engaged,
        "themes": entries,
    }


def _ordered_bands(counts: dict[str, int]) -> dict[str, int]:
    return {band: counts[band] for band in SizeBand.values if counts.get(band)}
