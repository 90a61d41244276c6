"""The organisation and person pages in headless Chromium: WCAG 2.2 A/AA with axe-core,
the phone layout, and the form error summary.

Set PV_SCREENSHOT_DIR to keep full-page screenshots of the pages at 1280 and 390 pixels.
"""

import datetime
import os

import pytest
from playwright.sync_api import expect

from contacts import timeline
from contacts.models import Organisation, Tag
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def screenshot(page, name):
    folder = os.environ.get("PV_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def no_sideways_scroll(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    viewport = page.evaluate("() => window.innerWidth")
    assert width <= viewport, f"{page.url} is {width}px wide on a {viewport}px screen"


@pytest.fixture
def area(db):
    """A few organisations like the demo area's, with people, tags and an account manager."""
    manager = UserFactory(role="officer", first_name="Kim", last_name="Adebayo")
    digital = Tag.objects.create(name="digital")
    life = Tag.objects.create(name="life sciences")
    main = OrganisationFactory(
        name="Oxford Instruments Manufacturing Ltd",
        company_number="01234567",
        sic_codes=["26511", "62012"],
        employees=420,
        address="Tubney Woods",
        town="Abingdon",
        postcode="OX13 5QX",
        ward="Appleford and Sutton Courtenay",
        local_authority="Vale of White Horse",
        rural_urban="rural",
        key_account=True,
        account_manager=manager,
    )
    main.tags.set([digital, life])
    for number, (name, sic) in enumerate(
        [
            ("Cowley Road Bakery", "10710"),
            ("Wholesale and Retail Example Partnership LLP", "46900"),
            ("Bicester Heritage Motors", "45200"),
        ]
    ):
        organisation = OrganisationFactory(name=name, sic_codes=[sic], employees=number * 30)
        organisation.tags.set([digital])
    PersonFactory(organisation=main, first_name="Ada", last_name="Okafor", job_title="CEO")
    PersonFactory(
        organisation=main,
        first_name="Ben",
        last_name="Ward",
        job_title="Head of Operations",
        do_not_contact=True,
    )
    return main


@pytest.fixture
def fake_timeline(monkeypatch):
    def provider(organisation, user, before, limit):
        entries = [
            timeline.TimelineEntry(
                date=datetime.date(2026, 10, 1) + datetime.timedelta(days=n),
                kind=["interaction", "insight", "action", "registration"][n % 4],
                key=n,
                title=f"Quarterly account review {n}",
                url=f"/organisations/{organisation.pk}/",
                summary="Recruitment of technicians is their biggest barrier this year.",
                tags=["Skilled labour", "Premises"] if n % 2 else [],
                confidential=n == 23,
            )
            for n in range(24)
        ]
        entries.sort(key=lambda entry: entry.sort_key, reverse=True)
        if before is not None:
            entries = [entry for entry in entries if entry.sort_key < before]
        return entries[:limit]

    monkeypatch.setattr(timeline, "_providers", {"fake": provider})


def test_the_organisation_list_is_accessible_and_filters(page, live_server, officer, area):
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/organisations/")
    assert page.locator("h1").inner_text() == "Organisations"
    assert_accessible(page)
    screenshot(page, "organisation-list-1280")
    page.select_option("#id_sector", "C")
    page.click("text=Apply filters")
    page.wait_for_load_state()
    assert "sector=C" in page.url
    rows = page.locator("tbody tr")
    assert rows.count() == 2  # the instruments maker and the bakery
    assert_accessible(page)
    screenshot(page, "organisation-list-filtered-1280")


def test_the_organisation_list_works_on_a_phone(phone_page, live_server, officer, area):
    sign_in(phone_page, live_server, officer)
    phone_page.goto(f"{live_server.url}/organisations/")
    no_sideways_scroll(phone_page)
    # The filters start folded away on a phone so the results come first.
    assert not phone_page.locator("details[data-pv-collapse-on-phone]").evaluate("d => d.open")
    expect(phone_page.locator("tbody tr").first).to_be_visible()
    assert_accessible(phone_page)
    screenshot(phone_page, "organisation-list-390")


def test_the_organisation_page_is_accessible_with_its_timeline(
    page, live_server, officer, area, fake_timeline
):
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/organisations/{area.pk}/")
    assert page.locator("h1").inner_text() == area.name
    assert page.locator(".pv-timeline__entry").count() == 20
    expect(page.locator("text=Log a 1-2-1 with this organisation")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "organisation-page-1280")
    page.click("text=Older entries")
    page.wait_for_load_state()
    assert page.locator(".pv-timeline__entry").count() == 4
    assert_accessible(page)


def test_the_organisation_page_works_on_a_phone(
    phone_page, live_server, officer, area, fake_timeline
):
    sign_in(phone_page, live_server, officer)
    phone_page.goto(f"{live_server.url}/organisations/{area.pk}/")
    no_sideways_scroll(phone_page)
    assert_accessible(phone_page)
    screenshot(phone_page, "organisation-page-390")


def test_the_organisation_page_is_accessible_with_the_real_timeline(
    page, live_server, officer, area
):
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/organisations/{area.pk}/")
    assert_accessible(page)


def test_the_organisation_form_with_errors_is_accessible(page, live_server, officer, area):
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/organisations/new/")
    assert_accessible(page)
    page.fill("#id_company_number", "123")
    page.fill("#id_postcode", "nowhere")
    page.fill("#id_sic_codes", "62012 1")
    page.click("button:has-text('Add organisation')")
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    for field in ["name", "company_number", "sic_codes", "postcode"]:
        assert summary.locator(f"a[href='#id_{field}']").count() == 1, field
    assert page.title().startswith("Error:")
    assert_accessible(page)
    screenshot(page, "organisation-form-errors-1280")
    # The summary links take keyboard users to the field.
    summary.locator("a[href='#id_postcode']").click()
    assert page.evaluate("() => document.activeElement.id") == "id_postcode"
    assert Organisation.objects.filter(company_number="123").count() == 0


def test_the_organisation_form_with_errors_works_on_a_phone(phone_page, live_server, officer, area):
    sign_in(phone_page, live_server, officer)
    phone_page.goto(f"{live_server.url}/organisations/{area.pk}/edit/")
    phone_page.fill("#id_name", "")
    phone_page.click("button:has-text('Save changes')")
    phone_page.wait_for_load_state()
    expect(phone_page.locator(".govuk-error-summary")).to_be_visible()
    no_sideways_scroll(phone_page)
    assert_accessible(phone_page)
    screenshot(phone_page, "organisation-form-errors-390")


def test_the_person_pages_are_accessible(page, live_server, officer, area):
    sign_in(page, live_server, officer)
    person = area.people.get(first_name="Ben")
    for url in ["/people/", f"/people/{person.pk}/", f"/people/{person.pk}/edit/"]:
        page.goto(f"{live_server.url}{url}")
        assert_accessible(page)
    page.goto(f"{live_server.url}/people/new/?organisation={area.pk}")
    page.fill("#id_email", "not an email")
    page.click("button:has-text('Add person')")
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert summary.locator("a[href='#id_first_name']").count() == 1
    assert summary.locator("a[href='#id_email']").count() == 1
    assert_accessible(page)


def test_the_person_pages_work_on_a_phone(phone_page, live_server, organiser, area):
    sign_in(phone_page, live_server, organiser)
    person = area.people.get(first_name="Ben")
    for name, url in [
        ("person-list-390", "/people/"),
        ("person-page-390", f"/people/{person.pk}/"),
    ]:
        phone_page.goto(f"{live_server.url}{url}")
        no_sideways_scroll(phone_page)
        assert_accessible(phone_page)
        screenshot(phone_page, name)
    expect(phone_page.locator(".govuk-warning-text")).to_be_visible()  # do not contact


def test_the_duplicates_and_merge_pages_are_accessible(page, live_server, officer, area):
    twin = OrganisationFactory(
        name="Oxford Instruments Manufacturing Limited", postcode=area.postcode
    )
    PersonFactory(organisation=twin)
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/organisations/duplicates/")
    assert_accessible(page)
    # Keep the key account: merging it into the other record would hand that record its
    # account manager, which only an admin may set (SPEC §1).
    group = page.locator("fieldset").first
    group.locator("label:has-text('Oxford Instruments Manufacturing Ltd')").click()
    page.click("button:has-text('Continue')")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Check before you merge"
    assert_accessible(page)
    page.click("button:has-text('Merge organisations')")
    page.wait_for_load_state()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    assert Organisation.objects.filter(name__startswith="Oxford Instruments").count() == 1
    assert_accessible(page)


def test_the_person_form_suggests_organisations_as_you_type(page, live_server, officer, area):
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/people/new/")
    page.fill("#id_first_name", "Grace")
    page.locator("#id_organisation").press_sequentially("Oxford Instr", delay=20)
    page.wait_for_function(
        "() => document.querySelectorAll('#organisation-options option').length > 0"
    )
    assert page.evaluate("() => document.querySelector('#organisation-options option').value") == (
        area.name
    )
    page.fill("#id_organisation", area.name)
    page.click("button:has-text('Add person')")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Grace"
    assert area.people.filter(first_name="Grace").exists()


def tab_to(page, test, limit=60):
    """Press Tab until the focused element passes `test` (a JS predicate on it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({test})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element where {test}")


def test_a_keyboard_user_can_search_and_open_an_organisation(page, live_server, officer, area):
    sign_in(page, live_server, officer)
    page.goto(f"{live_server.url}/organisations/")
    tab_to(page, "el => el.id === 'id_q'")
    page.keyboard.type("instruments")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=instruments" in page.url
    tab_to(page, f"el => el.textContent.trim() === {area.name!r}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/organisations/{area.pk}/")
    tab_to(page, "el => el.textContent.includes('Log a 1-2-1')")
