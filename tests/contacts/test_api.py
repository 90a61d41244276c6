"""The contacts API: permissions by role, validation, derived fields, filters, paging."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from contacts.models import Organisation, Person
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

ORGS = "/api/v1/organisations/"
PEOPLE = "/api/v1/people/"

# SPEC §1: who may do what with the accounts. Values are the expected status codes.
MATRIX = {
    # role: (list/read orgs, create org, update org, delete org, read people, create person)
    "officer": (200, 201, 200, 403, 200, 201),
    "organiser": (200, 403, 403, 403, 200, 403),
    "growth_group": (403, 403, 403, 403, 403, 403),
    "admin": (200, 201, 200, 204, 200, 201),
    "anonymous": (401, 401, 401, 401, 401, 401),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_it_enforces_the_role_matrix_on_every_contacts_endpoint(role, users, api_client_for):
    expected = MATRIX[role]
    client = api_client_for(users[role])
    organisation = OrganisationFactory()
    person = PersonFactory(organisation=organisation)
    observed = (
        client.get(ORGS).status_code,
        client.post(ORGS, {"name": f"New {role}"}, format="json").status_code,
        client.patch(f"{ORGS}{organisation.pk}/", {"town": "Bicester"}, format="json").status_code,
        client.delete(f"{ORGS}{OrganisationFactory().pk}/").status_code,
        client.get(f"{PEOPLE}{person.pk}/").status_code,
        client.post(PEOPLE, {"first_name": "Ann", "email": f"{role}@x.example"}).status_code,
    )
    assert observed == expected
    # Detail reads follow the list rule; imports are officers' and admins' only.
    assert client.get(f"{ORGS}{organisation.pk}/").status_code == expected[0]
    assert client.get(PEOPLE).status_code == expected[4]
    imports_status = client.get("/api/v1/imports/").status_code
    assert imports_status == {"officer": 200, "admin": 200, "anonymous": 401}.get(role, 403)


def test_it_sends_json_errors_for_unknown_records(api_client_for, officer):
    response = api_client_for(officer).get(f"{ORGS}999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No Organisation matches the given query."} or (
        "detail" in response.json()
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "A", "company_number": "123"}, "company_number"),
        ({"name": "A", "company_number": "ABC12345"}, "company_number"),
        ({"name": "A", "company_number": "1234567X"}, "company_number"),
        ({"name": "A", "sic_codes": ["00000"]}, "sic_codes"),
        ({"name": "A", "sic_codes": ["6201"]}, "sic_codes"),
        ({"name": "A", "sic_codes": "62012"}, "sic_codes"),
        ({"name": "A", "sic_codes": ["62012", "62012"]}, "sic_codes"),
        ({"name": "A", "employees": -1}, "employees"),
        ({"name": "A", "employees": "many"}, "employees"),
        ({"name": "A", "postcode": "OX1 1B"}, "postcode"),
        ({"name": "A", "postcode": "QQ1 1BX"}, "postcode"),
        ({"name": "A", "kind": "shop"}, "kind"),
        ({"name": "A", "ownership": "mystery"}, "ownership"),
        ({"name": "A", "rural_urban": "suburban"}, "rural_urban"),
        ({"name": "A", "status": "asleep"}, "status"),
        ({"name": "A", "account_manager": 999999}, "account_manager"),
        ({"name": "A", "key_account": "perhaps"}, "key_account"),
    ],
)
def test_it_rejects_a_bad_organisation_naming_the_field(payload, field, api_client_for, officer):
    before = Organisation.objects.count()
    response = api_client_for(officer).post(ORGS, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Organisation.objects.count() == before


def test_it_rejects_a_second_organisation_with_the_same_company_number(api_client_for, officer):
    OrganisationFactory(company_number="SC123456")
    response = api_client_for(officer).post(
        ORGS, {"name": "Copy", "company_number": "sc 123456"}, format="json"
    )
    assert response.status_code == 400
    assert "company_number" in response.json()
    assert Organisation.objects.filter(company_number="SC123456").count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"first_name": ""}, "first_name"),
        ({"first_name": "A", "email": "not-an-email"}, "email"),
        ({"first_name": "A", "lawful_basis": "whim"}, "lawful_basis"),
        ({"first_name": "A", "organisation": 999999}, "organisation"),
        ({"first_name": "A", "marketing_consent": "maybe"}, "marketing_consent"),
        ({"first_name": "A", "consent_recorded_at": "yesterday"}, "consent_recorded_at"),
    ],
)
def test_it_rejects_a_bad_person_naming_the_field(payload, field, api_client_for, officer):
    response = api_client_for(officer).post(PEOPLE, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Person.objects.count() == 0


@pytest.mark.parametrize("when", ["0105-03-01T10:00:00Z", "1899-12-31T23:00:00Z", "2101-01-01"])
def test_it_rejects_a_consent_time_outside_1900_to_2100(when, api_client_for, officer):
    client = api_client_for(officer)
    response = client.post(
        PEOPLE,
        {"first_name": "Ann", "marketing_consent": True, "consent_recorded_at": when},
        format="json",
    )
    assert response.status_code == 400
    assert "between 1900 and 2100" in response.json()["consent_recorded_at"][0]
    assert Person.objects.count() == 0
    person = PersonFactory()
    edit = client.patch(f"{PEOPLE}{person.pk}/", {"consent_recorded_at": when}, format="json")
    assert edit.status_code == 400
    assert "consent_recorded_at" in edit.json()
    person.refresh_from_db()
    assert person.consent_recorded_at is None


def test_it_accepts_a_consent_time_at_the_edges_of_the_range(api_client_for, officer):
    client = api_client_for(officer)
    for when in ("1900-01-01T12:00:00Z", "2100-12-31T12:00:00Z"):
        response = client.post(
            PEOPLE, {"first_name": "Ann", "consent_recorded_at": when}, format="json"
        )
        assert response.status_code == 201, response.content


def test_it_rejects_an_email_already_held_ignoring_case(api_client_for, officer):
    PersonFactory(email="Ann.Smith@Example.com")
    response = api_client_for(officer).post(
        PEOPLE, {"first_name": "Ann", "email": "ann.smith@example.COM"}, format="json"
    )
    assert response.status_code == 400
    assert "email" in response.json()
    assert Person.objects.count() == 1


def test_it_allows_many_people_without_email(api_client_for, officer):
    client = api_client_for(officer)
    for name in ("Ann", "Bob"):
        assert client.post(PEOPLE, {"first_name": name}, format="json").status_code == 201
    assert Person.objects.filter(email__isnull=True).count() == 2


def test_it_records_when_marketing_consent_was_given(api_client_for, officer):
    response = api_client_for(officer).post(
        PEOPLE,
        {"first_name": "Ann", "marketing_consent": True, "consent_source": "Event sign-up form"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["consent_recorded_at"] is not None
    assert response.json()["lawful_basis"] == "public_task"


def test_it_derives_sector_size_band_and_normalises_identifiers(api_client_for, officer):
    response = api_client_for(officer).post(
        ORGS,
        {
            "name": "Widget Co",
            "company_number": "sc123456",
            "sic_codes": ["28110", "62012"],
            "employees": 60,
            "postcode": "ox11bx",
            "tags": ["life sciences", "advanced manufacturing"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["company_number"] == "SC123456"
    assert body["postcode"] == "OX1 1BX"
    assert body["sector"] == {"code": "C", "name": "Manufacturing"}
    assert body["size_band"] == "medium"
    assert sorted(body["tags"]) == ["advanced manufacturing", "life sciences"]


@pytest.mark.parametrize(
    ("employees", "band"),
    [
        (None, "unknown"),
        (0, "micro"),
        (9, "micro"),
        (10, "small"),
        (49, "small"),
        (50, "medium"),
        (249, "medium"),
        (250, "large"),
    ],
)
def test_it_bands_sizes_at_the_spec_boundaries(employees, band, api_client_for, officer):
    response = api_client_for(officer).post(
        ORGS, {"name": "Sized", "employees": employees}, format="json"
    )
    assert response.json()["size_band"] == band


def test_it_gives_no_sector_without_a_sic_code(api_client_for, officer):
    response = api_client_for(officer).post(ORGS, {"name": "No code"}, format="json")
    assert response.json()["sector"] is None


def test_it_pads_a_seven_digit_company_number(api_client_for, officer):
    response = api_client_for(officer).post(
        ORGS, {"name": "Lost zero", "company_number": "1234567"}, format="json"
    )
    assert response.json()["company_number"] == "01234567"


def test_it_filters_organisations_as_the_spec_lists(api_client_for, officer):
    manager = UserFactory(role="officer")
    wanted = OrganisationFactory(
        name="Cherwell Robotics",
        sic_codes=["28110"],
        employees=300,
        kind="business",
        key_account=True,
        account_manager=manager,
        local_authority="Cherwell",
    )
    wanted.tags.create(name="robotics")
    OrganisationFactory(name="Oxford Bakery", sic_codes=["10710"], employees=3)
    client = api_client_for(officer)

    def names(query: str) -> list[str]:
        return [row["name"] for row in client.get(f"{ORGS}?{query}").json()["results"]]

    assert names("q=robot") == ["Cherwell Robotics"]
    assert names("sector=C") == ["Cherwell Robotics", "Oxford Bakery"]
    assert names("size_band=large") == ["Cherwell Robotics"]
    assert names("kind=business&key_account=true") == ["Cherwell Robotics"]
    assert names(f"account_manager={manager.pk}") == ["Cherwell Robotics"]
    assert names("local_authority=cherwell") == ["Cherwell Robotics"]
    assert names("tag=robotics") == ["Cherwell Robotics"]
    assert client.get(f"{ORGS}?sector=Z").status_code == 400


def test_it_pages_with_count_and_caps_the_page_size(api_client_for, officer):
    OrganisationFactory.create_batch(5)
    body = api_client_for(officer).get(f"{ORGS}?page_size=2").json()
    assert set(body) >= {"count", "next", "previous", "results"}
    assert body["count"] == 5 and len(body["results"]) == 2
    assert api_client_for(officer).get(f"{ORGS}?page=99").status_code == 404


def test_it_caps_the_page_size_at_200(api_client_for, officer):
    Organisation.objects.bulk_create(Organisation(name=f"Firm {n:03}") for n in range(201))
    big = api_client_for(officer).get(f"{ORGS}?page_size=5000").json()
    assert big["count"] == 201
    assert len(big["results"]) == 200
    assert big["next"] is not None


@pytest.mark.parametrize("url", [ORGS, PEOPLE])
def test_it_runs_the_same_number_of_queries_for_1_and_50_rows(url, api_client_for, officer):
    for index in range(50):
        organisation = OrganisationFactory(account_manager=officer)
        organisation.tags.create(name=f"tag {index}")
        PersonFactory(organisation=organisation)
    # A signed-in session, as a browser or API client has: the user is loaded per request.
    client = APIClient()
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    counts = []
    for size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{url}?page_size={size}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_it_merges_organisations_over_the_api(api_client_for, officer):
    survivor = OrganisationFactory(company_number="")
    duplicate = OrganisationFactory(company_number="01234567", employees=40)
    person = PersonFactory(organisation=duplicate)
    response = api_client_for(officer).post(
        f"{ORGS}{survivor.pk}/merge/", {"duplicate": duplicate.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    person.refresh_from_db()
    assert person.organisation_id == survivor.pk
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()
    assert response.json()["company_number"] == "01234567"


def test_it_refuses_to_merge_a_record_into_itself(api_client_for, officer):
    organisation = OrganisationFactory()
    response = api_client_for(officer).post(
        f"{ORGS}{organisation.pk}/merge/", {"duplicate": organisation.pk}, format="json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("query", ["smith", "SMI", "sm"])
def test_people_search_matches_names_and_email_in_alphabetical_order(
    api_client_for, officer, query
):
    # Every word must match the first name, last name or email, ignoring case; the results
    # stay alphabetical by last then first name whichever way the search is ordered inside.
    PersonFactory(first_name="Ann", last_name="smithson", email="a@one.example")
    PersonFactory(first_name="Bea", last_name="Arrowsmith", email="b@two.example")
    PersonFactory(first_name="Smith", last_name="Jones", email="c@three.example")
    PersonFactory(first_name="Cal", last_name="Brown", email="cal.smith@four.example")
    PersonFactory(first_name="Dee", last_name="Green", email="dee@five.example")
    rows = api_client_for(officer).get(f"{PEOPLE}?q={query}").json()["results"]
    assert [row["last_name"] for row in rows] == ["Arrowsmith", "Brown", "Jones", "smithson"]
    narrowed = api_client_for(officer).get(f"{PEOPLE}?q={query}+cal").json()["results"]
    assert [row["last_name"] for row in narrowed] == ["Brown"]
