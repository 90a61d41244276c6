"""`/api/v1/summaries/` (SPEC §3): who may do what, 202 on request, publish, exports and
content negotiation. Tasks run eagerly after commit here."""

import csv
import io
from datetime import date

import pytest

from evidence import services
from evidence.models import EvidenceSummary
from tests.factories import OrganisationFactory
from tests.factories_summaries import EvidenceSummaryFactory, InsightFactory, taxonomy

pytestmark = pytest.mark.django_db(transaction=False)

URL = "/api/v1/summaries/"
BODY = {"period_start": "2026-01-01", "period_end": "2026-01-31"}


@pytest.fixture
def evidence():
    themes = taxonomy()
    organisation = OrganisationFactory(
        name="Alpha Engineering Ltd", sic_codes=["25110"], employees=30
    )
    InsightFactory(
        organisation=organisation,
        recorded_on=date(2026, 1, 10),
        themes=[themes["premises"], themes["housing"]],
        kind="barrier",
        quote="No space to grow.",
        attribution="named",
        severity=4,
    )
    return organisation


@pytest.fixture
def built(officer, evidence, django_capture_on_commit_callbacks):
    """A finished (unpublished) summary and a finished published one."""

    def make():
        with django_capture_on_commit_callbacks(execute=True):
            summary = services.summary_request(
                requested_by=officer, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31)
            )
        summary.refresh_from_db()
        return summary

    draft = make()
    published = services.summary_publish(summary=make(), published_by=officer)
    return draft, published


def test_an_officer_requests_a_summary_and_gets_202_queued(
    officer, evidence, api_client_for, django_capture_on_commit_callbacks
):
    client = api_client_for(officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            URL,
            {**BODY, "themes": ["growth-barriers"], "sectors": ["C"], "key_accounts_only": False},
            format="json",
        )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert body["progress"] == 0
    assert body["result"] is None
    assert body["themes"] == ["growth-barriers"] and body["sectors"] == ["C"]
    assert len(callbacks) == 1
    callbacks[0]()
    detail = client.get(f"{URL}{body['id']}/").json()
    assert detail["status"] == "done"
    assert detail["progress"] == 100
    assert detail["result"]["themes"][0]["theme"] == "growth-barriers"
    assert detail["result"]["themes"][0]["insights"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"period_start": "2026-02-01", "period_end": "2026-01-01"}, "period_end"),
        ({"period_start": "not a date", "period_end": "2026-01-01"}, "period_start"),
        ({**BODY, "themes": ["nope"]}, "themes"),
        ({**BODY, "sectors": ["ZZ"]}, "sectors"),
        ({**BODY, "size_bands": ["giant"]}, "size_bands"),
        ({**BODY, "themes": "skills"}, "themes"),
        ({"period_end": "2026-01-01"}, "period_start"),
    ],
)
def test_bad_requests_are_400_with_the_field(officer, evidence, api_client_for, body, field):
    response = api_client_for(officer).post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not EvidenceSummary.objects.exists()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        # (list, read draft, read published, request, publish, export published csv)
        ("officer", (200, 200, 200, 202, 200, 200)),
        ("admin", (200, 200, 200, 202, 200, 200)),
        ("growth_group", (200, 404, 200, 403, 403, 200)),
        ("organiser", (403, 403, 403, 403, 403, 403)),
        ("anonymous", (401, 401, 401, 401, 401, 401)),
    ],
)
def test_it_enforces_who_may_do_what(role, expected, users, built, api_client_for):
    draft, published = built
    client = api_client_for(users[role])
    observed = (
        client.get(URL).status_code,
        client.get(f"{URL}{draft.pk}/").status_code,
        client.get(f"{URL}{published.pk}/").status_code,
        client.post(URL, BODY, format="json").status_code,
        client.post(f"{URL}{draft.pk}/publish/").status_code,
        client.get(f"{URL}{published.pk}/export.csv").status_code,
    )
    assert observed == expected


def test_the_growth_group_lists_only_published_summaries_without_staff_names(
    growth_member, built, api_client_for
):
    draft, published = built
    client = api_client_for(growth_member)
    body = client.get(URL).json()
    assert body["count"] == 1
    assert [item["id"] for item in body["results"]] == [published.pk]
    assert "requested_by" not in body["results"][0]
    for path in ("export.csv", "export.pdf"):
        assert client.get(f"{URL}{draft.pk}/{path}").status_code == 404
    assert client.post(f"{URL}{published.pk}/unpublish/").status_code == 403


def test_publish_makes_a_summary_visible_to_the_growth_group(
    officer, growth_member, built, api_client_for
):
    draft, _ = built
    response = api_client_for(officer).post(f"{URL}{draft.pk}/publish/")
    assert response.status_code == 200
    assert response.json()["published"] is True
    assert api_client_for(growth_member).get(f"{URL}{draft.pk}/").status_code == 200


def test_an_unfinished_summary_cannot_be_published_or_exported(officer, evidence, api_client_for):
    summary = EvidenceSummaryFactory(period_start=date(2026, 1, 1), period_end=date(2026, 1, 31))
    client = api_client_for(officer)
    response = client.post(f"{URL}{summary.pk}/publish/")
    assert response.status_code == 400
    assert "status" in response.json()
    response = client.get(f"{URL}{summary.pk}/export.csv")
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/json")
    response = client.get(f"{URL}{summary.pk}/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("The summary has not finished")


def test_the_csv_has_a_row_per_theme_then_per_theme_and_sector(
    growth_member, built, api_client_for
):
    _, published = built
    response = api_client_for(growth_member).get(f"{URL}{published.pk}/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    theme_rows = [row for row in rows if row["row"] == "theme"]
    sector_rows = [row for row in rows if row["row"] == "theme_sector"]
    assert [row["theme"] for row in theme_rows] == [
        entry["theme"] for entry in published.result["themes"]
    ]
    assert theme_rows[0]["theme"] == "growth-barriers"
    assert (theme_rows[0]["organisations"], theme_rows[0]["insights"]) == ("1", "1")
    assert theme_rows[0]["engaged_organisations"] == "1"
    assert sector_rows == [
        {
            **{key: "" for key in rows[0]},
            "row": "theme_sector",
            "theme": "growth-barriers",
            "theme_name": "Barriers to growth",
            "sector": "C",
            "sector_name": "Manufacturing",
            "organisations": "1",
            "period_start": "2026-01-01",
            "period_end": "2026-01-31",
            "engaged_organisations": "1",
        }
    ]


def test_the_pdf_is_a_pdf(growth_member, built, api_client_for):
    _, published = built
    response = api_client_for(growth_member).get(f"{URL}{published.pk}/export.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    for expected in (
        "Evidence report",
        "1 January 2026 to 31 January 2026",
        "Themes by organisations",
        "Barriers to growth",
        "This period against the previous period",
        "Organisations by sector and theme",
        "No space to grow.",
        "Alpha Engineering Ltd",
    ):
        assert expected in text


def pdf_text(content: bytes) -> str:
    """The text of every page of a PDF, read back with pypdf, runs of whitespace made one
    space (so a wrapped line reads as one)."""
    return " ".join(page for page in pdf_pages(content))


def pdf_pages(content: bytes) -> list[str]:
    import io
    import re

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return [re.sub(r"\s+", " ", page.extract_text() or "").strip() for page in reader.pages]


@pytest.mark.parametrize(
    ("accept", "content_type", "starts"),
    [
        ("text/csv", "text/csv", b"row,theme"),
        ("application/pdf", "application/pdf", b"%PDF-"),
        ("application/json", "application/json", b"{"),
    ],
)
def test_the_detail_answers_the_accept_header(
    growth_member, built, api_client_for, accept, content_type, starts
):
    _, published = built
    response = api_client_for(growth_member).get(f"{URL}{published.pk}/", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response.content.startswith(starts)


def test_the_list_query_count_does_not_grow_with_the_page(officer, api_client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    EvidenceSummaryFactory.create_batch(
        50, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31), requested_by=officer
    )
    client = api_client_for(officer)
    client.get(URL)  # warm up: the user's roles are read once
    counts = []
    for size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{URL}?page_size={size}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_list_filters_by_status_and_publication(officer, built, api_client_for):
    client = api_client_for(officer)
    assert client.get(f"{URL}?published=true").json()["count"] == 1
    assert client.get(f"{URL}?status=done").json()["count"] == 2
    assert client.get(f"{URL}?status=bogus").status_code == 400
