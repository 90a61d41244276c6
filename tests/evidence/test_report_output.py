"""What a reader gets from a finished report: the PDF's cover, page numbers, title and
bookmarks read back from the file; the CSV's percentages; the page's wording and numbers;
the request form's preset periods."""

import csv
import io
from datetime import date

import pytest
from pypdf import PdfReader

from evidence import exports, services
from evidence.models import EvidenceSummary
from tests.evidence.test_api import pdf_pages
from tests.factories import OrganisationFactory
from tests.factories_summaries import InsightFactory, InteractionFactory, taxonomy

pytestmark = pytest.mark.django_db


@pytest.fixture
def summary(officer, django_capture_on_commit_callbacks, settings):  # type: ignore[no-untyped-def]
    settings.OPERATOR_NAME = "Cherwell District Council"
    themes = taxonomy()
    big = OrganisationFactory(name="Big Works Ltd", sic_codes=["25110"], employees=34_000)
    small = OrganisationFactory(name="Small Shop", sic_codes=["47110"], employees=516)
    others = [OrganisationFactory(sic_codes=["62012"]) for _ in range(15)]
    InteractionFactory(organisations=[big, small, *others], occurred_on=date(2026, 1, 4))
    for organisation in (big, small):
        InsightFactory(
            organisation=organisation,
            recorded_on=date(2026, 1, 10),
            themes=[themes["premises"], themes["housing"]],
            quote=f"{organisation.name} needs room.",
            attribution="anonymous",
        )
    with django_capture_on_commit_callbacks(execute=True):
        requested = services.summary_request(
            requested_by=officer, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31)
        )
    requested.refresh_from_db()
    assert requested.status == "done", requested.error
    return requested


def test_the_pdf_says_whose_report_it_is_and_numbers_its_pages(summary):
    content = exports.summary_pdf(summary)
    reader = PdfReader(io.BytesIO(content))
    pages = pdf_pages(content)

    assert reader.metadata.title == "Evidence report: 1 Jan 2026 to 31 Jan 2026"
    assert reader.metadata.author == "Cherwell District Council"
    assert reader.metadata.subject
    assert len(pages) == len(reader.pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
    cover = pages[0]
    assert "Cherwell District Council" in cover
    assert "Period 1 January 2026 to 31 January 2026" in cover
    assert "Status Draft: not yet published to the growth group" in cover
    assert "Date of issue" in cover
    assert "Contents" in cover and "Theme by theme" in cover


def test_the_pdf_is_marked_published_once_published(summary, officer):
    published = services.summary_publish(summary=summary, published_by=officer)
    cover = pdf_pages(exports.summary_pdf(published))[0]
    assert "Status Published to the growth group" in cover


def test_the_pdf_bookmarks_each_section_and_theme_on_its_page(summary):
    content = exports.summary_pdf(summary)
    reader = PdfReader(io.BytesIO(content))
    pages = pdf_pages(content)

    def flatten(outline):  # type: ignore[no-untyped-def]
        for item in outline:
            if isinstance(item, list):
                yield from flatten(item)
            else:
                yield item

    marks = {
        item.title: reader.get_destination_page_number(item) for item in flatten(reader.outline)
    }
    for title in ("What this report covers", "Themes by organisations", "Theme by theme"):
        assert title in pages[marks[title]]
    assert "Barriers to growth" in marks and "Innovation and R&D" in marks
    assert marks["Barriers to growth"] >= marks["Theme by theme"]


def test_the_pdf_and_page_format_employees_alike_and_explain_them(summary, client_for, officer):
    text = " ".join(pdf_pages(exports.summary_pdf(summary)))
    page = client_for(officer).get(f"/reports/{summary.pk}/").content.decode()
    for shown in (text, page):
        assert "34,516" in shown
        assert "Employees: the total known employees of the organisations" in shown
    assert "34516" not in page


def test_the_pdf_lists_each_themes_sub_themes(summary):
    text = " ".join(pdf_pages(exports.summary_pdf(summary)))
    assert "Sub-theme Organisations Housing 2 Premises 2" in text


def test_the_csv_adds_a_percentage_beside_the_exact_share(summary):
    rows = list(csv.DictReader(io.StringIO(exports.summary_csv(summary))))
    assert list(rows[0])[-1] == "share_percent"
    assert list(rows[0])[:15] == exports.CSV_COLUMNS[:15]
    (barriers,) = [row for row in rows if row["row"] == "theme" and row["organisations"] == "2"]
    assert float(barriers["share"]) == pytest.approx(2 / 17)
    assert barriers["share_percent"] == "11.8"
    assert barriers["employees"] == "34516"  # raw, for spreadsheets
    assert all(row["share_percent"] == "" for row in rows if row["row"] == "theme_sector")


def test_a_finished_report_never_says_it_is_being_built(
    officer, client_for, django_capture_on_commit_callbacks
):
    taxonomy()
    client = client_for(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/reports/new/",
            {"period": "custom", "period_start": "2026-01-01", "period_end": "2026-01-31"},
        )
    # The job finished before the redirect is followed, as a fast worker's would.
    assert EvidenceSummary.objects.get().status == "done"
    page = client.get(response["Location"]).content.decode()
    assert "Theme by theme" in page
    assert "being built" not in page


def test_a_queued_report_says_it_is_being_built(officer, client_for):
    taxonomy()
    client = client_for(officer)
    response = client.post(
        "/reports/new/",
        {"period": "custom", "period_start": "2026-01-01", "period_end": "2026-01-31"},
        follow=True,
    )
    assert "Evidence report requested: it is being built." in response.content.decode()


def test_the_page_and_its_object_use_one_name(summary, client_for, officer):
    assert str(summary) == "Evidence report 1 Jan 2026 to 31 Jan 2026"
    listing = client_for(officer).get("/reports/").content.decode()
    assert "Summaries" not in listing and "Evidence summary" not in listing
    page = client_for(officer).get(f"/reports/{summary.pk}/").content.decode()
    assert "<title>Evidence report: 1 Jan 2026 to 31 Jan 2026" in page
    assert 'href="#theme-growth-barriers"' in page and 'id="theme-growth-barriers"' in page


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (
            date(2026, 12, 1),
            {
                "last_month": (date(2026, 11, 1), date(2026, 11, 30)),
                "last_12_months": (date(2025, 12, 1), date(2026, 11, 30)),
                "last_quarter": (date(2026, 7, 1), date(2026, 9, 30)),
                "financial_year": (date(2026, 4, 1), date(2026, 11, 30)),
            },
        ),
        (
            date(2026, 1, 15),
            {
                "last_month": (date(2025, 12, 1), date(2025, 12, 31)),
                "last_12_months": (date(2025, 1, 1), date(2025, 12, 31)),
                "last_quarter": (date(2025, 10, 1), date(2025, 12, 31)),
                "financial_year": (date(2025, 4, 1), date(2026, 1, 14)),
            },
        ),
        (
            # 1 April: the new financial year has no finished day, so the one just ended.
            date(2026, 4, 1),
            {
                "last_month": (date(2026, 3, 1), date(2026, 3, 31)),
                "last_12_months": (date(2025, 4, 1), date(2026, 3, 31)),
                "last_quarter": (date(2026, 1, 1), date(2026, 3, 31)),
                "financial_year": (date(2025, 4, 1), date(2026, 3, 31)),
            },
        ),
        (
            date(2024, 3, 1),  # a leap year's February
            {
                "last_month": (date(2024, 2, 1), date(2024, 2, 29)),
                "last_12_months": (date(2023, 3, 1), date(2024, 2, 29)),
                "last_quarter": (date(2023, 10, 1), date(2023, 12, 31)),
                "financial_year": (date(2023, 4, 1), date(2024, 2, 29)),
            },
        ),
    ],
)
def test_it_works_out_the_preset_periods(today, expected):
    assert services.period_presets(today) == expected


def test_the_form_requests_a_preset_period_worked_out_today(officer, client_for, monkeypatch):
    from django.utils import timezone

    taxonomy()
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 12, 1))
    response = client_for(officer).post(
        "/reports/new/",
        # Stale custom dates are ignored when a preset is chosen.
        {"period": "last_quarter", "period_start": "2020-01-01", "period_end": "bogus"},
    )
    assert response.status_code == 302
    requested = EvidenceSummary.objects.get()
    assert (requested.period_start, requested.period_end) == (date(2026, 7, 1), date(2026, 9, 30))


def test_the_form_offers_the_presets_with_custom_dates_as_a_reveal(officer, client_for):
    taxonomy()
    form = client_for(officer).get("/reports/new/").content.decode()
    for label in (
        "The last full month",
        "The last 12 full months",
        "The last full quarter",
        "This financial year so far",
        "Custom dates",
    ):
        assert label in form
    assert 'value="last_month" checked' in form
    # The custom dates sit under their radio, open whether or not JavaScript runs.
    assert 'id="conditional-custom-period"' in form
    assert "govuk-radios__conditional--hidden" not in form


def test_custom_dates_are_required_when_chosen(officer, client_for):
    taxonomy()
    response = client_for(officer).post("/reports/new/", {"period": "custom"})
    assert response.status_code == 400
    assert "Enter the start of the period" in response.content.decode()
