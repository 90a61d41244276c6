"""Event pages in headless Chromium: accessibility (axe-core, WCAG 2.2 AA), phone widths, and
check-in with one tap."""

import os

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.factories_events import EventFactory, RegistrationFactory, in_days

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("PLACEVOICE_SCREENSHOTS")  # a folder: save screenshots to look at


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def fill_sign_up(page, n=0):
    page.fill("#id_first_name", "Mary")
    page.fill("#id_last_name", f"Somerville {n}")
    page.fill("#id_email", f"mary{n}@example.com")
    page.fill("#id_organisation", "Somerville Instruments Ltd")


@pytest.mark.parametrize("fixture", ["page", "phone_page"])
def test_the_public_event_page_is_accessible(request, live_server, fixture):
    page = request.getfixturevalue(fixture)
    event = EventFactory(title="Innovation breakfast", description="Hear from local founders.")
    page.goto(f"{live_server.url}/e/{event.slug}/")
    assert page.locator("h1").inner_text() == "Innovation breakfast"
    assert_accessible(page)
    shot(page, f"public-event-{fixture}")
    if fixture == "phone_page":
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the page scrolls sideways on a phone"


def test_the_sign_up_form_with_errors_is_accessible(page, live_server):
    event = EventFactory()
    page.goto(f"{live_server.url}/e/{event.slug}/")
    page.fill("#id_email", "not an email")
    page.click("button[type=submit]")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "Enter an email address in the correct format" in summary.inner_text()
    assert_accessible(page)
    shot(page, "public-event-errors")


def test_a_waitlisted_confirmation_is_accessible_and_gives_the_position(phone_page, live_server):
    page = phone_page
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    page.goto(f"{live_server.url}/e/{event.slug}/")
    fill_sign_up(page, 1)
    page.click("button[type=submit]")
    page.wait_for_url("**/registered/**")
    assert "You are on the waiting list" in page.locator("h1").inner_text()
    assert "Your position is 1" in page.locator(".govuk-panel__body").inner_text()
    assert_accessible(page)
    shot(page, "public-waitlisted-phone")


def test_the_already_registered_page_is_accessible(phone_page, live_server):
    page = phone_page
    event = EventFactory(capacity=5)
    RegistrationFactory(event=event, email="mary3@example.com")
    page.goto(f"{live_server.url}/e/{event.slug}/")
    fill_sign_up(page, 3)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("You are already registered")
    assert "/registered/" not in page.url
    assert_accessible(page)
    shot(page, "public-already-registered-phone")


def test_a_confirmed_sign_up_and_the_cancel_page_are_accessible(page, live_server):
    event = EventFactory(capacity=5)
    page.goto(f"{live_server.url}/e/{event.slug}/")
    fill_sign_up(page, 2)
    page.check("#id_marketing_consent")
    page.click("button[type=submit]")
    page.wait_for_url("**/registered/**")
    assert "Your place is confirmed" in page.locator("h1").inner_text()
    assert_accessible(page)
    page.click("text=cancel your place")
    assert_accessible(page)
    page.click("button:has-text('Cancel my place')")
    assert "Registration cancelled" in page.locator("h1").inner_text()
    assert_accessible(page)


@pytest.mark.parametrize("fixture", ["page", "phone_page"])
def test_the_check_in_page_is_accessible_and_checks_in_with_one_tap(
    request, live_server, organiser, fixture
):
    page = request.getfixturevalue(fixture)
    event = EventFactory(title="Door test", starts_at=in_days(0, hour=0), capacity=20)
    ada = RegistrationFactory(event=event, person__first_name="Ada", person__last_name="Byron")
    for _ in range(4):
        RegistrationFactory(event=event)
    sign_in(page, live_server, organiser)
    page.goto(f"{live_server.url}/events/{event.pk}/check-in/")
    assert_accessible(page)
    page.fill("#id_q", "Byron")
    page.press("#id_q", "Enter")
    page.wait_for_load_state("networkidle")
    rows = page.locator(".pv-checkin__person")
    assert rows.count() == 1
    page.evaluate("window.pvNoReload = true")
    rows.first.locator("button").click()
    page.locator(f"#registration-{ada.pk} .pv-checkin__done").wait_for()
    assert page.evaluate("window.pvNoReload") is True  # htmx swapped the row in place
    assert page.locator("#check-in-count").inner_text() == "1 of 5 checked in"
    ada.refresh_from_db()
    assert ada.attended is True
    assert_accessible(page)
    shot(page, f"check-in-{fixture}")
    if fixture == "phone_page":
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # A mis-tap at the door is undone with one more tap.
    page.locator(f"#registration-{ada.pk} button:has-text('Undo')").click()
    page.locator(f"#registration-{ada.pk} button:has-text('Check in')").wait_for()
    assert page.locator("#check-in-count").inner_text() == "0 of 5 checked in"
    ada.refresh_from_db()
    assert ada.attended is None


def test_organiser_pages_are_accessible(page, live_server, organiser):
    event = EventFactory(title="Evening showcase", starts_at=in_days(3, hour=18), capacity=1)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status="waitlisted", waitlist_position=1)
    EventFactory(title="Old workshop", starts_at=in_days(-30, hour=13), kind="workshop")
    sign_in(page, live_server, organiser)
    for path, name in [
        ("/events/", "events-list"),
        ("/events/?when=past", "events-past"),
        (f"/events/calendar/?month={in_days(3):%Y-%m}", "events-calendar"),
        (f"/events/{event.pk}/", "event-detail"),
        (f"/events/{event.pk}/registrations/", "event-registrations"),
        ("/events/new/", "event-new"),
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert_accessible(page)
        shot(page, name)
    page.click("button:has-text('Save as draft')")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    shot(page, "event-new-errors")


def test_the_calendar_on_a_phone_lists_days_with_events(phone_page, live_server, organiser):
    event = EventFactory(title="Phone calendar event", starts_at=in_days(2, hour=7))
    sign_in(phone_page, live_server, organiser)
    phone_page.goto(f"{live_server.url}/events/calendar/?month={in_days(2):%Y-%m}")
    expect(phone_page.get_by_text(event.title)).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(phone_page)
    shot(phone_page, "events-calendar-phone")
