"""Erasure and subject-access export in headless Chromium: the erase page meets WCAG 2.2 A/AA
(axe-core) at desktop and phone widths, works with the keyboard, and the person page offers
the download.

Set PV_SCREENSHOT_DIR to keep full-page screenshots.
"""

import os

import pytest

from contacts.models import Person
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def screenshot(page, name):
    folder = os.environ.get("PV_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


@pytest.fixture
def ada(db):
    return PersonFactory(
        first_name="Ada",
        last_name="Lovelace",
        email="ada@engines.example",
        job_title="Director",
        organisation=OrganisationFactory(name="Analytical Engines Ltd"),
    )


def test_the_erase_page_is_accessible_and_erases_by_keyboard(page, live_server, ada):
    admin = UserFactory(role="admin", username="dpo")
    sign_in(page, live_server, admin)
    page.goto(f"{live_server.url}/people/{ada.pk}/")
    assert page.get_by_role("link", name="Download everything we hold (subject access)")
    page.get_by_role("link", name="Erase their personal data").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Erase Ada Lovelace's personal data"
    assert_accessible(page)
    screenshot(page, "person-erase")

    page.get_by_role("button", name="Erase personal data").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/people/{ada.pk}/")
    assert page.locator("h1").inner_text() == "Erased person"
    assert_accessible(page)
    screenshot(page, "person-erased")
    ada.refresh_from_db()
    assert ada.erased_at is not None
    assert Person.objects.get(pk=ada.pk).email is None


def test_the_erase_page_on_a_phone(phone_page, live_server, ada):
    admin = UserFactory(role="admin", username="dpo")
    sign_in(phone_page, live_server, admin)
    phone_page.goto(f"{live_server.url}/people/{ada.pk}/erase/")
    assert_accessible(phone_page)
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(phone_page, "person-erase-phone")
