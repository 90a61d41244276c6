"""The form officers use to request an evidence summary (the rules are the service's)."""

from datetime import date
from typing import Any, cast

from django import forms
from django.utils import timezone

from contacts import selectors as contact_selectors
from contacts import sic
from contacts.models import SizeBand
from core import limits
from evidence.services import last_full_month
from insights.models import Theme


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class SummaryRequestForm(forms.Form):
    period_start = forms.DateField(
        label="Start of the period",
        widget=DateInput(),
        validators=[limits.validate_date_in_range],
        error_messages={
            "required": "Enter the start of the period",
            "invalid": "Enter the start of the period as a real date, like 2026-01-01",
        },
    )
    period_end = forms.DateField(
        label="End of the period",
        widget=DateInput(),
        validators=[limits.validate_date_in_range],
        error_messages={
            "required": "Enter the end of the period",
            "invalid": "Enter the end of the period as a real date, like 2026-03-31",
        },
    )
    themes = forms.MultipleChoiceField(
        label="Themes", required=False, widget=forms.CheckboxSelectMultiple
    )
    sectors = forms.MultipleChoiceField(
        label="Sectors",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, f"{name} ({code})") for code, name in sic.SECTIONS.items()],
    )
    size_bands = forms.MultipleChoiceField(label="Sizes", required=False, choices=SizeBand.choices)
    local_authorities = forms.MultipleChoiceField(
        label="Local authorities", required=False, widget=forms.CheckboxSelectMultiple
    )
    key_accounts_only = forms.BooleanField(label="Key accounts only", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        themes = cast(forms.ChoiceField, self.fields["themes"])
        authorities = cast(forms.ChoiceField, self.fields["local_authorities"])
        themes.choices = list(
            Theme.objects.filter(parent=None, active=True)
            .order_by("position", "name")
            .values_list("slug", "name")
        )
        authorities.choices = [(name, name) for name in contact_selectors.local_authorities()]
        if not self.is_bound:
            start, end = last_full_month(timezone.localdate())
            self.initial.setdefault("period_start", start)
            self.initial.setdefault("period_end", end)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: date | None = data.get("period_start")
        end: date | None = data.get("period_end")
        if start and end and end < start:
            self.add_error(
                "period_end", "The end of the period must be the same as or after its start"
            )
        return data
