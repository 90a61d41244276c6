"""The import pages in headless Chromium: WCAG 2.2 A/AA with axe-core, keyboard use, the
phone layout, and a real upload followed to its rejected rows.

Set PV_SCREENSHOT_DIR to keep full-page screenshots at 1280 and 390 pixels.
"""

import os
from pathlib import Path

import pytest

from contacts.models import ImportJob, Organisation
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

DATA = Path(__file__).parent.parent / "contacts" / "data"


def screenshot(page, name):
    folder = os.environ.get("PV_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def no_sideways_scroll(page):
    # Compared with the device's 390 pixels: a mobile browser widens its layout viewport
    # (and window.innerWidth) to fit content that is too wide.
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width}px wide on a 390px screen"


@pytest.fixture
def importer(db):
    return UserFactory(
        role="officer", username="importer", first_name="Olivia", last_name="Bennett"
    )


def test_the_upload_page_and_its_errors_are_accessible(page, live_server, importer):
    sign_in(page, live_server, importer)
    page.goto(f"{live_server.url}/imports/")
    assert_accessible(page)
    screenshot(page, "imports-upload-1280")

    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.title().startswith("Error:")
    summary = page.locator(".govuk-error-summary")
    assert "Choose a CSV file to import" in summary.inner_text()
    # The summary takes focus and its links lead to the fields.
    page.click(".govuk-error-summary a[href='#id_kind']")
    assert_accessible(page)
    screenshot(page, "imports-upload-errors-1280")


def test_an_upload_reports_every_rejected_row_accessibly(page, live_server, importer):
    sign_in(page, live_server, importer)
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("#id_file", str(DATA / "organisations_generic.csv"))
    # Keyboard alone: the radios are reachable and chosen with the space bar.
    page.focus("#id_kind")
    page.keyboard.press("Space")
    page.check("#id_format")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")

    job = ImportJob.objects.get()
    assert page.url == f"{live_server.url}/imports/{job.pk}/"
    assert "Nothing was imported" in page.inner_text("main")
    rows = page.locator("#rejected-rows ~ table tbody tr")
    assert rows.count() == 7
    assert rows.first.inner_text().startswith("5")
    assert not Organisation.objects.exists()
    assert_accessible(page)
    screenshot(page, "imports-job-failed-1280")


def test_the_import_pages_fit_a_phone(phone_page, live_server, importer):
    page = phone_page
    sign_in(page, live_server, importer)
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("#id_file", str(DATA / "organisations_companies_house.csv"))
    page.check("#id_kind")
    page.check("#id_format-1")
    page.check("#id_dry_run")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Dry run" in page.inner_text("main")
    no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, "imports-job-dry-run-390")
    page.goto(f"{live_server.url}/imports/")
    no_sideways_scroll(page)
    screenshot(page, "imports-upload-390")
