"""What every write of an organisation or a person runs before it saves: known fields only,
the model's validators with the derived fields refreshed, and uniqueness named by field."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from contacts.models import Organisation, Person


def apply_fields(instance: Model, fields: set[str], data: dict[str, Any]) -> None:
    unknown = set(data) - fields
    if unknown:
        raise ValidationError({name: "Unknown field" for name in sorted(unknown)})
    for name, value in data.items():
        setattr(instance, name, value)


def check_unique(instance: Model) -> None:
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


def full_clean(instance: Model) -> None:
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
        check_unique(instance)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    instance.validate_constraints()
