"""What every contacts page shares: the role matrix (SPEC §1), the capped count and the
filters in use."""

import pytest

from contacts.models import Organisation, Person
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

READ, WRITE = "read", "write"
# SPEC §1: officers create/read/update, organisers read, the growth group sees nothing here.
ALLOWED = {
    "officer": {READ: 200, WRITE: 200},
    "admin": {READ: 200, WRITE: 200},
    "organiser": {READ: 200, WRITE: 403},
    "growth_group": {READ: 403, WRITE: 403},
}


def page_urls(records):
    org, twin = records["org"].pk, records["twin"].pk
    person, person_twin = records["person"].pk, records["person_twin"].pk
    return {
        "/organisations/": READ,
        "/organisations/?q=cowley&sector=C&page=2": READ,
        f"/organisations/{org}/": READ,
        "/organisations/new/": WRITE,
        f"/organisations/{org}/edit/": WRITE,
        "/organisations/duplicates/": WRITE,
        f"/organisations/merge/?ids={org}&ids={twin}": WRITE,
        f"/organisations/merge/?ids={org}&ids={twin}&survivor={org}": WRITE,
        "/people/": READ,
        f"/people/?organisation={org}": READ,
        f"/people/{person}/": READ,
        "/people/new/": WRITE,
        f"/people/new/?organisation={org}": WRITE,
        f"/people/{person}/edit/": WRITE,
        "/people/duplicates/": WRITE,
        f"/people/merge/?ids={person}&ids={person_twin}": WRITE,
    }


@pytest.mark.parametrize("role", ["officer", "organiser", "growth_group", "admin", "anonymous"])
def test_it_enforces_the_role_matrix_on_every_contacts_page(role, users, client_for, records):
    client = client_for(users[role])
    for url, access in page_urls(records).items():
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"].startswith("/login/?next="), url
        else:
            assert response.status_code == ALLOWED[role][access], (url, response.status_code)


@pytest.mark.parametrize("role", ["organiser", "growth_group", "anonymous"])
def test_it_refuses_writes_from_roles_that_may_not_write(role, users, client_for, records):
    client = client_for(users[role])
    org, twin = records["org"], records["twin"]
    responses = [
        client.post(
            "/organisations/new/",
            {"name": "Sneaky Ltd", "kind": "business", "rural_urban": "urban", "status": "active"},
        ),
        client.post(
            f"/organisations/{org.pk}/edit/",
            {"name": "Renamed", "kind": "business", "rural_urban": "urban", "status": "active"},
        ),
        client.post("/people/new/", {"first_name": "Sneaky", "lawful_basis": "public_task"}),
        client.post("/organisations/merge/", {"ids": [org.pk, twin.pk], "survivor": org.pk}),
    ]
    expected = 302 if role == "anonymous" else 403
    assert [r.status_code for r in responses] == [expected] * 4
    assert not Organisation.objects.filter(name__in=["Sneaky Ltd", "Renamed"]).exists()
    assert not Person.objects.filter(first_name="Sneaky").exists()
    assert Organisation.objects.filter(pk=twin.pk).exists()


def test_the_count_stops_at_the_cap_and_says_more_than(client_for, officer, monkeypatch):
    from contacts.views import common

    monkeypatch.setattr(common, "COUNT_CAP", 3)
    for number in range(5):
        OrganisationFactory(name=f"Capped {number}")
        PersonFactory(organisation=None, last_name=f"Capped{number}")
    client = client_for(officer)
    html = client.get("/organisations/?page_size=2").content.decode()
    assert "More than 3 organisations" in html and "Only the first 3 are listed" in html
    assert 'aria-label="Page 2"' in html and 'aria-label="Page 3"' not in html
    assert "More than 3 people" in client.get("/people/").content.decode()
    html = client.get("/organisations/?q=capped+1").content.decode()
    assert "1 organisation found" in html and "More than" not in html


def test_selected_filters_are_listed_with_links_that_remove_them(client_for, officer):
    OrganisationFactory(sic_codes=["10710"])
    html = client_for(officer).get("/organisations/?sector=C&size_band=small&page=1").content
    html = html.decode()
    assert "Selected filters" in html
    assert "Sector: C: Manufacturing" in html and "Size: Small (10–49)" in html
    assert 'href="?size_band=small"' in html  # removes the sector, and the page number
    assert 'href="?sector=C"' in html
