"""SPEC §2 result semantics, checked number by number against a small hand-made dataset.

Every expected value below is worked out by hand in the comments from the dataset, not by
running the code. The period is Q1 2026: 1 Jan – 31 Mar 2026 (90 days), so the previous
period is 3 Oct – 31 Dec 2025 (SPEC §2's own example).

Organisations (sector from the first SIC code; size band from employees):
  A  Alpha Engineering Ltd  25110 → C Manufacturing,  30 → small,   Oxford,   key account
  B  Beta Software Ltd      62012 → J Information…,  120 → medium,  Cherwell
  C  Gamma Cafe             no SIC → no sector,     None → unknown, Oxford
  D  Delta Builders         41201 → F Construction,   5 → micro,   Oxford  (confidential 1-2-1 only)
  E  Epsilon Labs           72110 → M Professional, 300 → large,   Oxford  (confidential insight)
  F  Foxtrot Foods          10710 → C,                8 → micro,   Oxford  (1-2-1 the day after)

Insights (✗ = not counted in Q1):
  i1  A 2026-01-01 premises+housing     barrier  sev 4 quote anon   (two sub-themes of one parent)
  i2  A 2026-02-10 skills+recruitment   barrier  sev – quote named
  i3  B 2026-03-31 skilled-labour       barrier  sev 5 quote anon   (last day: inclusive)
  i4  B 2026-02-01 exporting            opportunity sev 2, no quote
  i5  C 2026-03-15 growth-barriers      observation sev 3 quote anon (top-level tag)
  i6  C 2026-01-20 housing   ✗ attribution confidential
  i7  A 2026-02-20 grants    ✗ its interaction is confidential
  i8  E 2026-02-02 innovation ✗ attribution confidential
  i9  B 2025-12-31 premises  ✗ day before the period → previous period
  i10 A 2026-04-01 premises  ✗ day after the period
  i11 A 2025-10-03 recruitment ✗ first day of the previous period → previous period
  i12 C 2025-10-02 skills    ✗ day before the previous period: nowhere
  i13 B 2026-01-05 growth-barriers+premises barrier sev – quote anon (parent and sub-theme)
  i14 B 2026-03-01 exporting      observation sev 2 quote named
  i15 A 2026-01-15 market-trends  opportunity sev 2 quote anon
  i16 A 2026-02-05 retired (an inactive top-level theme) ✗ not listed

Interactions: x1 D 2026-02-01 confidential; x2 A 2026-01-10; x3 F 2026-04-01 (after the period).
"""

from datetime import date

import pytest

from evidence.aggregation import Scope, build_result, per_theme_counts_sql, previous_period
from insights.models import Theme
from tests.factories import OrganisationFactory
from tests.factories_summaries import InsightFactory, InteractionFactory, taxonomy

pytestmark = pytest.mark.django_db

Q1 = (date(2026, 1, 1), date(2026, 3, 31))


@pytest.fixture
def dataset():
    t = taxonomy()
    retired = Theme.objects.create(slug="retired-theme", name="Retired", active=False)
    orgs = {
        "A": OrganisationFactory(
            name="Alpha Engineering Ltd",
            sic_codes=["25110"],
            employees=30,
            local_authority="Oxford",
            key_account=True,
        ),
        "B": OrganisationFactory(
            name="Beta Software Ltd", sic_codes=["62012"], employees=120, local_authority="Cherwell"
        ),
        "C": OrganisationFactory(
            name="Gamma Cafe", sic_codes=[], employees=None, local_authority="Oxford"
        ),
        "D": OrganisationFactory(
            name="Delta Builders", sic_codes=["41201"], employees=5, local_authority="Oxford"
        ),
        "E": OrganisationFactory(
            name="Epsilon Labs", sic_codes=["72110"], employees=300, local_authority="Oxford"
        ),
        "F": OrganisationFactory(
            name="Foxtrot Foods", sic_codes=["10710"], employees=8, local_authority="Oxford"
        ),
    }
    A, B, C, D, E, F = (orgs[k] for k in "ABCDEF")
    InteractionFactory(organisations=[D], occurred_on=date(2026, 2, 1), confidential=True)
    InteractionFactory(organisations=[A], occurred_on=date(2026, 1, 10))
    InteractionFactory(organisations=[F], occurred_on=date(2026, 4, 1))
    secret_meeting = InteractionFactory(
        organisations=[A], occurred_on=date(2025, 6, 1), confidential=True
    )

    def insight(org, day, themes, **kwargs):
        return InsightFactory(
            organisation=org, recorded_on=day, themes=[t[s] for s in themes], **kwargs
        )

    insight(
        A,
        date(2026, 1, 1),
        ["premises", "housing"],
        kind="barrier",
        severity=4,
        quote="We cannot find a bigger unit anywhere near Oxford.",
    )
    insight(
        A,
        date(2026, 2, 10),
        ["skills", "recruitment"],
        kind="barrier",
        quote="Nobody applies for our welder jobs.",
        attribution="named",
    )
    insight(
        B,
        date(2026, 3, 31),
        ["skilled-labour"],
        kind="barrier",
        severity=5,
        quote="Developers cost too much.",
    )
    insight(B, date(2026, 2, 1), ["exporting"], kind="opportunity", severity=2, attribution="named")
    insight(C, date(2026, 3, 15), ["growth-barriers"], severity=3, quote="Rents keep rising.")
    insight(
        C,
        date(2026, 1, 20),
        ["housing"],
        kind="barrier",
        severity=5,
        quote="Secret",
        attribution="confidential",
    )
    insight(
        A,
        date(2026, 2, 20),
        ["grants"],
        quote="Also secret",
        attribution="named",
        interaction=secret_meeting,
    )
    insight(E, date(2026, 2, 2), ["innovation"], quote="Secret too", attribution="confidential")
    insight(B, date(2025, 12, 31), ["premises"], kind="barrier", quote="Too early")
    insight(A, date(2026, 4, 1), ["premises"], kind="barrier", quote="Too late", severity=5)
    insight(A, date(2025, 10, 3), ["recruitment"])
    insight(C, date(2025, 10, 2), ["skills"])
    insight(
        B,
        date(2026, 1, 5),
        ["growth-barriers", "premises"],
        kind="barrier",
        quote="Parking is impossible.",
    )
    insight(
        B,
        date(2026, 3, 1),
        ["exporting"],
        severity=2,
        quote="Export paperwork doubled.",
        attribution="named",
    )
    insight(
        A,
        date(2026, 1, 15),
        ["market-trends"],
        kind="opportunity",
        severity=2,
        quote="Orders are up.",
    )
    InsightFactory(organisation=A, recorded_on=date(2026, 2, 5), themes=[retired])
    return orgs


def themes_by_slug(result):
    return {entry["theme"]: entry for entry in result["themes"]}


def test_the_previous_period_is_the_same_length_ending_the_day_before():
    # SPEC §2's example: 1 Jan–31 Mar 2026 (90 days) → 3 Oct–31 Dec 2025 (90 days).
    assert previous_period(date(2026, 1, 1), date(2026, 3, 31)) == (
        date(2025, 10, 3),
        date(2025, 12, 31),
    )
    # One day → the day before.
    assert previous_period(date(2026, 3, 1), date(2026, 3, 1)) == (
        date(2026, 2, 28),
        date(2026, 2, 28),
    )


def test_it_computes_every_number_of_the_unscoped_summary(dataset):
    result = build_result(Scope(*Q1))

    assert result["period_start"] == "2026-01-01"
    assert result["period_end"] == "2026-03-31"
    assert result["previous_start"] == "2025-10-03"
    assert result["previous_end"] == "2025-12-31"
    # A (1-2-1 x2 and insights), B (insights), C (i5; i6 is confidential but i5 is not),
    # D (a confidential 1-2-1 still counts). Not E (only a confidential insight), not F
    # (its 1-2-1 is the day after the period).
    assert result["engaged_organisations"] == 4

    # Every active top-level theme, by organisations then slug; the retired one is absent.
    assert [entry["theme"] for entry in result["themes"]] == [
        "growth-barriers",  # 3 organisations
        "growth-markets",  # 2
        "skills",  # 1
        "finance",  # 0 (i7 is confidential)
        "innovation",  # 0 (i8 is confidential)
        "supply-chains",  # 0
    ]
    themes = themes_by_slug(result)

    # Barriers to growth: i1 (A; premises+housing counted once), i3 (B), i5 (C, top-level
    # tag), i13 (B; parent and premises counted once) = 4 insights from A, B, C.
    assert themes["growth-barriers"] == {
        "theme": "growth-barriers",
        "name": "Barriers to growth",
        "insights": 4,
        "organisations": 3,
        "share": 0.75,  # 3 of the 4 engaged organisations
        "employees": 150,  # A 30 + B 120 (B once, despite two insights); C unknown
        "barriers": 3,  # i1, i3, i13 (i5 is an observation)
        "opportunities": 0,
        "previous_organisations": 1,  # i9: B on 31 Dec 2025
        "by_sector": {"C": 1, "J": 1},  # A manufacturing, B information; C has no sector
        "by_size_band": {"small": 1, "medium": 1, "unknown": 1},
        # premises: A (i1), B (i13); housing: A (i1; i6 is confidential); skilled-labour: B
        "sub_themes": {"housing": 1, "premises": 2, "skilled-labour": 1},
        # Eligible: i3 sev 5, i1 sev 4, i5 sev 3, i13 no severity (4th, so left out).
        "quotes": [
            {
                "text": "Developers cost too much.",
                "attribution": "a medium digital and media business",
            },
            {
                "text": "We cannot find a bigger unit anywhere near Oxford.",
                "attribution": "a small manufacturing business",
            },
            {"text": "Rents keep rising.", "attribution": "a business"},
        ],
    }
    # Growth and markets: i4 (B), i14 (B), i15 (A) = 3 insights from 2 organisations.
    assert themes["growth-markets"] == {
        "theme": "growth-markets",
        "name": "Growth and markets",
        "insights": 3,
        "organisations": 2,
        "share": 0.5,
        "employees": 150,
        "barriers": 0,
        "opportunities": 2,  # i4, i15
        "previous_organisations": 0,
        "by_sector": {"C": 1, "J": 1},
        "by_size_band": {"small": 1, "medium": 1},
        "sub_themes": {"exporting": 1, "market-trends": 1},  # exporting: B twice = 1 org
        # i14 and i15 both severity 2: the more recent (1 Mar) first. i4 has no quote.
        "quotes": [
            {"text": "Export paperwork doubled.", "attribution": "Beta Software Ltd"},
            {"text": "Orders are up.", "attribution": "a small manufacturing business"},
        ],
    }
    # Skills: i2 only (A); previous: i11 on 3 Oct 2025 (first day, inclusive); i12 the day
    # before the previous period is not counted.
    assert themes["skills"] == {
        "theme": "skills",
        "name": "Skills and workforce",
        "insights": 1,
        "organisations": 1,
        "share": 0.25,
        "employees": 30,
        "barriers": 1,
        "opportunities": 0,
        "previous_organisations": 1,
        "by_sector": {"C": 1},
        "by_size_band": {"small": 1},
        "sub_themes": {"recruitment": 1},
        "quotes": [
            {"text": "Nobody applies for our welder jobs.", "attribution": "Alpha Engineering Ltd"}
        ],
    }
    for slug, name in [
        ("finance", "Finance and investment"),
        ("innovation", "Innovation and R&D"),
        ("supply-chains", "Supply chains"),
    ]:
        assert themes[slug] == {
            "theme": slug,
            "name": name,
            "insights": 0,
            "organisations": 0,
            "share": 0,
            "employees": 0,
            "barriers": 0,
            "opportunities": 0,
            "previous_organisations": 0,
            "by_sector": {},
            "by_size_band": {},
            "sub_themes": {},
            "quotes": [],
        }


def test_it_never_quotes_or_counts_confidential_insights(dataset):
    text = repr(build_result(Scope(*Q1)))
    assert "ecret" not in text
    assert "Epsilon" not in text


def test_it_scopes_by_sector(dataset):
    result = build_result(Scope(*Q1, sectors=("C",)))
    # Sector C: A (engaged) and F (its only 1-2-1 is after the period).
    assert result["engaged_organisations"] == 1
    themes = themes_by_slug(result)
    # Barriers to growth in C: i1 only.
    assert (themes["growth-barriers"]["insights"], themes["growth-barriers"]["organisations"]) == (
        1,
        1,
    )
    assert themes["growth-barriers"]["share"] == 1.0
    assert themes["growth-barriers"]["previous_organisations"] == 0  # i9 is B's
    assert themes["growth-barriers"]["sub_themes"] == {"housing": 1, "premises": 1}
    assert themes["skills"]["previous_organisations"] == 1  # i11 is A's
    assert themes["growth-markets"]["quotes"] == [
        {"text": "Orders are up.", "attribution": "a small manufacturing business"}
    ]


def test_it_scopes_by_local_authority_size_band_and_key_accounts(dataset):
    cherwell = build_result(Scope(*Q1, local_authorities=("Cherwell",)))
    # Only B: i3, i13 for barriers (1 organisation), i9 in the previous period.
    assert cherwell["engaged_organisations"] == 1
    barriers = themes_by_slug(cherwell)["growth-barriers"]
    assert (
        barriers["insights"],
        barriers["organisations"],
        barriers["previous_organisations"],
    ) == (
        2,
        1,
        1,
    )
    assert barriers["employees"] == 120

    micro = build_result(Scope(*Q1, size_bands=("micro",)))
    # D (confidential 1-2-1) is engaged; F's 1-2-1 is after the period. No insights.
    assert micro["engaged_organisations"] == 1
    assert all(entry["organisations"] == 0 for entry in micro["themes"])
    assert all(entry["share"] == 0 for entry in micro["themes"])

    key = build_result(Scope(*Q1, key_accounts_only=True))
    assert key["engaged_organisations"] == 1  # A
    assert themes_by_slug(key)["skills"]["organisations"] == 1
    assert themes_by_slug(key)["growth-barriers"]["employees"] == 30

    nobody = build_result(Scope(*Q1, local_authorities=("Nowhere",)))
    assert nobody["engaged_organisations"] == 0
    assert all(entry["share"] == 0 for entry in nobody["themes"])


def test_a_theme_filter_lists_only_the_requested_themes(dataset):
    result = build_result(Scope(*Q1, themes=("skills", "finance")))
    # Share stays over all 4 engaged organisations: the theme filter does not narrow them.
    assert result["engaged_organisations"] == 4
    assert [entry["theme"] for entry in result["themes"]] == ["skills", "finance"]
    assert themes_by_slug(result)["skills"]["share"] == 0.25


def test_a_sub_theme_filter_lists_its_parent_counting_only_that_sub_theme(dataset):
    result = build_result(Scope(*Q1, themes=("housing",)))
    # housing: i1 (A) only (i6 is confidential). Previous: i9 is premises, not housing.
    assert [entry["theme"] for entry in result["themes"]] == ["growth-barriers"]
    entry = result["themes"][0]
    assert (entry["insights"], entry["organisations"], entry["previous_organisations"]) == (1, 1, 0)
    assert entry["sub_themes"] == {"housing": 1}
    assert entry["quotes"] == [
        {
            "text": "We cannot find a bigger unit anywhere near Oxford.",
            "attribution": "a small manufacturing business",
        }
    ]


def test_the_hand_written_sql_agrees_with_the_summary(dataset):
    summary = themes_by_slug(build_result(Scope(*Q1)))
    counts = per_theme_counts_sql(*Q1)
    assert counts == {
        "growth-barriers": {"insights": 4, "organisations": 3},
        "growth-markets": {"insights": 3, "organisations": 2},
        "skills": {"insights": 1, "organisations": 1},
    }
    for slug, numbers in counts.items():
        assert summary[slug]["insights"] == numbers["insights"]
        assert summary[slug]["organisations"] == numbers["organisations"]


def test_it_runs_a_constant_handful_of_queries(dataset):
    # Grouped queries, never one per insight, theme or organisation.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        build_result(Scope(*Q1))
    for _ in range(30):
        InsightFactory(
            organisation=OrganisationFactory(),
            recorded_on=date(2026, 2, 1),
            themes=[Theme.objects.get(slug="transport")],
            quote="More buses please.",
        )
    with CaptureQueriesContext(connection) as after:
        build_result(Scope(*Q1))
    assert len(after) == len(before) <= 10


@pytest.mark.django_db
def test_it_uses_the_short_sector_name_for_anonymous_quotes():
    from evidence.aggregation import quote_attribution
    from insights.models import Insight
    from tests.factories import OrganisationFactory

    organisation = OrganisationFactory(sic_codes=["62012"], employees=None)
    insight = Insight(organisation=organisation, attribution="anonymous")
    assert quote_attribution(insight) == "a digital and media business"
