"""The form officers use to request an evidence summary (the rules are the service's)."""

from datetime import date
from typing import Any, cast

from django import forms
from django.utils import timezone

from contacts import selectors as contact_selectors
from contacts import sic
from contacts.models import SizeBand
from core import limits
from evidence.services import PERIOD_PRESETS, period_presets
from insights.models import Theme


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


CUSTOM = "custom"
PERIOD_CHOICES: list[tuple[str, str]] = [*PERIOD_PRESETS.items(), (CUSTOM, "Custom dates")]


class SummaryRequestForm(forms.Form):
    """A preset period (the last full month by default) or custom dates. Without a `period`
    (an older form, the API's shape) the dates are taken as custom."""

    period = forms.ChoiceField(
        label="Period",
        required=False,
        widget=forms.RadioSelect,
        choices=PERIOD_CHOICES,
    )
    period_start = forms.DateField(
        label="Start of the period",
        required=False,
        widget=DateInput(),
        validators=[limits.validate_date_in_range],
        error_messages={
            "required": "Enter the start of the period",
            "invalid": "Enter the start of the period as a real date, like 2026-01-01",
        },
    )
    period_end = forms.DateField(
        label="End of the period",
        required=False,
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
        self.presets = period_presets(timezone.localdate())
        if not self.is_bound:
            start, end = self.presets["last_month"]
            self.initial.setdefault("period", "last_month")
            self.initial.setdefault("period_start", start)
            self.initial.setdefault("period_end", end)

    def preset_choices(self) -> list[tuple[str, str, date | None, date | None]]:
        """(value, label, start, end) of each radio, the preset's dates shown beside it."""
        return [
            (value, label, *self.presets.get(value, (None, None)))
            for value, label in PERIOD_CHOICES
        ]

    def chosen_period(self) -> str:
        value = self["period"].value() or (CUSTOM if self.is_bound else "last_month")
        return str(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        period = data.pop("period", "") or CUSTOM
        if period in self.presets:
            # A preset's dates are worked out here, on the day it is requested.
            data["period_start"], data["period_end"] = self.presets[period]
            for name in ("period_start", "period_end"):
                if name in self.errors:
                    del self.errors[name]
            return data
        start: date | None = data.get("period_start")
        end: date | None = data.get("period_end")
        for name, value in (("period_start", start), ("period_end", end)):
            if value is None and name not in self.errors:
                self.add_error(name, self.fields[name].error_messages["required"])
        if start and end and end < start:
            self.add_error(
                "period_end", "The end of the period must be the same as or after its start"
            )
        return data
