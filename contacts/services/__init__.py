"""Writes to organisations and people: every create, update, bulk write and merge goes through
here, whoever calls (pages, API, admin, imports, jobs). By area: organisations, people, merge;
checks holds the validation every write runs. Callers use `from contacts import services`."""

from contacts.services.merge import (
    MERGE_CHANGES_ACCOUNT,
    MERGE_NEEDS_ADMIN,
    organisation_merge,
    organisations_merge,
    people_merge,
    person_merge,
    register_confidential_check,
    register_person_merge_step,
)
from contacts.services.organisations import (
    ACCOUNT_FIELDS,
    ACCOUNT_FIELDS_ADMIN_ONLY,
    ORGANISATION_FIELDS,
    account_fields_changed,
    account_fields_check,
    is_unrestricted,
    organisation_bulk_write,
    organisation_create,
    organisation_update,
)
from contacts.services.people import (
    ERASED_PERSON_MESSAGE,
    PERSON_FIELDS,
    person_bulk_write,
    person_create,
    person_update,
)

__all__ = [
    "ACCOUNT_FIELDS",
    "ACCOUNT_FIELDS_ADMIN_ONLY",
    "ERASED_PERSON_MESSAGE",
    "MERGE_CHANGES_ACCOUNT",
    "MERGE_NEEDS_ADMIN",
    "ORGANISATION_FIELDS",
    "PERSON_FIELDS",
    "account_fields_changed",
    "account_fields_check",
    "is_unrestricted",
    "organisation_bulk_write",
    "organisation_create",
    "organisation_merge",
    "organisation_update",
    "organisations_merge",
    "people_merge",
    "person_bulk_write",
    "person_create",
    "person_merge",
    "person_update",
    "register_confidential_check",
    "register_person_merge_step",
]
