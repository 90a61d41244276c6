"""The people pages: add, edit, show consent, filter."""

import pytest

from contacts.models import Person
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

PERSON = {
    "first_name": "Priya",
    "last_name": "Shah",
    "email": "",
    "phone": "",
    "job_title": "",
    "organisation": "",
    "lawful_basis": "public_task",
    "consent_source": "",
}


def test_it_adds_a_person_at_an_organisation_named_or_numbered(client_for, officer):
    org = OrganisationFactory(name="Banbury Foods Ltd", company_number="07654321")
    client = client_for(officer)
    by_name = client.post(
        "/people/new/",
        {**PERSON, "organisation": "banbury foods ltd", "email": "Priya@Banbury.example"},
    )
    by_number = client.post(
        "/people/new/",
        {
            **PERSON,
            "first_name": "Sam",
            "organisation": "7654321",
            "marketing_consent": "true",
            "consent_source": "event sign-up",
        },
    )
    assert by_name.status_code == by_number.status_code == 302
    priya = Person.objects.get(first_name="Priya")
    sam = Person.objects.get(first_name="Sam")
    assert priya.organisation == org and sam.organisation == org
    assert sam.marketing_consent and sam.consent_recorded_at is not None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "Enter their first name"),
        ({"email": "not-an-email"}, "email", "Enter an email address"),
        ({"email": "TAKEN@example.com"}, "email", "already exists"),
        ({"organisation": "No Such Company"}, "organisation", "No organisation is called"),
        ({"organisation": "Twin Ltd"}, "organisation", "More than one organisation"),
        ({"lawful_basis": "because"}, "lawful_basis", "Select a valid choice"),
    ],
)
def test_a_bad_person_value_shows_an_error_naming_the_field_and_creates_nothing(
    client_for, officer, changes, field, message
):
    PersonFactory(email="taken@example.com")
    OrganisationFactory(name="Twin Ltd")
    OrganisationFactory(name="Twin Ltd")
    before = Person.objects.count()
    response = client_for(officer).post("/people/new/", {**PERSON, **changes})
    html = response.content.decode()
    assert Person.objects.count() == before
    assert f'href="#id_{field}"' in html and message in html


def test_a_person_added_from_an_organisation_page_keeps_it_even_when_its_name_is_shared(
    client_for, officer
):
    first = OrganisationFactory(name="Twin Ltd")
    OrganisationFactory(name="Twin Ltd")
    client = client_for(officer)
    form = client.get(f"/people/new/?organisation={first.pk}").content.decode()
    assert 'value="Twin Ltd"' in form
    response = client.post(
        "/people/new/", {**PERSON, "organisation": "Twin Ltd", "for_organisation": first.pk}
    )
    assert response.status_code == 302
    assert Person.objects.get(first_name="Priya").organisation == first


def test_the_person_page_shows_consent_and_do_not_contact(client_for, organiser):
    person = PersonFactory(
        do_not_contact=True,
        lawful_basis="legitimate_interests",
        consent_source="at a breakfast event",
    )
    html = client_for(organiser).get(f"/people/{person.pk}/").content.decode()
    assert "govuk-warning-text" in html and "Do not contact" in html
    assert "Legitimate interests" in html
    assert "at a breakfast event" in html
    assert person.organisation.name in html


def test_the_people_list_filters_by_consent_and_do_not_contact(client_for, organiser):
    PersonFactory(first_name="Quietzz", do_not_contact=True)
    PersonFactory(first_name="Keenzz", marketing_consent=True)
    client = client_for(organiser)
    html = client.get("/people/?do_not_contact=true").content.decode()
    assert "Quietzz" in html and "Keenzz" not in html and "1 applied" in html
    html = client.get("/people/?marketing_consent=true").content.decode()
    assert "Keenzz" in html and "Quietzz" not in html
