"""The /reports/ pages: the growth group reads published reports only, with no personal data;
officers request, follow, review and publish."""

from datetime import date

import pytest

from evidence import services
from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from tests.factories_summaries import EvidenceSummaryFactory, InsightFactory, taxonomy

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence():
    themes = taxonomy()
    alpha = OrganisationFactory(name="Alpha Engineering Ltd", sic_codes=["25110"], employees=30)
    PersonFactory(
        organisation=alpha, first_name="Zebedee", last_name="Quartermain", email="zq@alpha.example"
    )
    InsightFactory(
        organisation=alpha,
        recorded_on=date(2026, 1, 10),
        themes=[themes["premises"]],
        kind="barrier",
        statement="Officer's summary: Zebedee wants a bigger unit",
        quote="We cannot find a bigger unit.",
        severity=4,
    )
    InsightFactory(
        organisation=OrganisationFactory(name="Hush Hush Ltd"),
        recorded_on=date(2026, 1, 11),
        themes=[themes["skills"]],
        quote="Top secret words",
        attribution="confidential",
    )
    return alpha


@pytest.fixture
def requester():
    return UserFactory(role="officer", first_name="Olivia", last_name="Requester")


@pytest.fixture
def built(requester, evidence, django_capture_on_commit_callbacks):
    def make():
        with django_capture_on_commit_callbacks(execute=True):
            summary = services.summary_request(
                requested_by=requester,
                period_start=date(2026, 1, 1),
                period_end=date(2026, 1, 31),
                sectors=["C"],
            )
        summary.refresh_from_db()
        return summary

    draft = make()
    published = services.summary_publish(summary=make(), published_by=requester)
    return draft, published


def test_the_growth_group_sees_only_published_reports(growth_member, built, client_for):
    draft, published = built
    client = client_for(growth_member)
    listing = client.get("/reports/").content.decode()
    assert f"/reports/{published.pk}/" in listing
    assert f"/reports/{draft.pk}/" not in listing
    assert client.get(f"/reports/{draft.pk}/").status_code == 404
    assert client.get(f"/reports/{draft.pk}/export.csv").status_code == 404
    assert client.get(f"/reports/{draft.pk}/export.pdf").status_code == 404
    assert client.get(f"/reports/{published.pk}/").status_code == 200
    assert client.get("/reports/new/").status_code == 403
    assert client.post(f"/reports/{draft.pk}/publish/").status_code == 403
    assert client.get(f"/reports/{draft.pk}/progress/").status_code == 403


def test_the_growth_group_sees_no_personal_data(growth_member, built, client_for):
    _, published = built
    client = client_for(growth_member)
    pages = [
        client.get("/reports/").content.decode(),
        client.get(f"/reports/{published.pk}/").content.decode(),
        client.get(f"/reports/{published.pk}/export.csv").content.decode(),
    ]
    for page in pages:
        for personal in ("Zebedee", "Quartermain", "zq@alpha.example", "Olivia", "Requester"):
            assert personal not in page
        assert "Top secret words" not in page and "Hush Hush" not in page
    assert "We cannot find a bigger unit." in pages[1]


def test_organisers_and_anonymous_users_are_kept_out(organiser, built, client_for):
    _, published = built
    assert client_for(organiser).get("/reports/").status_code == 403
    assert client_for(organiser).get(f"/reports/{published.pk}/").status_code == 403
    response = client_for(None).get("/reports/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_report_page_states_its_scope_and_shows_charts_tables_quotes_and_exports(
    growth_member, built, client_for
):
    _, published = built
    page = client_for(growth_member).get(f"/reports/{published.pk}/").content.decode()
    assert "Covers 1 January 2026 to 31 January 2026 (31 days)." in page
    assert (
        "Compared with the previous period of the same length, 1 December 2025 to 31 December 2025."
        in page
    )
    assert "Organisations in Manufacturing (C)." in page
    for heading in (
        "Themes by organisations",
        "This period against the previous period",
        "Organisations by sector and theme",
        "Theme by theme",
        "What organisations said",
    ):
        assert heading in page
    assert page.count("<table") >= 4
    assert page.count('<th scope="col"') >= 10
    assert "a small manufacturing business" in page
    assert f"/reports/{published.pk}/export.pdf" in page
    assert f"/reports/{published.pk}/export.csv" in page
    # Officer controls are not shown to the growth group.
    assert "Unpublish" not in page and "Publish to the growth group" not in page


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [("text/csv", "text/csv"), ("application/pdf", "application/pdf"), ("text/html", "text/html")],
)
def test_the_report_answers_the_accept_header(
    growth_member, built, client_for, accept, content_type
):
    _, published = built
    response = client_for(growth_member).get(f"/reports/{published.pk}/", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)


def test_an_officer_requests_a_summary_and_follows_it(
    officer, evidence, client_for, django_capture_on_commit_callbacks
):
    client = client_for(officer)
    form = client.get("/reports/new/").content.decode()
    assert 'name="period_start"' in form and 'value="growth-barriers"' in form
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/reports/new/",
            {
                "period_start": "2026-01-01",
                "period_end": "2026-01-31",
                "themes": ["growth-barriers"],
            },
        )
    assert response.status_code == 302
    detail_url = response["Location"]
    progress = client.get(detail_url).content.decode()
    assert "0% complete" in progress
    assert 'hx-trigger="every 2s"' in progress
    assert "<progress" in progress
    pk = detail_url.rstrip("/").split("/")[-1]
    panel = client.get(f"/reports/{pk}/progress/", HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in panel
    for callback in callbacks:
        callback()
    panel = client.get(f"/reports/{pk}/progress/", HTTP_HX_REQUEST="true")
    assert panel["HX-Refresh"] == "true"
    report = client.get(detail_url).content.decode()
    assert "Publish to the growth group" in report
    response = client.post(f"/reports/{pk}/publish/")
    assert response.status_code == 302
    assert "Unpublish" in client.get(detail_url).content.decode()


def test_a_failed_summary_says_why(officer, client_for):
    summary = EvidenceSummaryFactory(
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        status="failed",
        error="The summary took longer than the 25-minute limit and was stopped.",
    )
    page = client_for(officer).get(f"/reports/{summary.pk}/").content.decode()
    assert "could not be built" in page and "25-minute limit" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"period_start": "2026-02-01", "period_end": "2026-01-01"}, "same as or after its start"),
        ({"period_start": "", "period_end": "2026-01-01"}, "Enter the start of the period"),
        ({"period_start": "31/02/2026", "period_end": "2026-01-01"}, "real date"),
        (
            {"period_start": "2026-01-01", "period_end": "2026-01-31", "sectors": ["Q9"]},
            "Select a valid choice",
        ),
        ({"period_start": "2016-01-01", "period_end": "2026-01-31"}, "5 years or shorter"),
    ],
)
def test_the_request_form_explains_bad_input(officer, evidence, client_for, data, message):
    response = client_for(officer).post("/reports/new/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert 'href="#id_' in page


def test_bad_query_strings_never_break_the_list(officer, built, client_for):
    client = client_for(officer)
    for query in ("?page=abc", "?page=999", "?status=bogus", "?period_after=notadate"):
        assert client.get(f"/reports/{query}").status_code == 200
