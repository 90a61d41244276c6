"""GOV.UK form helpers every app's pages share: a service's errors onto a form, and the
error summary's items (each error linking to its field)."""

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

ServiceErrors = ValidationError | Mapping[str, Sequence[str]]


def add_service_errors(form: forms.BaseForm, errors: ServiceErrors, *, once: bool = False) -> None:
    """Put a service's errors (a ValidationError, or field → messages) on the form: on the
    field they name when the form has it, otherwise at the top of the form. With `once`, a
    field that already has an error gets no second one."""
    if isinstance(errors, ValidationError):
        if not hasattr(errors, "error_dict"):
            form.add_error(None, errors.messages)
            return
        errors = errors.message_dict
    for name, messages in errors.items():
        field = name if name in form.fields else None
        if once and field is not None and field in form.errors:
            continue
        form.add_error(field, list(messages))


def _field_href(field: forms.BoundField) -> str:
    # The first radio or checkbox of a field carries the field's own id (govuk.choice_items),
    # so one link serves every kind of field.
    return f"#{field.auto_id}"


def _form_errors(form: Any, items: list[dict[str, str]]) -> None:
    if form is None:
        return
    if isinstance(form, forms.BaseFormSet):
        for error in form.non_form_errors():
            items.append({"href": f"#{form.prefix}", "text": str(error)})
        for member in form.forms:
            _form_errors(member, items)
        return
    if not getattr(form, "is_bound", False) or not form.errors:
        return
    fields = list(form)
    first = _field_href(fields[0]) if fields else "#main-content"
    for error in form.non_field_errors():
        items.append({"href": first, "text": str(error)})
    for field in fields:
        for error in field.errors:
            items.append({"href": _field_href(field), "text": str(error)})


def error_summary_items(*forms_or_formsets: Any) -> list[dict[str, str]]:
    """Every error of the given forms and formsets as {"href", "text"}, in page order."""
    items: list[dict[str, str]] = []
    for form in forms_or_formsets:
        if isinstance(form, list | tuple):
            for member in form:
                _form_errors(member, items)
        else:
            _form_errors(form, items)
    return items
