"""The Django admin for the accounts: every page opens, foreign keys are search boxes, and
every save goes through contacts.services."""

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError

from contacts import privacy, services
from contacts.admin import OrganisationAdmin, PersonAdmin
from contacts.models import ImportJob, Organisation, Person, Tag, normalise_name
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_every_contacts_admin_page_opens_for_an_admin(client_for, admin_user):
    organisation = OrganisationFactory(account_manager=admin_user)
    organisation.tags.add(Tag.objects.create(name="digital"))
    person = PersonFactory(organisation=organisation)
    job = ImportJob.objects.create(kind="organisations", content="name\nA\n", created_by=admin_user)
    client = client_for(admin_user)
    for model, pk in [
        ("organisation", organisation.pk),
        ("person", person.pk),
        ("tag", organisation.tags.get().pk),
        ("importjob", job.pk),
    ]:
        for url in [
            f"/admin/contacts/{model}/",
            f"/admin/contacts/{model}/{pk}/change/",
            f"/admin/contacts/{model}/?q=a",
        ]:
            assert client.get(url).status_code == 200, url


def test_foreign_keys_are_searched_not_listed_in_a_dropdown(client_for, admin_user):
    for number in range(30):
        OrganisationFactory(name=f"Dropdown Test {number}")
    person = PersonFactory()
    html = client_for(admin_user).get(f"/admin/contacts/person/{person.pk}/change/").content
    assert b"Dropdown Test 29" not in html  # only the current organisation is rendered
    assert b"admin-autocomplete" in html


def test_officers_cannot_open_the_admin(client_for, officer):
    assert client_for(officer).get("/admin/contacts/organisation/").status_code == 302


# --- One write path: the admin saves through contacts.services ------------------------------


def _admin_request(rf, user):
    request = rf.post("/")
    request.user = user
    return request


def test_an_erased_person_opens_read_only_and_a_save_is_refused(client_for, admin_user):
    person = PersonFactory(first_name="Ada", last_name="Lovelace")
    privacy.person_erase(person=person, user=admin_user)
    client = client_for(admin_user)
    url = f"/admin/contacts/person/{person.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="first_name"' not in page.content
    response = client.post(url, {"first_name": "Ada", "last_name": "Lovelace"})
    assert response.status_code == 403
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == (
        privacy.ERASED_FIRST_NAME,
        privacy.ERASED_LAST_NAME,
    )


def test_the_person_admin_refuses_to_write_an_erased_person(rf, admin_user):
    person = PersonFactory(first_name="Ada")
    privacy.person_erase(person=person, user=admin_user)
    person.refresh_from_db()
    person.first_name = "Ada"
    with pytest.raises(ValidationError):
        PersonAdmin(Person, site).save_model(
            _admin_request(rf, admin_user), person, form=None, change=True
        )
    person.refresh_from_db()
    assert person.first_name == privacy.ERASED_FIRST_NAME


def test_the_person_admin_records_when_marketing_consent_was_given(rf, admin_user):
    person = PersonFactory.build(
        organisation=None, marketing_consent=True, consent_recorded_at=None, email=None
    )
    PersonAdmin(Person, site).save_model(
        _admin_request(rf, admin_user), person, form=None, change=False
    )
    assert person.pk is not None
    assert Person.objects.get(pk=person.pk).consent_recorded_at is not None


def test_the_organisation_admin_writes_through_the_service_as_the_acting_user(
    rf, admin_user, monkeypatch
):
    calls = []
    real_update = services.organisation_update

    def spy(**kwargs):
        calls.append(kwargs["user"])
        return real_update(**kwargs)

    monkeypatch.setattr(services, "organisation_update", spy)
    organisation = OrganisationFactory(name="Old Name Ltd")
    organisation.name = "The New Name Ltd"
    OrganisationAdmin(Organisation, site).save_model(
        _admin_request(rf, admin_user), organisation, form=None, change=True
    )
    assert calls == [admin_user]
    stored = Organisation.objects.get(pk=organisation.pk)
    assert stored.name == "The New Name Ltd"
    assert stored.name_normalised == normalise_name("The New Name Ltd")


def test_the_organisation_admin_adds_through_the_service(rf, admin_user):
    organisation = Organisation(name="Fresh Start Ltd", company_number="1234 567")
    OrganisationAdmin(Organisation, site).save_model(
        _admin_request(rf, admin_user), organisation, form=None, change=False
    )
    # The service normalises the company number before it saves.
    assert Organisation.objects.get(pk=organisation.pk).company_number == "01234567"
