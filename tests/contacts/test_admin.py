"""The Django admin for the accounts: every page opens, and foreign keys are search boxes."""

import pytest

from contacts.models import ImportJob, Tag
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
