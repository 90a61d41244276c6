"""The bulk writes of contacts.services that imports use: the same rules as one record's
write (only admins change the account fields; an erased person is never written again)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contacts import privacy, services
from contacts.models import Organisation, Person
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_an_officers_bulk_write_may_not_make_a_key_account(officer):
    existing = OrganisationFactory(key_account=False)
    existing.key_account = True
    with pytest.raises(PermissionDenied):
        services.organisation_bulk_write(
            creates=[], updates=[existing], fields=["key_account"], user=officer, batch_size=10
        )
    assert Organisation.objects.get(pk=existing.pk).key_account is False


def test_an_officers_bulk_write_may_not_create_a_key_account(officer):
    with pytest.raises(PermissionDenied):
        services.organisation_bulk_write(
            creates=[Organisation(name="New Key Ltd", key_account=True)],
            updates=[],
            fields=[],
            user=officer,
            batch_size=10,
        )
    assert not Organisation.objects.filter(name="New Key Ltd").exists()


def test_an_admins_bulk_write_creates_updates_tags_and_reports(admin_user):
    existing = OrganisationFactory(employees=5)
    existing.employees = 50
    written = []
    new = Organisation(name="Bulk New Ltd", key_account=True)
    services.organisation_bulk_write(
        creates=[new],
        updates=[existing],
        fields=["employees"],
        tags=[(new, ["cluster"])],
        user=admin_user,
        batch_size=1,
        report=written.append,
    )
    assert written == [1, 1]
    assert Organisation.objects.get(pk=existing.pk).employees == 50
    created = Organisation.objects.get(name="Bulk New Ltd")
    assert created.key_account is True
    assert list(created.tags.values_list("name", flat=True)) == ["cluster"]


def test_a_bulk_write_never_changes_an_erased_person(admin_user):
    person = PersonFactory(first_name="Ada")
    privacy.person_erase(person=person, user=admin_user)
    person.refresh_from_db()
    person.first_name = "Ada"
    with pytest.raises(ValidationError):
        services.person_bulk_write(
            creates=[], updates=[person], fields=["first_name"], batch_size=10
        )
    assert Person.objects.get(pk=person.pk).first_name == privacy.ERASED_FIRST_NAME
