"""Page forms for organisations and people. They shape input for contacts.services, which
holds the rules: a service's ValidationError is put back on the form's fields."""

import re
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from contacts import validators
from contacts.models import (
    LawfulBasis,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Ownership,
    Person,
    RuralUrban,
)
from core import limits, roles
from core.types import User


def staff_who_manage_accounts(*, also: int | None = None) -> QuerySet[User]:
    """Users who may be an account manager: active officers and admins, plus `also` (the
    current manager, so an organisation still saves after its manager changed role)."""
    return (
        get_user_model()
        .objects.filter(
            (Q(groups__name__in=[roles.OFFICER, roles.ADMIN]) | Q(is_superuser=True))
            & Q(is_active=True)
            | Q(pk=also)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class AccountManagerChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class OrganisationForm(forms.Form):
    name = forms.CharField(
        max_length=255,
        error_messages={"required": "Enter the organisation's name"},
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    company_number = forms.CharField(
        label="Company number",
        required=False,
        max_length=20,
        help_text="From Companies House: 8 digits, or 2 letters then 6 digits, like 01234567",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(
        label="Kind of organisation", choices=OrganisationKind.choices, initial="business"
    )
    sic_codes = forms.CharField(
        label="SIC codes",
        required=False,
        max_length=100,
        help_text="Up to 4 five-digit SIC 2007 codes, separated by commas or spaces, "
        "like 62012, 70229. The first sets the sector.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "inputmode": "numeric"}),
    )
    employees = forms.IntegerField(
        label="Number of employees",
        required=False,
        min_value=0,
        max_value=2_000_000,
        error_messages={
            "invalid": "Enter the number of employees as a whole number, like 25",
            "min_value": "The number of employees must be 0 or more",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    ownership = forms.ChoiceField(choices=[("", "Not known"), *Ownership.choices], required=False)
    address = forms.CharField(
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    town = forms.CharField(
        label="Town or city",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    postcode = forms.CharField(
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "spellcheck": "false"}),
    )
    ward = forms.CharField(required=False, max_length=100)
    local_authority = forms.CharField(label="Local authority", required=False, max_length=100)
    rural_urban = forms.ChoiceField(
        label="Rural or urban",
        choices=RuralUrban.choices,
        initial="unknown",
        widget=forms.RadioSelect,
    )
    tags = forms.CharField(
        required=False,
        max_length=1000,
        help_text="Labels such as clusters, separated by commas, like life sciences, "
        "advanced manufacturing",
    )
    key_account = forms.BooleanField(
        label="This is a key account",
        required=False,
        help_text="Key accounts get a named account manager and regular contact",
    )
    account_manager = AccountManagerChoiceField(
        label="Account manager",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="No account manager",
    )
    status = forms.ChoiceField(
        choices=OrganisationStatus.choices, initial="active", widget=forms.RadioSelect
    )

    def __init__(
        self,
        *args: Any,
        organisation: Organisation | None = None,
        manages_accounts: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["account_manager"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = staff_who_manage_accounts(
            also=organisation.account_manager_id if organisation else None
        )
        # SPEC §1: only admins set the account fields. Others are shown them read-only and
        # are not sent them, so their values come from the stored record; a value that was
        # sent anyway reaches contacts.services, which refuses a change (403).
        self.manages_accounts = manages_accounts
        self.organisation = organisation
        if not manages_accounts and self.is_bound:
            data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict or a dict
            if "key_account" not in data and organisation is not None and organisation.key_account:
                data["key_account"] = "on"
            if "account_manager" not in data:
                data["account_manager"] = (
                    str(organisation.account_manager_id)
                    if organisation is not None and organisation.account_manager_id
                    else ""
                )
            self.data = data

    @staticmethod
    def initial_for(organisation: Organisation) -> dict[str, Any]:
        return {
            "name": organisation.name,
            "company_number": organisation.company_number,
            "kind": organisation.kind,
            "sic_codes": ", ".join(organisation.sic_codes or []),
            "employees": organisation.employees,
            "ownership": organisation.ownership,
            "address": organisation.address,
            "town": organisation.town,
            "postcode": organisation.postcode,
            "ward": organisation.ward,
            "local_authority": organisation.local_authority,
            "rural_urban": organisation.rural_urban,
            "tags": ", ".join(tag.name for tag in organisation.tags.all()),
            "key_account": organisation.key_account,
            "account_manager": organisation.account_manager_id,
            "status": organisation.status,
        }

    # The model's validators run here too, so every mistake is reported at once, not only
    # after the required fields are filled in; contacts.services still checks everything.
    def clean_company_number(self) -> str:
        number = validators.normalise_company_number(self.cleaned_data["company_number"])
        validators.validate_company_number(number)
        return number

    def clean_postcode(self) -> str:
        postcode = validators.normalise_postcode(self.cleaned_data["postcode"])
        validators.validate_postcode(postcode)
        return postcode

    def clean_sic_codes(self) -> list[str]:
        codes = [code for code in re.split(r"[\s,;]+", self.cleaned_data["sic_codes"]) if code]
        validators.validate_sic_codes(codes)
        return codes

    def clean_tags(self) -> list[str]:
        names = [name.strip() for name in self.cleaned_data["tags"].split(",")]
        names = [name for name in names if name]
        if any(len(name) > limits.TAG_MAX for name in names):
            raise ValidationError(f"Each tag must be {limits.TAG_MAX} characters or fewer")
        if len(set(names)) > limits.TAGS_MAX:
            raise ValidationError(f"Give at most {limits.TAGS_MAX} tags")
        return names

    def service_arguments(self) -> tuple[dict[str, Any], list[str]]:
        """The service's `data` and `tags` from the cleaned form."""
        data = dict(self.cleaned_data)
        tags = data.pop("tags")
        return data, tags


class PersonForm(forms.Form):
    first_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages={"required": "Enter their first name"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    last_name = forms.CharField(
        label="Last name",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address like name@example.com"},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    job_title = forms.CharField(label="Job title", required=False, max_length=150)
    organisation = forms.CharField(
        label="Organisation",
        required=False,
        max_length=255,
        help_text="Their organisation's exact name or its company number",
        # Suggestions from the organisations API as the officer types (static/js/contacts.js).
        widget=forms.TextInput(
            attrs={
                "list": "organisation-options",
                "autocomplete": "off",
                "data-pv-organisation-search": "/api/v1/organisations/",
            }
        ),
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis for holding their details",
        choices=LawfulBasis.choices,
        initial=LawfulBasis.PUBLIC_TASK,
        widget=forms.RadioSelect,
        help_text="Most council economic development work is a public task",
    )
    marketing_consent = forms.BooleanField(
        label="They agreed to receive marketing emails",
        required=False,
        help_text="The date is recorded when this changes",
    )
    consent_source = forms.CharField(
        label="How consent was given",
        required=False,
        max_length=200,
        help_text="For example, 'event sign-up form' or 'verbally at a 1-2-1'",
    )
    do_not_contact = forms.BooleanField(
        label="Do not contact this person",
        required=False,
        help_text="They asked not to be contacted. They will not be emailed or invited.",
    )

    def __init__(
        self, *args: Any, current_organisation: Organisation | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.current_organisation = current_organisation

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        return {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email or "",
            "phone": person.phone,
            "job_title": person.job_title,
            "organisation": person.organisation.name if person.organisation else "",
            "lawful_basis": person.lawful_basis,
            "marketing_consent": person.marketing_consent,
            "consent_source": person.consent_source,
            "do_not_contact": person.do_not_contact,
        }

    def clean_organisation(self) -> Organisation | None:
        """Find the organisation by company number or exact name; a name shared by several
        organisations needs the company number to tell them apart."""
        value = self.cleaned_data["organisation"].strip()
        if not value:
            return None
        current = self.current_organisation
        if current is not None and value.casefold() == current.name.casefold():
            return current
        number = validators.normalise_company_number(value)
        if number and re.fullmatch(r"[A-Z0-9]{8}", number):
            by_number = Organisation.objects.filter(company_number=number).first()
            if by_number is not None:
                return by_number
        matches = list(Organisation.objects.filter(name__iexact=value)[:2])
        if len(matches) > 1:
            raise ValidationError(
                f"More than one organisation is called {value}: enter its company number instead"
            )
        if not matches:
            raise ValidationError(
                f"No organisation is called {value}: check the spelling, or add the "
                "organisation first"
            )
        return matches[0]


class MergeForm(forms.Form):
    """Which of several records survives a merge; the others are merged into it."""

    survivor = forms.TypedChoiceField(
        label="Which record do you want to keep?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the record to keep",
            "invalid_choice": "Choose one of the records listed",
        },
    )

    def __init__(self, *args: Any, records: list[Any], describe: Any = str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["survivor"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(record.pk, describe(record)) for record in records]
