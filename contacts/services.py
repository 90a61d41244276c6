"""Writes to organisations and people: every create, update and merge goes through here."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from contacts.models import Organisation, Person, Tag
from core import roles

ORGANISATION_FIELDS = {
    "name",
    "company_number",
    "kind",
    "sic_codes",
    "employees",
    "ownership",
    "address",
    "town",
    "postcode",
    "ward",
    "local_authority",
    "rural_urban",
    "key_account",
    "account_manager",
    "status",
}
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


# SPEC §1: the account manager sees the organisation's confidential records, so choosing one
# (or making an organisation a key account, which goes with one) is for admins only: an
# officer who could set it could widen their own view.
ACCOUNT_FIELDS = ("account_manager", "key_account")
ACCOUNT_FIELDS_ADMIN_ONLY = (
    "Only an administrator can change an organisation's account manager or key account"
)
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


def is_unrestricted(user: Any) -> bool:
    """Admins, and PlaceVoice itself (`user=None`: a job or command acting for nobody), are
    not held to the officer's limits."""
    return user is None or roles.is_admin(user)


def account_fields_changed(*, organisation: Organisation | None, data: dict[str, Any]) -> list[str]:
    """The account fields (`account_manager`, `key_account`) that `data` would change on
    `organisation` (None: a new one, whose values start as the model's defaults). Sending the
    current value is no change, so an edit of other fields that echoes them back passes."""
    changed = []
    if "account_manager" in data:
        value = data["account_manager"]
        wanted = value.pk if isinstance(value, Model) else value
        current = organisation.account_manager_id if organisation is not None else None
        if wanted != current:
            changed.append("account_manager")
    if "key_account" in data:
        current_key = organisation.key_account if organisation is not None else False
        if bool(data["key_account"]) != current_key:
            changed.append("key_account")
    return changed


def account_fields_check(
    *, user: Any, organisation: Organisation | None, data: dict[str, Any]
) -> None:
    """Refuse (PermissionDenied: a 403) a change to the account fields by anyone but an admin.
    Every path that writes an organisation asks this: the service, the admin, imports."""
    if not is_unrestricted(user) and account_fields_changed(organisation=organisation, data=data):
        raise PermissionDenied(ACCOUNT_FIELDS_ADMIN_ONLY)


def _set_tags(organisation: Organisation, tags: list[str]) -> None:
    names = sorted({name.strip() for name in tags if name and name.strip()})
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=name) for name in names if name not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
    organisation.tags.set(Tag.objects.filter(name__in=names))


def _apply(instance: Model, fields: set[str], data: dict[str, Any]) -> None:
    unknown = set(data) - fields
    if unknown:
        raise ValidationError({name: "Unknown field" for name in sorted(unknown)})
    for name, value in data.items():
        setattr(instance, name, value)


def _check_unique(instance: Model) -> None:
    """Name the field in uniqueness errors (the database constraints are the backstop)."""
    if isinstance(instance, Organisation) and instance.company_number:
        clash = Organisation.objects.filter(company_number=instance.company_number)
        if clash.exclude(pk=instance.pk).exists():
            raise ValidationError(
                {"company_number": "An organisation with this company number already exists"}
            )
    if isinstance(instance, Person) and instance.email:
        clash_people = Person.objects.filter(email__iexact=instance.email)
        if clash_people.exclude(pk=instance.pk).exists():
            raise ValidationError({"email": "A person with this email address already exists"})


def _full_clean(instance: Model) -> None:
    """Model validation, with the derived fields refreshed first so the checks see the
    normalised company number and postcode."""
    refresh = getattr(instance, "refresh_derived", None)
    if refresh is not None:
        refresh()
    errors: dict[str, list[str]] = {}
    try:
        instance.full_clean(validate_constraints=False)
    except ValidationError as exc:
        errors = exc.message_dict
    try:
        _check_unique(instance)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    instance.validate_constraints()


@transaction.atomic
def organisation_create(
    *, data: dict[str, Any], tags: list[str] | None = None, user: Any
) -> Organisation:
    """Add an organisation for `user` (None: PlaceVoice itself). Setting its account fields
    is for admins (`account_fields_check`)."""
    account_fields_check(user=user, organisation=None, data=data)
    organisation = Organisation()
    _apply(organisation, ORGANISATION_FIELDS, data)
    _full_clean(organisation)
    organisation.save()
    if tags is not None:
        _set_tags(organisation, tags)
    return organisation


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    data: dict[str, Any],
    tags: list[str] | None = None,
    user: Any,
) -> Organisation:
    """Edit an organisation for `user` (None: PlaceVoice itself). Changing its account
    fields is for admins (`account_fields_check`); the stored row is compared, not the
    instance the caller holds, which may have been changed in memory."""
    stored = Organisation.objects.filter(pk=organisation.pk).first()
    account_fields_check(user=user, organisation=stored, data=data)
    _apply(organisation, ORGANISATION_FIELDS, data)
    _full_clean(organisation)
    organisation.save()
    if tags is not None:
        _set_tags(organisation, tags)
    return organisation


def _consent_defaults(person: Person, previous_consent: bool | None) -> None:
    # Record when marketing consent changed, unless the caller gave the time itself.
    if person.marketing_consent != previous_consent and not person.consent_recorded_at:
        person.consent_recorded_at = timezone.now()


@transaction.atomic
def person_create(*, data: dict[str, Any]) -> Person:
    person = Person()
    _apply(person, PERSON_FIELDS, data)
    if person.marketing_consent:
        _consent_defaults(person, None)
    person.email = (person.email or "").strip() or None
    _full_clean(person)
    person.save()
    return person


@transaction.atomic
def person_update(*, person: Person, data: dict[str, Any]) -> Person:
    """Edit a person. An erased person is refused: their record stays anonymised (SPEC §4)."""
    if person.erased_at is not None:
        raise ValidationError(ERASED_PERSON_MESSAGE, code="erased")
    previous_consent = person.marketing_consent
    _apply(person, PERSON_FIELDS, data)
    if "consent_recorded_at" not in data and person.marketing_consent != previous_consent:
        person.consent_recorded_at = timezone.now()
    person.email = (person.email or "").strip() or None
    _full_clean(person)
    person.save()
    return person


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


def _merge_check(*, duplicate: Model, user: Any) -> None:
    """SPEC §1: a merge may not move confidential records the user cannot see (under the
    rules as they are before the merge) into a record where they might; an admin must."""
    if is_unrestricted(user):
        return
    if any(check(duplicate, user) for check in _confidential_checks.values()):
        raise PermissionDenied(MERGE_NEEDS_ADMIN)


@transaction.atomic
def organisation_merge(
    *, survivor: Organisation, duplicate: Organisation, user: Any
) -> Organisation:
    """Merge `duplicate` into `survivor`: every linked record moves, blanks on the survivor are
    filled from the duplicate, and the duplicate is deleted, all in one transaction.

    For `user` (None: PlaceVoice itself) who is not an admin, it is refused (PermissionDenied)
    when the duplicate holds confidential records they cannot see, or when filling the
    survivor's blanks would change its account manager or key account."""
    if survivor.pk == duplicate.pk:
        raise ValidationError("Choose two different organisations to merge")
    # Lock both rows in primary-key order so two merges cannot deadlock or interleave.
    locked = {
        org.pk: org
        for org in Organisation.objects.select_for_update()
        .filter(pk__in=[survivor.pk, duplicate.pk])
        .order_by("pk")
    }
    if len(locked) != 2:
        raise ValidationError("One of these organisations no longer exists")
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
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
def person_merge(*, survivor: Person, duplicate: Person, user: Any) -> Person:
    """Merge `duplicate` into `survivor` (see `organisation_merge`). Marketing consent is kept
    only if the survivor had it; do-not-contact wins if either says so. The registered merge
    steps resolve what would clash first (one registration per event). Refused for a `user`
    who is not an admin when it would move confidential interactions they cannot see."""
    if survivor.pk == duplicate.pk:
        raise ValidationError("Choose two different people to merge")
    locked = {
        person.pk: person
        for person in Person.objects.select_for_update()
        .filter(pk__in=[survivor.pk, duplicate.pk])
        .order_by("pk")
    }
    if len(locked) != 2:
        raise ValidationError("One of these people no longer exists")
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if survivor.erased_at or duplicate.erased_at:
        # Merging would tie an erased record's history (or fill its blanks) back to a named
        # person: the erasure would be undone in effect.
        raise ValidationError("A person whose personal data was erased cannot be merged")
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
