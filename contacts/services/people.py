"""Writes of people: create, update, and the bulk write of an import. An erased person's
record is never written again (SPEC §4)."""

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from contacts.models import Person
from contacts.services import checks

ERASED_PERSON_MESSAGE = (
    "This person's personal data has been erased, so the record cannot be edited"
)
PERSON_FIELDS = {
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "organisation",
    "lawful_basis",
    "marketing_consent",
    "consent_recorded_at",
    "consent_source",
    "do_not_contact",
}


def _consent_defaults(person: Person, previous_consent: bool | None) -> None:
    # Record when marketing consent changed, unless the caller gave the time itself.
    if person.marketing_consent != previous_consent and not person.consent_recorded_at:
        person.consent_recorded_at = timezone.now()


@transaction.atomic
def person_create(*, data: dict[str, Any]) -> Person:
    person = Person()
    checks.apply_fields(person, PERSON_FIELDS, data)
    if person.marketing_consent:
        _consent_defaults(person, None)
    person.email = (person.email or "").strip() or None
    checks.full_clean(person)
    person.save()
    return person


@transaction.atomic
def person_update(*, person: Person, data: dict[str, Any]) -> Person:
    """Edit a person. An erased person is refused: their record stays anonymised (SPEC §4)."""
    if person.erased_at is not None:
        raise ValidationError(ERASED_PERSON_MESSAGE, code="erased")
    previous_consent = person.marketing_consent
    checks.apply_fields(person, PERSON_FIELDS, data)
    if "consent_recorded_at" not in data and person.marketing_consent != previous_consent:
        person.consent_recorded_at = timezone.now()
    person.email = (person.email or "").strip() or None
    checks.full_clean(person)
    person.save()
    return person


@transaction.atomic
def person_bulk_write(
    *,
    creates: Sequence[Person],
    updates: Sequence[Person],
    fields: Sequence[str],
    batch_size: int,
    report: Callable[[int], None] = lambda written: None,
) -> None:
    """Write many people at once (an import), already checked row by row with the same
    validators as person_create/update. Refused whole (ValidationError) if it would change
    an erased person; `report(n)` is called as each batch of `n` records is written."""
    erased = Person.objects.filter(
        pk__in=[person.pk for person in updates], erased_at__isnull=False
    )
    if erased.exists():
        raise ValidationError(ERASED_PERSON_MESSAGE, code="erased")
    for person in creates:
        person.email = (person.email or "").strip() or None
    for start in range(0, len(creates), batch_size):
        batch = creates[start : start + batch_size]
        Person.objects.bulk_create(batch)
        report(len(batch))
    now = timezone.now()
    for start in range(0, len(updates), batch_size):
        batch = updates[start : start + batch_size]
        for person in batch:
            person.updated = now
        Person.objects.bulk_update(batch, [*fields, "updated"])
        report(len(batch))
