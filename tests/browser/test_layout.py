"""The page frame in headless Chromium: the header keeps the menu, the signed-in name and
"Sign out" on one row on a desktop, and on a phone the filter panels fold away so the first
result is near the top (with or without JavaScript), opening when a filter is applied.

Set PV_SCREENSHOT_DIR to keep full-page screenshots of each role's pages at 1280 and 390
pixels.
"""

import datetime
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from tests.factories_capture import InsightFactory, ensure_taxonomy

pytestmark = pytest.mark.django_db(transaction=True)

# Long-ish real names, so the header is tried with more than a short username.
NAMES = {
    "officer": ("Olivia", "Okafor-Whitfield"),
    "organiser": ("Priya", "Raghunathan"),
    "growth_group": ("Gareth", "Llewellyn"),
    "admin": ("Alexandra", "Fitzgerald"),
}
# The pages each role opens from the menu (home sends organisers to events, the growth
# group to reports).
PAGES = {
    "officer": ["/", "/organisations/", "/insights/"],
    "organiser": ["/", "/organisations/"],
    "growth_group": ["/"],
    "admin": ["/", "/organisations/", "/insights/"],
}
PHONE_FOLD = 900  # the first result starts within this many pixels of the top on a phone


@pytest.fixture
def people(transactional_db: Any) -> dict[str, Any]:
    ensure_taxonomy()
    users = {
        role: UserFactory(role=role, username=role, first_name=first, last_name=last)
        for role, (first, last) in NAMES.items()
    }
    for number in range(12):
        organisation = OrganisationFactory(
            name=f"Cowley Road Bakery {number}",
            sic_codes=["10710"],
            employees=12 + number,
            town="Oxford",
            ward="Carfax",
        )
        PersonFactory(organisation=organisation)
        InsightFactory(
            organisation=organisation,
            statement=f"Cannot find a bigger unit nearby ({number})",
            quote="We have been looking for two years.",
            recorded_on=timezone.localdate() - datetime.timedelta(days=number),
        )
    return users


def screenshot(page: Any, name: str) -> None:
    folder = os.environ.get("PV_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


@pytest.fixture
def no_script_phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, java_script_enabled=False
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def top(page: Any, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown on {page.url}"
    return float(box["y"])


@pytest.mark.parametrize("role", list(NAMES))
def test_the_header_is_one_row_on_a_desktop(page, live_server, people, role):
    sign_in(page, live_server, people[role])
    page.goto(f"{live_server.url}/")
    header = page.locator("header").bounding_box()
    name = page.locator(".pv-signout__user").bounding_box()
    sign_out = page.locator(".pv-signout__button").bounding_box()
    last_link = page.locator(".govuk-service-navigation__link").last.bounding_box()
    assert header and name and sign_out and last_link
    assert NAMES[role][1] in page.locator(".pv-signout__user").inner_text()
    # One row: the name and "Sign out" sit beside the menu, not under it.
    middle = last_link["y"] + last_link["height"] / 2
    for box in (name, sign_out):
        assert box["y"] < middle < box["y"] + box["height"], (role, box, last_link)
    assert header["height"] < 80, header


def test_the_header_wraps_tidily_on_a_phone(phone_page, live_server, people):
    sign_in(phone_page, live_server, people["admin"])
    phone_page.goto(f"{live_server.url}/organisations/")
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
    name = phone_page.locator(".pv-signout__user").bounding_box()
    sign_out = phone_page.locator(".pv-signout__button").bounding_box()
    assert name and sign_out
    assert abs((name["y"] + name["height"] / 2) - (sign_out["y"] + sign_out["height"] / 2)) < 5
    assert phone_page.locator("header").bounding_box()["height"] < 150


@pytest.mark.parametrize("path", ["/organisations/", "/people/", "/insights/"])
def test_the_first_result_comes_first_on_a_phone(phone_page, live_server, people, path):
    sign_in(phone_page, live_server, people["officer"])
    phone_page.goto(f"{live_server.url}{path}")
    result = "#insight-list .govuk-summary-card" if path == "/insights/" else "tbody tr"
    assert top(phone_page, result) < PHONE_FOLD
    assert not phone_page.locator("details[data-pv-collapse-on-phone]").first.evaluate(
        "d => d.open"
    )
    assert_accessible(phone_page)


@pytest.mark.parametrize("path", ["/organisations/", "/insights/"])
def test_the_first_result_comes_first_on_a_phone_without_javascript(
    no_script_phone, live_server, people, path
):
    sign_in(no_script_phone, live_server, people["officer"])
    no_script_phone.goto(f"{live_server.url}{path}")
    result = "#insight-list .govuk-summary-card" if path == "/insights/" else "tbody tr"
    # Without JavaScript GOV.UK's menu shows every link, so measure from the page's content.
    assert top(no_script_phone, result) - top(no_script_phone, "main") < PHONE_FOLD
    assert not no_script_phone.locator("details[data-pv-collapse-on-phone]").first.evaluate(
        "d => d.open"
    )


@pytest.mark.parametrize(
    "path",
    ["/organisations/?size_band=small", "/people/?do_not_contact=false", "/insights/?kind=barrier"],
)
def test_applied_filters_stay_in_view_on_a_phone(phone_page, live_server, people, path):
    sign_in(phone_page, live_server, people["officer"])
    phone_page.goto(f"{live_server.url}{path}")
    assert phone_page.locator("details[data-pv-collapse-on-phone]").first.evaluate("d => d.open")
    assert (
        "applied"
        in phone_page.locator("details[data-pv-collapse-on-phone] summary").first.inner_text()
    )


@pytest.mark.parametrize("path", ["/organisations/", "/people/", "/insights/"])
def test_the_filters_are_open_on_a_desktop(page, live_server, people, path):
    sign_in(page, live_server, people["officer"])
    page.goto(f"{live_server.url}{path}")
    assert page.locator("details[data-pv-collapse-on-phone]").first.evaluate("d => d.open")
    assert page.get_by_role("button", name="Apply filters").is_visible()


@pytest.mark.parametrize("role", list(PAGES))
def test_each_roles_pages_at_desktop_and_phone_widths(browser, live_server, people, role):
    for width, height in ((1280, 900), (390, 844)):
        context = browser.new_context(
            viewport={"width": width, "height": height}, is_mobile=width < 500
        )
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        sign_in(tab, live_server, people[role])
        for path in PAGES[role]:
            response = tab.goto(f"{live_server.url}{path}")
            assert response is not None and response.ok, path
            tab.wait_for_load_state("networkidle")
            assert tab.evaluate("() => document.documentElement.scrollWidth") <= width, path
            name = path.strip("/").replace("/", "-") or "home"
            screenshot(tab, f"{role}-{name}-{width}")
        context.close()
