"""Forms for editing a 1-2-1, for organisers' event pages and for the public sign-up form."""

from typing import Any

from django import forms
from django.utils import timezone

from contacts.models import Organisation, normalise_name
from contacts.validators import normalise_company_number
from core import limits
from core.forms import add_service_errors
from engagement.models import Event, EventKind, InteractionKind, ParticipationLevel
from engagement.services import events as event_services

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    """A native date-and-time picker (works with a keyboard and on phones)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


def date_text(value: Any) -> str:
    """A date field's value for <input type="date">: ISO for a date, as typed otherwise."""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value or "")


def _datetime_field(label: str, required: bool, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=LocalDateTimeInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as a real date and time",
        },
    )


class EventForm(forms.ModelForm[Event]):
    starts_at = _datetime_field("Start date and time", True)
    ends_at = _datetime_field("End date and time", True)
    registration_opens_at = _datetime_field(
        "Registration opens", False, "Leave empty to open registration when you publish"
    )
    registration_closes_at = _datetime_field(
        "Registration closes", False, "Leave empty to close registration when the event starts"
    )
    kind = forms.ChoiceField(choices=EventKind.choices, label="Kind of event")
    capacity = forms.IntegerField(
        min_value=1,
        max_value=100000,
        label="Places",
        error_messages={
            "required": "Enter the number of places",
            "min_value": "There must be at least 1 place",
            "invalid": "Enter the number of places as a whole number, like 40",
        },
    )
    online_url = forms.URLField(
        required=False,
        assume_scheme="https",
        max_length=200,
        label="Online link (optional)",
        help_text="For webinars or hybrid events; sent to people with a place",
    )
    host = forms.CharField(
        max_length=255,
        required=False,
        label="Hosted by (optional)",
        help_text="The name or company number of the organisation leading it, if any",
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "description",
            "starts_at",
            "ends_at",
            "venue_name",
            "venue_address",
            "online_url",
            "accessibility_info",
            "capacity",
            "waitlist_enabled",
            "registration_opens_at",
            "registration_closes_at",
        ]
        labels = {
            "title": "Title",
            "description": "Description",
            "venue_name": "Venue",
            "venue_address": "Venue address",
            "online_url": "Online link (optional)",
            "accessibility_info": "Accessibility information",
            "waitlist_enabled": "Keep a waiting list when the event is full",
        }
        error_messages = {"title": {"required": "Enter a title"}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # hosted_by is None without a query when hosted_by_id is.
        if self.instance.pk and self.instance.hosted_by is not None:
            self.initial["host"] = self.instance.hosted_by.name
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            value = getattr(self.instance, name, None) if self.instance.pk else None
            if value is not None:
                self.initial[name] = timezone.localtime(value).strftime(DATETIME_FORMAT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The event's rules, said once in the service, shown here beside the fields.
        candidate = Event(pk=self.instance.pk, slug=self.instance.slug, status=self.instance.status)
        for name in (
            "starts_at",
            "ends_at",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
        ):
            setattr(candidate, name, data.get(name))
        rules = event_services.event_rules(candidate)
        add_service_errors(
            self, {name: rules[name] for name in rules if name in self.fields}, once=True
        )
        return data

    def clean_host(self) -> Organisation | None:
        value = (self.cleaned_data.get("host") or "").strip()
        if not value:
            return None
        number = normalise_company_number(value)
        found = (
            Organisation.objects.filter(company_number=number).first()
            or Organisation.objects.filter(name_normalised=normalise_name(value))
            .order_by("id")
            .first()
        )
        if found is None:
            raise forms.ValidationError(
                "No organisation has this name or company number: add it first, or leave empty"
            )
        return found

    def event_data(self) -> dict[str, Any]:
        """The cleaned fields as the events service takes them."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["hosted_by"] = self.cleaned_data.get("host")
        return data


class SignUpForm(forms.Form):
    """The public sign-up form. `website` is a honeypot hidden from people."""

    first_name = forms.CharField(
        max_length=100,
        label="First name",
        error_messages={"required": "Enter your first name"},
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "spellcheck": "false"}),
    )
    last_name = forms.CharField(
        max_length=100,
        label="Last name",
        error_messages={"required": "Enter your last name"},
        widget=forms.TextInput(attrs={"autocomplete": "family-name", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        max_length=254,
        label="Email address",
        help_text="We will send your confirmation and a calendar invitation here",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "inputmode": "email"}
        ),
    )
    organisation = forms.CharField(
        max_length=255,
        label="Organisation",
        help_text="The business or organisation you work for",
        error_messages={"required": "Enter the name of your organisation"},
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    company_number = forms.CharField(
        max_length=20,
        required=False,
        label="Company number (optional)",
        help_text="From Companies House, like 01234567 or SC123456",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    job_title = forms.CharField(
        max_length=150,
        required=False,
        label="Job title (optional)",
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    requirements = forms.CharField(
        max_length=limits.STATEMENT_MAX,
        required=False,
        label="Access or dietary requirements (optional)",
        help_text="Tell us anything we need to arrange so you can take part",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    marketing_consent = forms.BooleanField(
        required=False,
        label="Email me about future events and business support",
    )
    website = forms.CharField(required=False, label="Leave this field empty")


class InteractionEditForm(forms.Form):
    """Change a logged interaction's own fields (not its insights or actions), saved by
    `interaction_update`."""

    title = forms.CharField(max_length=200, required=False)
    kind = forms.ChoiceField(choices=InteractionKind.choices)
    occurred_on = forms.DateField(
        validators=[limits.validate_date_in_range],
        error_messages={
            "required": "Enter the date of the interaction",
            "invalid": "Enter a real date, for example 2026-03-27",
        },
    )
    notes = forms.CharField(required=False, max_length=limits.NOTES_MAX, widget=forms.Textarea)
    participation_level = forms.ChoiceField(choices=ParticipationLevel.choices)
    confidential = forms.BooleanField(required=False)

    @property
    def occurred_on_text(self) -> str:
        return date_text(self["occurred_on"].value())
