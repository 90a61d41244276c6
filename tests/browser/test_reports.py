"""Evidence report pages in headless Chromium: axe-core finds no WCAG 2.2 A/AA violation on the
report, the list, the request form (with errors) and the progress page, at desktop and phone
widths; the growth group reads a published report and never an unpublished one."""

import os
from datetime import date

import pytest
from playwright.sync_api import expect

from evidence import services
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import OrganisationFactory, UserFactory
from tests.factories_summaries import (
    EvidenceSummaryFactory,
    InsightFactory,
    InteractionFactory,
    taxonomy,
)

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = os.environ.get("PLACEVOICE_SCREENSHOTS")  # a folder, to look at the pages


def shoot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


@pytest.fixture
def published():
    themes = taxonomy()
    requester = UserFactory(role="officer", first_name="Olivia", last_name="Requester")
    orgs = [
        OrganisationFactory(name="Alpha Engineering Ltd", sic_codes=["25110"], employees=30),
        OrganisationFactory(name="Beta Software Ltd", sic_codes=["62012"], employees=120),
        OrganisationFactory(name="Gamma Cafe", sic_codes=["56101"], employees=4),
        OrganisationFactory(name="Delta Builders", sic_codes=["41201"], employees=260),
    ]
    InteractionFactory(organisations=orgs, occurred_on=date(2026, 1, 4))
    rows = [
        (0, ["premises", "housing"], "barrier", 4, "We cannot find a bigger unit near Oxford."),
        (1, ["skilled-labour", "recruitment"], "barrier", 5, "Developers cost too much."),
        (2, ["cost-of-living"], "barrier", 3, "Staff cannot afford to live nearby."),
        (3, ["exporting"], "opportunity", 2, "Exports to Ireland have doubled."),
        (0, ["research-development"], "opportunity", None, ""),
        (1, ["premises"], "barrier", 2, "Parking is impossible."),
    ]
    for index, slugs, kind, severity, quote in rows:
        InsightFactory(
            organisation=orgs[index],
            recorded_on=date(2026, 1, 10),
            themes=[themes[slug] for slug in slugs],
            kind=kind,
            severity=severity,
            quote=quote,
            attribution="named" if index == 3 else "anonymous",
        )
    InsightFactory(
        organisation=orgs[1], recorded_on=date(2025, 12, 10), themes=[themes["premises"]]
    )
    draft = services.summary_request(
        requested_by=requester, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31)
    )
    summary = services.summary_request(
        requested_by=requester, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31)
    )
    summary.refresh_from_db()
    assert summary.status == "done", summary.error
    services.summary_publish(summary=summary, published_by=requester)
    return summary, draft


def test_the_growth_group_reads_an_accessible_report(page, live_server, growth_member, published):
    summary, draft = published
    sign_in(page, live_server, growth_member)
    page.goto(f"{live_server.url}/reports/")
    assert_accessible(page)
    assert page.locator(f'a[href="/reports/{draft.pk}/"]').count() == 0
    page.click(f'a[href="/reports/{summary.pk}/"]')
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().startswith("1 January 2026")
    assert page.get_by_text("a small manufacturing business").count() >= 1
    assert page.get_by_text("Olivia").count() == 0
    assert_accessible(page)
    shoot(page, "report-1280")
    response = page.goto(f"{live_server.url}/reports/{draft.pk}/")
    assert response.status == 404


def test_the_report_works_on_a_phone(phone_page, live_server, growth_member, published):
    summary, _ = published
    sign_in(phone_page, live_server, growth_member)
    phone_page.goto(f"{live_server.url}/reports/{summary.pk}/")
    assert_accessible(phone_page)
    # Nothing wider than the screen except inside the scrollable table wrappers.
    overflow = phone_page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    shoot(phone_page, "report-390")


def test_an_officer_requests_a_summary_with_an_accessible_form(page, live_server, officer):
    taxonomy()
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/reports/new/")
    assert_accessible(page)
    page.get_by_label("Custom dates").check()
    page.fill("#id_period_start", "2026-02-01")
    page.fill("#id_period_end", "2026-01-01")
    page.get_by_role("button", name="Request the evidence report").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    shoot(page, "request-errors")
    page.fill("#id_period_end", "2026-02-28")
    page.check("#id_themes")
    page.get_by_role("button", name="Request the evidence report").click()
    page.wait_for_load_state("networkidle")
    # Tasks run in-process here: the summary is ready as soon as it is requested.
    expect(page.get_by_role("button", name="Publish to the growth group")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Publish to the growth group").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Published", exact=True).first).to_be_visible()


def test_the_progress_page_is_accessible_and_polls(page, live_server, officer):
    summary = EvidenceSummaryFactory(
        period_start=date(2026, 1, 1), period_end=date(2026, 1, 31), status="running", progress=40
    )
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/reports/{summary.pk}/")
    expect(page.get_by_text("40% complete")).to_be_visible()
    assert_accessible(page)
    shoot(page, "progress")
    # The job moves on; the panel follows without a reload.
    type(summary).objects.filter(pk=summary.pk).update(progress=75)
    page.get_by_text("75% complete").wait_for(timeout=10_000)
