"""Writes to organisations and people: every create, update and merge goes through here."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from contacts.models import Organisation, Person, Tag

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
def organisation_create(*, data: dict[str, Any], tags: list[str] | None = None) -> Organisation:
    organisation = Organisation()
    _apply(organisation, ORGANISATION_FIELDS, data)
    _full_clean(organisation)
    organisation.save()
    if tags is not None:
        _set_tags(organisation, tags)
    return organisation


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, data: dict[str, Any], tags: list[str] | None = None
) -> Organisation:
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


@transaction.atomic
def organisation_merge(
    *, survivor: Organisation, duplicate: Organisation, user: Any = None
) -> Organisation:
    """Merge `duplicate` into `survivor`: every linked record moves, blanks on the survivor are
    filled from the duplicate, and the duplicate is deleted, all in one transaction."""
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
def person_merge(*, survivor: Person, duplicate: Person, user: Any = None) -> Person:
    """Merge `duplicate` into `survivor` (see `organisation_merge`). Marketing consent is kept
    only if the survivor had it; do-not-contact wins if either says so. The registered merge
    steps resolve what would clash first (one registration per event)."""
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
