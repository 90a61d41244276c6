"""The "Log a 1-2-1" form: the interaction, any number of insights and any number of
follow-up actions, posted together and saved by `interaction_log` in one transaction.

The forms only parse what was typed; the rules live in the services, whose errors are
mapped back onto these fields so the officer sees them next to what they typed.
"""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import formset_factory
from django.utils import timezone

from contacts.models import Organisation, Person
from core import limits
from core.types import AnyUser, User
from engagement.filtersets import officers
from engagement.forms import date_text
from engagement.models import InteractionKind, ParticipationLevel
from insights import selectors
from insights.models import Attribution, InsightKind

SEVERITY_CHOICES = [
    ("", "Not given"),
    ("1", "1 – minor"),
    ("2", "2"),
    ("3", "3 – moderate"),
    ("4", "4"),
    ("5", "5 – severe"),
]
MATCH_LIMIT = 10


class InteractionLogForm(forms.Form):
    """The interaction part. The organisation comes from the type-ahead (its id in
    `organisation`) or, without JavaScript, from the name typed in `organisation_search`."""

    organisation = forms.CharField(required=False, max_length=20)
    organisation_search = forms.CharField(required=False, max_length=255)
    kind = forms.ChoiceField(choices=InteractionKind.choices, initial=InteractionKind.MEETING)
    occurred_on = forms.DateField(
        validators=[limits.validate_date_in_range],
        error_messages={
            "required": "Enter the date of the 1-2-1",
            "invalid": "Enter a real date, for example 2026-03-27",
        },
    )
    title = forms.CharField(required=False, max_length=200)
    people = forms.ModelMultipleChoiceField(queryset=Person.objects.all(), required=False)
    notes = forms.CharField(required=False, max_length=limits.NOTES_MAX, widget=forms.Textarea)
    participation_level = forms.ChoiceField(
        choices=ParticipationLevel.choices, initial=ParticipationLevel.CONSULT
    )
    confidential = forms.BooleanField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate
        self.organisation_matches: list[Organisation] = []
        self.chosen_organisation: Organisation | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        organisation_id = cleaned.get("organisation")
        search = (cleaned.get("organisation_search") or "").strip()
        organisation = None
        if organisation_id := limits.parse_id(organisation_id):
            organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None and search:
            organisation = self._match(search)
        elif organisation is None:
            self.add_error("organisation_search", "Enter the organisation you met")
        self.chosen_organisation = organisation
        cleaned["organisations"] = [organisation] if organisation else []
        people = cleaned.get("people")
        if organisation is not None and people:
            cleaned["people"] = [
                person for person in people if person.organisation_id == organisation.pk
            ]
        return cleaned

    @property
    def occurred_on_text(self) -> str:
        return date_text(self["occurred_on"].value())

    def _match(self, search: str) -> Organisation | None:
        """No-JavaScript fallback: one exact (or only) match is taken; several are offered
        as choices; none is an error."""
        exact = list(Organisation.objects.filter(name__iexact=search)[:2])
        if len(exact) == 1:
            return exact[0]
        number = search.replace(" ", "").upper()
        matches = list(
            Organisation.objects.filter(Q(name__icontains=search) | Q(company_number=number))
            .order_by("name", "id")
            .only("id", "name", "town", "postcode")[: MATCH_LIMIT + 1]
        )
        if len(matches) == 1:
            return matches[0]
        if not matches:
            self.add_error(
                "organisation_search",
                f"No organisation matches ‘{search}’: check the spelling, or add it first",
            )
        else:
            self.organisation_matches = matches[:MATCH_LIMIT]
            self.add_error(
                "organisation_search",
                "More than one organisation matches: choose one from the list",
            )
        return None


class InsightRowForm(forms.Form):
    """One insight of the 1-2-1. A row left entirely blank is ignored."""

    statement = forms.CharField(
        max_length=limits.STATEMENT_MAX,
        widget=forms.Textarea,
        error_messages={"required": "Enter what the business said, in your words"},
    )
    quote = forms.CharField(required=False, max_length=limits.STATEMENT_MAX, widget=forms.Textarea)
    themes = forms.MultipleChoiceField(
        choices=(),
        error_messages={
            "required": "Choose at least one theme",
            "invalid_choice": "Choose themes from the list",
        },
    )
    kind = forms.ChoiceField(choices=InsightKind.choices, initial=InsightKind.BARRIER)
    severity = forms.TypedChoiceField(
        choices=SEVERITY_CHOICES, coerce=int, empty_value=None, required=False
    )
    attribution = forms.ChoiceField(choices=Attribution.choices, initial=Attribution.ANONYMOUS)

    def __init__(self, *args: Any, theme_slugs: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        themes = cast(forms.MultipleChoiceField, self.fields["themes"])
        themes.choices = [(slug, slug) for slug in theme_slugs or []]

    def selected_themes(self) -> list[str]:
        value = self["themes"].value()
        return [str(item) for item in value] if isinstance(value, list | tuple) else []


class ActionRowForm(forms.Form):
    """One follow-up action of the 1-2-1. A row left blank is ignored."""

    description = forms.CharField(
        max_length=limits.STATEMENT_MAX,
        widget=forms.Textarea,
        error_messages={"required": "Enter what will be done"},
    )
    assignee = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Choose an officer from the list"},
    )
    due_on = forms.DateField(
        required=False,
        validators=[limits.validate_date_in_range],
        error_messages={"invalid": "Enter a real date, for example 2026-03-27"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[User], self.fields["assignee"]).queryset = officers()

    @property
    def due_on_text(self) -> str:
        return date_text(self["due_on"].value())

    def has_changed(self) -> bool:
        # The assignee is pre-filled with the officer; only the description and date count.
        return bool(self["description"].value() or self["due_on"].value())


# One empty row of each to start with. Every row is "extra" (INITIAL_FORMS is always 0), so
# a row left blank is skipped rather than validated.
InsightFormSet = formset_factory(InsightRowForm, extra=1, max_num=50, absolute_max=50)
ActionFormSet = formset_factory(ActionRowForm, extra=1, max_num=50, absolute_max=50)


def build_forms(
    *, data: Any = None, user: AnyUser, add: str = "", initial_organisation: int | None = None
) -> tuple[InteractionLogForm, Any, Any]:
    """The three parts of the page. `add` ("insight" or "action") adds an empty row: the
    no-JavaScript way to ask for another."""
    slugs = [
        theme.slug
        for group in selectors.theme_groups()
        for theme in [group.parent, *group.children]
    ]
    if data is not None:
        data = data.copy()
        for prefix in ("insights", "actions"):
            key = f"{prefix}-TOTAL_FORMS"
            data[key] = str(min(50, limits.parse_id(data.get(key)) or 0))
            data[f"{prefix}-INITIAL_FORMS"] = "0"
        if add in ("insight", "action"):
            key = f"{add}s-TOTAL_FORMS"
            data[key] = str(min(50, int(data[key]) + 1))
        interaction_form = InteractionLogForm(data)
        insight_formset = InsightFormSet(
            data, prefix="insights", form_kwargs={"theme_slugs": slugs}
        )
        action_formset = ActionFormSet(data, prefix="actions")
    else:
        initial = {"organisation": initial_organisation} if initial_organisation else None
        interaction_form = InteractionLogForm(initial=initial)
        insight_formset = InsightFormSet(prefix="insights", form_kwargs={"theme_slugs": slugs})
        action_formset = ActionFormSet(prefix="actions")
    return interaction_form, insight_formset, action_formset


def rows(formset: Any) -> list[tuple[int, Any]]:
    """(index, form) for the rows the officer filled in; blank rows are skipped."""
    return [
        (index, form)
        for index, form in enumerate(formset.forms)
        if form.has_changed() and form.is_valid()
    ]


def apply_service_errors(
    error: ValidationError,
    *,
    interaction_form: InteractionLogForm,
    insight_formset: Any,
    action_formset: Any,
    insight_indexes: list[int],
    action_indexes: list[int],
) -> None:
    """Put a service's errors on the fields. The service numbers only the rows it was given
    (`insights-<n>-<field>`); `*_indexes` map those back to the rows on the page."""
    for key, messages in error.message_dict.items():
        target: Any = interaction_form
        field: str | None = key
        for prefix, formset, indexes in (
            ("insights-", insight_formset, insight_indexes),
            ("actions-", action_formset, action_indexes),
        ):
            if key.startswith(prefix):
                _, index, field = key.split("-", 2)
                target = formset.forms[indexes[int(index)]]
        if field == "organisations":
            field = "organisation_search"
        if field not in target.fields:
            field = None
        for message in messages:
            target.add_error(field, message)
