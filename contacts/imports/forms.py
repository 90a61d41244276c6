"""The form that uploads a file to import."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from contacts.imports import parsing
from contacts.models import ImportFormat, ImportKind


class ImportForm(forms.Form):
    """The upload form; the file's shape is checked by contacts.imports.jobs.import_request."""

    file = forms.FileField(
        label="CSV file",
        error_messages={"required": "Choose a CSV file to import"},
    )
    kind = forms.ChoiceField(
        label="What does the file hold?",
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose organisations or people"},
    )
    format = forms.ChoiceField(
        label="Which columns does it have?",
        choices=ImportFormat.choices,
        initial=ImportFormat.GENERIC,
        widget=forms.RadioSelect,
        help_text="Companies House data holds organisations only.",
        error_messages={"required": "Choose the columns the file has"},
    )
    dry_run = forms.BooleanField(
        label="Check the file only (a dry run): change nothing",
        required=False,
        help_text="See what would be created, updated and rejected before importing.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        megabytes = parsing.max_bytes() // (1024 * 1024)
        self.fields["file"].help_text = f"Save a spreadsheet as 'CSV UTF-8'. Up to {megabytes} MB."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            parsing.check_kind_and_format(kind=data.get("kind", ""), format=data.get("format", ""))
        except ValidationError as exc:
            self.add_error(None, exc)
        return data
