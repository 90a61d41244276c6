import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_sign_in_page_is_accessible(page, live_server):
    page.goto(f"{live_server.url}/login/")
    assert_accessible(page)


def test_the_sign_in_page_with_errors_is_accessible(page, live_server):
    page.goto(f"{live_server.url}/login/")
    page.click("button[type=submit]")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)


def test_axe_finds_a_violation_it_is_shown(page, live_server):
    # Guards the harness itself: an image without alt text must be reported.
    page.goto(f"{live_server.url}/login/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"x.png\">')"
    )
    assert any(v["id"] == "image-alt" for v in axe_violations(page))


def test_an_officer_signs_in_and_sees_the_home_page(page, live_server, officer):
    sign_in(page, live_server, officer)
    assert page.url.rstrip("/") == live_server.url
    expect(page.locator("h1").first).to_be_visible()
