"""Render Django form fields, errors and paging as GOV.UK Frontend markup.

Used by templates/includes/field.html, error_summary.html and pagination.html, so every
app's forms get labels, hints, error messages and an error summary linking to each field.
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.core.paginator import Page
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

from core.forms import error_summary_items

register = template.Library()

_INPUT_CLASS = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "file": "govuk-file-upload",
    "input": "govuk-input",
}


@register.filter
def field_kind(field: BoundField) -> str:
    """Which GOV.UK component a field becomes: input, textarea, select, file, checkbox
    (a single yes/no), radios or checkboxes (a choice of several)."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):  # a subclass of RadioSelect
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


def describedby(field: BoundField, hint: str = "") -> str:
    ids = []
    if hint or field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.simple_tag
def govuk_widget(field: BoundField, classes: str = "", hint: str = "") -> SafeString:
    """The field's own widget (keeping attributes the form set, such as autocomplete or
    inputmode) with the GOV.UK class, its error modifier and aria-describedby."""
    kind = field_kind(field)
    base = _INPUT_CLASS.get(kind, "govuk-input")
    css = [base]
    if field.errors:
        css.append(f"{base}--error")
    if classes:
        css.append(classes)
    existing = field.field.widget.attrs.get("class", "")
    attrs: dict[str, Any] = {"class": " ".join([existing, *css]).strip()}
    described = describedby(field, hint)
    if described:
        attrs["aria-describedby"] = described
    return field.as_widget(attrs=attrs)


@register.simple_tag
def field_describedby(field: BoundField, hint: str = "") -> str:
    return describedby(field, hint)


@register.filter
def choice_items(field: BoundField) -> list[dict[str, Any]]:
    """Radio or checkbox items for a choice field, without the empty 'pick one' choice.
    The first item's id is the field's id, so the error summary can link to it."""
    items: list[dict[str, Any]] = []
    for index, sub in enumerate(field.subwidgets):
        value = sub.data["value"]
        if value in ("", None):
            continue
        items.append(
            {
                "id": field.auto_id if not items else f"{field.auto_id}-{index}",
                "value": value,
                "label": sub.data["label"],
                "checked": bool(sub.data["selected"]),
            }
        )
    return items


@register.simple_tag
def govuk_errors(*forms_or_formsets: Any) -> list[dict[str, str]]:
    """Every error of the given forms and formsets as {"href", "text"}, in page order."""
    return error_summary_items(*forms_or_formsets)


@register.filter
def elided_pages(page: Page[Any]) -> list[int | str]:
    """Page numbers around the current one with '…' gaps: 1 … 4 5 6 … 20."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
