"""The service navigation: each role's menu links exactly the sections that role may open."""

import re

import pytest

pytestmark = pytest.mark.django_db

# Every section a menu could link, in menu order.
SECTIONS = [
    "/",
    "/log/",
    "/organisations/",
    "/people/",
    "/insights/",
    "/events/",
    "/reports/",
    "/admin/",
]
MENUS = {
    "officer": ["/", "/log/", "/organisations/", "/people/", "/insights/", "/events/", "/reports/"],
    # An organiser's home is their events page, so Home would repeat Events.
    "organiser": ["/organisations/", "/people/", "/events/"],
    "growth_group": ["/reports/"],
    "admin": SECTIONS,
}


def _menu(html: str) -> list[str]:
    navigation = html.split('id="navigation"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"', navigation)


@pytest.mark.parametrize("role", list(MENUS))
def test_each_role_sees_a_menu_of_exactly_the_sections_it_may_open(role, users, client_for):
    client = client_for(users[role])
    # /events/ lands every role on a page with the menu; the home page redirects some.
    page = client.get("/reports/" if role == "growth_group" else "/events/")
    assert page.status_code == 200
    menu = _menu(page.content.decode())
    assert menu == MENUS[role]
    for section in SECTIONS:
        status = client.get(section).status_code
        if section in menu:
            assert status == 200, section
        elif section != "/":  # home redirects an organiser or a growth-group member
            assert status in (302, 403), section
