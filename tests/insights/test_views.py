"""The taxonomy shipped by the data migration, and the insight browsing page."""

import datetime

import pytest

from insights import selectors
from insights.models import Insight, Theme
from tests.factories import OrganisationFactory, UserFactory
from tests.factories_capture import (
    InsightFactory,
    taxonomy,  # noqa: F401  (fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]

SPEC_TAXONOMY = {
    "growth-markets": ["market-trends", "growth-plans", "exporting"],
    "growth-barriers": [
        "premises",
        "skilled-labour",
        "cost-of-living",
        "housing",
        "transport",
        "digital-connectivity",
        "regulation",
    ],
    "skills": ["recruitment", "apprenticeships", "progression", "training-provision"],
    "finance": ["access-to-finance", "grants", "investment-readiness"],
    "supply-chains": ["local-suppliers", "procurement", "resilience"],
    "innovation": [
        "research-development",
        "university-links",
        "innovation-support",
        "technology-adoption",
    ],
}


def test_the_shipped_taxonomy_is_exactly_spec_section_2():
    tops = list(
        Theme.objects.filter(parent=None).order_by("position").values_list("slug", flat=True)
    )
    assert tops == list(SPEC_TAXONOMY)
    for parent, children in SPEC_TAXONOMY.items():
        got = list(
            Theme.objects.filter(parent__slug=parent)
            .order_by("position")
            .values_list("slug", flat=True)
        )
        assert got == children
    assert Theme.objects.count() == 30
    assert Theme.objects.get(slug="growth-barriers").name == "Barriers to growth"
    assert Theme.objects.get(slug="innovation").name == "Innovation and R&D"


def test_theme_counts_count_an_insight_once_per_top_level_theme():
    InsightFactory(themes=["premises", "housing", "grants"])  # barriers once, finance once
    InsightFactory(themes=["growth-barriers"])
    InsightFactory(themes=["exporting"])
    counts = {
        row["theme"].slug: row["count"]
        for row in selectors.theme_counts(insights=Insight.objects.all())
    }
    assert counts["growth-barriers"] == 2
    assert counts["finance"] == 1
    assert counts["growth-markets"] == 1
    assert counts["skills"] == 0 and "innovation" in counts


def test_the_insight_page_filters_and_counts_the_filtered_set(client_for, officer):
    maker = OrganisationFactory(
        name="Maker", sic_codes=["25110"], employees=300, local_authority="Cherwell"
    )
    shop = OrganisationFactory(
        name="Shop", sic_codes=["47110"], employees=3, local_authority="Oxford"
    )
    colleague = UserFactory(role="officer")
    InsightFactory(
        organisation=maker,
        themes=["premises", "transport"],
        statement="Maker premises",
        recorded_on=datetime.date(2025, 2, 1),
        created_by=colleague,
    )
    InsightFactory(
        organisation=shop,
        themes=["grants"],
        statement="Shop grants",
        kind="opportunity",
        recorded_on=datetime.date(2025, 5, 1),
    )
    client = client_for(officer)

    def page(query):
        response = client.get(f"/insights/?{query}")
        assert response.status_code == 200
        return response.content.decode()

    html = page("theme=growth-barriers")
    assert "Maker premises" in html and "Shop grants" not in html
    # The count by theme is fetched after the list, with the same filters.
    assert 'hx-get="/insights/theme-counts/?theme=growth-barriers"' in html
    counts = client.get("/insights/theme-counts/?theme=growth-barriers", HTTP_HX_REQUEST="true")
    assert counts.status_code == 200
    fragment = counts.content.decode()
    assert "<html" not in fragment
    assert 'data-theme="growth-barriers">1<' in fragment and 'data-theme="finance">0<' in fragment
    # Without JavaScript the same table is a page of its own, linked from the list.
    whole = client.get("/insights/theme-counts/?theme=growth-barriers").content.decode()
    assert "<html" in whole and 'data-theme="growth-barriers">1<' in whole
    assert "Shop grants" in page("kind=opportunity") and "Maker premises" not in page(
        "kind=opportunity"
    )
    assert "Maker premises" in page("sector=C") and "Shop grants" not in page("sector=C")
    assert "Shop grants" in page("size_band=micro") and "Maker premises" not in page(
        "size_band=micro"
    )
    assert "Maker premises" in page("local_authority=cherwell") and "Shop grants" not in page(
        "local_authority=cherwell"
    )
    assert "Shop grants" in page("recorded_after=2025-03-01") and "Maker premises" not in page(
        "recorded_after=2025-03-01"
    )
    assert "Maker premises" in page("recorded_before=2025-03-01")
    assert "Maker premises" in page(f"officer={colleague.pk}") and "Shop grants" not in page(
        f"officer={colleague.pk}"
    )


def test_bad_filter_values_on_the_page_never_cause_a_server_error(client_for, officer):
    InsightFactory()
    query = "theme=zzz&recorded_after=never&officer=abc&before=x&size_band=huge"
    assert client_for(officer).get(f"/insights/?{query}").status_code == 200
    assert client_for(officer).get(f"/insights/theme-counts/?{query}").status_code == 200


def _shown(html):
    """The ids of the insight cards on a page, top to bottom."""
    return [
        int(piece.split('"')[0])
        for piece in html.split('class="govuk-summary-card" id="insight-')[1:]
    ]


def test_latest_insights_are_newest_recorded_first_whatever_order_they_were_entered(
    client_for, officer
):
    # Entered out of date order, so ids and dates disagree; two share a date.
    days = [5, 1, 9, 5, 3]
    entered = [
        InsightFactory(statement=f"Insight entered {n}", recorded_on=datetime.date(2025, 3, day))
        for n, day in enumerate(days)
    ]
    html = client_for(officer).get("/insights/").content.decode()
    assert "Latest insights" in html
    # 9 March, then 5 March (the later entered first), 3 March, 1 March.
    assert _shown(html) == [entered[i].pk for i in (2, 3, 0, 4, 1)]


def test_the_insight_page_pages_by_date_then_id_without_gaps_or_repeats(client_for, officer):
    for n in range(55):
        # Dates run against the order of entry, a few sharing one date.
        InsightFactory(
            recorded_on=datetime.date(2025, 1, 1)
            + datetime.timedelta(days=(60 - n) // 3 * 3 if n % 2 else n)
        )
    client = client_for(officer)
    html = client.get("/insights/").content.decode()
    assert html.count('class="govuk-summary-card"') == 50
    cursor = html.split('href="?before=')[1].split('"')[0]
    second = client.get(f"/insights/?before={cursor}").content.decode()
    assert second.count('class="govuk-summary-card"') == 5
    assert 'rel="next"' not in second
    expected = list(Insight.objects.order_by("-recorded_on", "-id").values_list("id", flat=True))
    assert expected != sorted(expected, reverse=True)
    assert _shown(html) + _shown(second) == expected
