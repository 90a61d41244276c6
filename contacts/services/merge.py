"""Merges of duplicate organisations or people (SPEC §2): every linked record, from any app,
moves to the record kept, under the confidentiality rule of SPEC §1."""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model

from contacts.models import Organisation, Person
from contacts.services.organisations import (
    ORGANISATION_FIELDS,
    account_fields_changed,
    is_unrestricted,
)
from contacts.services.people import PERSON_FIELDS
from core.types import AnyUser

_M = TypeVar("_M", bound=Model)

MERGE_NEEDS_ADMIN = (
    "This merge would move confidential records you cannot see, so an administrator must do it"
)
MERGE_CHANGES_ACCOUNT = (
    "This merge would change the account manager or key account of the organisation you keep, "
    "so an administrator must do it"
)


# Apps above contacts may hold records that would clash once a duplicate person's links move
# to the survivor (engagement: two registrations for one event). contacts may not import them
# (STYLE.md), so they register a step here from their AppConfig.ready(), as they do for the
# timeline and privacy; each runs inside the merge's transaction, before the links move.
PersonMergeStep = Callable[[Person, Person], object]
_person_merge_steps: dict[str, PersonMergeStep] = {}


def register_person_merge_step(name: str, step: PersonMergeStep) -> None:
    """Run `step(survivor, duplicate)` in every person merge, with both people's rows locked
    and before the duplicate's links move. Registering a name again replaces it."""
    _person_merge_steps[name] = step


# The confidential records (interactions, insights) live in apps above contacts, which may not
# be imported here (STYLE.md); each registers a check from its AppConfig.ready():
# `hides_confidential(record, user)` is true when a confidential record linked to `record` (an
# Organisation or a Person) is one `user` may not see. A merge runs every check first.
ConfidentialCheck = Callable[[Model, Any], bool]
_confidential_checks: dict[str, ConfidentialCheck] = {}


def register_confidential_check(name: str, hides_confidential: ConfidentialCheck) -> None:
    """Ask `hides_confidential(record, user)` before any merge moves `record`'s links.
    Registering a name again replaces it."""
    _confidential_checks[name] = hides_confidential


def _repoint_links(*, model: type[Model], survivor: Model, duplicate: Model) -> None:
    """Move every record that points at `duplicate` to `survivor`.

    Walks the model's reverse relations (foreign keys and many-to-many from any app), so the
    merge needs no knowledge of the apps above contacts and cannot miss a link added later.
    """
    for relation in model._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete:
            continue
        if relation.many_to_many:
            through = relation.through  # type: ignore[union-attr]
            source = relation.field.m2m_reverse_field_name()  # type: ignore[union-attr]
            other = relation.field.m2m_field_name()  # type: ignore[union-attr]
            already = set(
                through.objects.filter(**{source: survivor.pk}).values_list(other, flat=True)
            )
            links = through.objects.filter(**{source: duplicate.pk})
            links.exclude(**{f"{other}__in": already}).update(**{source: survivor.pk})
            links.delete()  # the rest duplicate links the survivor already has
        elif relation.one_to_many or relation.one_to_one:
            field_name = relation.field.name  # type: ignore[union-attr]
            related = relation.related_model._default_manager  # type: ignore[union-attr]
            if relation.related_model._meta.auto_created:  # type: ignore[union-attr]
                # The hidden key of a many-to-many table (Organisation.tags, or a link the
                # branch above has not reached yet): move only the links the survivor lacks,
                # or the table's unique (left, right) pair would be violated.
                other = next(
                    f.name
                    for f in relation.related_model._meta.fields  # type: ignore[union-attr]
                    if f.is_relation and f.name != field_name
                )
                linked = related.filter(**{field_name: survivor.pk}).values_list(other)
                links = related.filter(**{field_name: duplicate.pk})
                links.exclude(**{f"{other}__in": linked}).update(**{field_name: survivor.pk})
                links.delete()
                continue
            related.filter(**{field_name: duplicate.pk}).update(**{field_name: survivor.pk})


def _fill_blanks(survivor: Model, duplicate: Model, fields: set[str]) -> list[str]:
    filled = []
    for name in sorted(fields):
        if getattr(survivor, name) in (None, "", []) and getattr(duplicate, name) not in (
            None,
            "",
            [],
        ):
            setattr(survivor, name, getattr(duplicate, name))
            filled.append(name)
    return filled


def _merge_check(*, duplicate: Model, user: AnyUser) -> None:
    """SPEC §1: a merge may not move confidential records the user cannot see (under the
    rules as they are before the merge) into a record where they might; an admin must."""
    if is_unrestricted(user):
        return
    if any(check(duplicate, user) for check in _confidential_checks.values()):
        raise PermissionDenied(MERGE_NEEDS_ADMIN)


def _lock(model: type[_M], pks: list[int]) -> dict[int, _M]:
    """Lock the rows in primary-key order, so two merges of overlapping records wait for each
    other instead of deadlocking, and nothing changes them while the merge runs."""
    return {
        record.pk: record
        for record in model._default_manager.select_for_update().filter(pk__in=pks).order_by("pk")
    }


def _distinct_duplicates(survivor: Model, duplicates: Sequence[Model], noun: str) -> list[int]:
    pks = list(dict.fromkeys(duplicate.pk for duplicate in duplicates))
    if not pks or survivor.pk in pks:
        raise ValidationError(f"Choose two different {noun} to merge")
    return pks


@transaction.atomic
def organisation_merge(
    *, survivor: Organisation, duplicate: Organisation, user: AnyUser
) -> Organisation:
    """Merge `duplicate` into `survivor` (see organisations_merge)."""
    return organisations_merge(survivor=survivor, duplicates=[duplicate], user=user)


@transaction.atomic
def organisations_merge(
    *, survivor: Organisation, duplicates: Sequence[Organisation], user: AnyUser
) -> Organisation:
    """Merge each of `duplicates` into `survivor`, in one transaction with every row locked
    first: every linked record moves, blanks on the survivor are filled from the duplicates
    (in the order given), and the duplicates are deleted.

    For `user` (None: PlaceVoice itself) who is not an admin, it is refused (PermissionDenied)
    when a duplicate holds confidential records they cannot see, or when filling the
    survivor's blanks would change its account manager or key account."""
    pks = _distinct_duplicates(survivor, duplicates, "organisations")
    locked = _lock(Organisation, [survivor.pk, *pks])
    if len(locked) != len(pks) + 1:
        raise ValidationError("One of these organisations no longer exists")
    merged = locked[survivor.pk]
    for pk in pks:
        merged = _organisation_merge_locked(survivor=merged, duplicate=locked[pk], user=user)
    return merged


def _organisation_merge_locked(
    *, survivor: Organisation, duplicate: Organisation, user: AnyUser
) -> Organisation:
    _merge_check(duplicate=duplicate, user=user)
    merged_account = {
        "account_manager": survivor.account_manager_id or duplicate.account_manager_id,
        "key_account": survivor.key_account or duplicate.key_account,
    }
    if not is_unrestricted(user) and account_fields_changed(
        organisation=survivor, data=merged_account
    ):
        raise PermissionDenied(MERGE_CHANGES_ACCOUNT)
    _repoint_links(model=Organisation, survivor=survivor, duplicate=duplicate)
    company_number = duplicate.company_number
    duplicate_key_account = duplicate.key_account
    duplicate.delete()
    # Filled after the delete so the duplicate's unique company number is free to take.
    _fill_blanks(survivor, duplicate, ORGANISATION_FIELDS - {"company_number", "key_account"})
    if not survivor.company_number:
        survivor.company_number = company_number
    survivor.key_account = survivor.key_account or duplicate_key_account
    survivor.save()
    return survivor


@transaction.atomic
def person_merge(*, survivor: Person, duplicate: Person, user: AnyUser) -> Person:
    """Merge `duplicate` into `survivor` (see people_merge)."""
    return people_merge(survivor=survivor, duplicates=[duplicate], user=user)


@transaction.atomic
def people_merge(*, survivor: Person, duplicates: Sequence[Person], user: AnyUser) -> Person:
    """Merge each of `duplicates` into `survivor`, with every row locked first (see
    organisations_merge). Marketing consent is kept only if the survivor had it;
    do-not-contact wins if any says so. The registered merge steps resolve what would clash
    first (one registration per event). Refused for a `user` who is not an admin when it
    would move confidential interactions they cannot see."""
    pks = _distinct_duplicates(survivor, duplicates, "people")
    locked = _lock(Person, [survivor.pk, *pks])
    if len(locked) != len(pks) + 1:
        raise ValidationError("One of these people no longer exists")
    if any(person.erased_at for person in locked.values()):
        # Merging would tie an erased record's history (or fill its blanks) back to a named
        # person: the erasure would be undone in effect.
        raise ValidationError("A person whose personal data was erased cannot be merged")
    merged = locked[survivor.pk]
    for pk in pks:
        merged = _person_merge_locked(survivor=merged, duplicate=locked[pk], user=user)
    return merged


def _person_merge_locked(*, survivor: Person, duplicate: Person, user: AnyUser) -> Person:
    _merge_check(duplicate=duplicate, user=user)
    for step in _person_merge_steps.values():
        step(survivor, duplicate)
    _repoint_links(model=Person, survivor=survivor, duplicate=duplicate)
    email = duplicate.email
    do_not_contact = duplicate.do_not_contact
    duplicate.delete()
    _fill_blanks(
        survivor,
        duplicate,
        PERSON_FIELDS
        - {"email", "marketing_consent", "consent_recorded_at", "consent_source", "do_not_contact"},
    )
    if not survivor.email:
        survivor.email = email
    survivor.do_not_contact = survivor.do_not_contact or do_not_contact
    survivor.save()
    return survivor
