"""Organisations and people: the accounts at the heart of the CRM (SPEC §2 contacts)."""

import re
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from contacts import sic, validators
from core import limits
from core.models import JobStatus


class OrganisationKind(models.TextChoices):
    BUSINESS = "business", "Business"
    TRADE_BODY = "trade_body", "Trade body"
    HIGHER_EDUCATION = "higher_education", "Higher education"
    FURTHER_EDUCATION = "further_education", "Further education"
    ANCHOR_INSTITUTION = "anchor_institution", "Anchor institution"
    VOLUNTARY = "voluntary", "Voluntary sector"
    PUBLIC_BODY = "public_body", "Public body"
    OTHER = "other", "Other"


class Ownership(models.TextChoices):
    LIMITED_COMPANY = "limited_company", "Limited company"
    SOLE_TRADER = "sole_trader", "Sole trader"
    PARTNERSHIP = "partnership", "Partnership"
    COOPERATIVE = "cooperative", "Co-operative"
    SOCIAL_ENTERPRISE = "social_enterprise", "Social enterprise"
    CHARITY = "charity", "Charity"
    PUBLIC = "public", "Public"
    OTHER = "other", "Other"


class SizeBand(models.TextChoices):
    MICRO = "micro", "Micro (0–9)"
    SMALL = "small", "Small (10–49)"
    MEDIUM = "medium", "Medium (50–249)"
    LARGE = "large", "Large (250+)"
    UNKNOWN = "unknown", "Unknown"


class RuralUrban(models.TextChoices):
    URBAN = "urban", "Urban"
    RURAL = "rural", "Rural"
    UNKNOWN = "unknown", "Unknown"


class OrganisationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DISSOLVED = "dissolved", "Dissolved"


def size_band_for(employees: int | None) -> str:
    """SPEC §2: micro 0–9, small 10–49, medium 50–249, large 250+, unknown without a count."""
    if employees is None:
        return SizeBand.UNKNOWN
    if employees < 10:
        return SizeBand.MICRO
    if employees < 50:
        return SizeBand.SMALL
    if employees < 250:
        return SizeBand.MEDIUM
    return SizeBand.LARGE


_LEGAL_SUFFIX = re.compile(
    r"\b(limited|ltd|plc|llp|lp|cic|cio|co|company|the|and|&)\b", flags=re.IGNORECASE
)


def normalise_name(name: str) -> str:
    """The form used to spot duplicates: lower case, no punctuation, legal suffixes and
    'the'/'and' dropped, so 'The Oxford Widget Co. Ltd' matches 'Oxford Widget Company'."""
    text = _LEGAL_SUFFIX.sub(" ", (name or "").lower())
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


class Tag(models.Model):
    """A free label on organisations, such as a cluster ("life sciences")."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A business or other body the team engages with: one account in the CRM.

    `sector_code`, `size_band` and `name_normalised` are derived from the row's own fields on
    every save and stored, so lists can filter and group on them with an index.
    """

    name = models.CharField(max_length=255)
    name_normalised = models.CharField(max_length=255, editable=False, db_index=True)
    company_number = models.CharField(
        max_length=8,
        blank=True,
        default="",
        validators=[validators.validate_company_number],
        help_text="Companies House number: 8 digits, or 2 letters then 6 digits",
    )
    kind = models.CharField(
        max_length=32, choices=OrganisationKind.choices, default=OrganisationKind.BUSINESS
    )
    sic_codes = models.JSONField(
        default=list, blank=True, validators=[validators.validate_sic_codes]
    )
    sector_code = models.CharField(
        max_length=1, blank=True, default="", editable=False, choices=sic.SECTION_CHOICES
    )
    employees = models.PositiveIntegerField(null=True, blank=True)
    size_band = models.CharField(
        max_length=16, choices=SizeBand.choices, default=SizeBand.UNKNOWN, editable=False
    )
    ownership = models.CharField(max_length=32, choices=Ownership.choices, blank=True, default="")
    address = models.CharField(max_length=255, blank=True, default="")
    town = models.CharField(max_length=100, blank=True, default="")
    postcode = models.CharField(
        max_length=8, blank=True, default="", validators=[validators.validate_postcode]
    )
    ward = models.CharField(max_length=100, blank=True, default="")
    local_authority = models.CharField(max_length=100, blank=True, default="")
    rural_urban = models.CharField(
        max_length=16, choices=RuralUrban.choices, default=RuralUrban.UNKNOWN
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="organisations")
    key_account = models.BooleanField(default=False)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_organisations",
    )
    status = models.CharField(
        max_length=16, choices=OrganisationStatus.choices, default=OrganisationStatus.ACTIVE
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company_number"],
                condition=~Q(company_number=""),
                name="organisation_company_number_unique",
                violation_error_message="An organisation with this company number already exists",
            ),
            models.CheckConstraint(
                condition=Q(size_band__in=SizeBand.values), name="organisation_size_band_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["sector_code", "name"], name="organisation_sector_idx"),
            models.Index(fields=["size_band", "name"], name="organisation_size_idx"),
            models.Index(fields=["local_authority", "name"], name="organisation_la_idx"),
            models.Index(fields=["account_manager", "key_account"], name="organisation_am_idx"),
            models.Index(fields=["name_normalised", "postcode"], name="organisation_dupe_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_derived()
        super().save(*args, **kwargs)

    @property
    def sector(self) -> dict[str, str] | None:
        return sic.sector_of(self.sic_codes)

    @property
    def sector_name(self) -> str:
        return sic.SECTIONS.get(self.sector_code, "")

    def refresh_derived(self) -> None:
        """Recompute the stored derived fields from the row's own fields."""
        self.company_number = validators.normalise_company_number(self.company_number)
        self.postcode = validators.normalise_postcode(self.postcode)
        self.name = (self.name or "").strip()
        self.name_normalised = normalise_name(self.name)
        sector = sic.sector_of(self.sic_codes)
        self.sector_code = sector["code"] if sector else ""
        self.size_band = size_band_for(self.employees)


class LawfulBasis(models.TextChoices):
    PUBLIC_TASK = "public_task", "Public task"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests"
    CONSENT = "consent", "Consent"
    CONTRACT = "contract", "Contract"


class Person(models.Model):
    """Someone the team deals with, usually at an organisation. Personal data under UK GDPR:
    the lawful basis and marketing consent are recorded with it."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True, default="")
    email = models.EmailField(max_length=254, null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True, default="")
    job_title = models.CharField(max_length=150, blank=True, default="")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    lawful_basis = models.CharField(
        max_length=32, choices=LawfulBasis.choices, default=LawfulBasis.PUBLIC_TASK
    )
    marketing_consent = models.BooleanField(default=False)
    consent_recorded_at = models.DateTimeField(
        null=True, blank=True, validators=[limits.validate_date_in_range]
    )
    consent_source = models.CharField(max_length=200, blank=True, default="")
    do_not_contact = models.BooleanField(default=False)
    # Set when the person's data was erased (UK GDPR, SPEC §4): see contacts.privacy.services.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name_plural = "people"
        constraints = [
            # SPEC §2: email unique ignoring case when present (NULLs never collide).
            models.UniqueConstraint(
                Lower("email"),
                name="person_email_ci_unique",
                violation_error_message="A person with this email address already exists",
            ),
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="person_name_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = (self.email or "").strip() or None
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class ImportKind(models.TextChoices):
    ORGANISATIONS = "organisations", "Organisations"
    PEOPLE = "people", "People"


class ImportFormat(models.TextChoices):
    GENERIC = "generic", "PlaceVoice template"
    COMPANIES_HOUSE = "companies_house", "Companies House Basic Company Data"


class ImportJob(models.Model):
    """A CSV import run as a background job. The file is kept in the row so any worker can
    read it; `errors` lists every rejected row as {"line", "message"} (header = line 1)."""

    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    format = models.CharField(
        max_length=16, choices=ImportFormat.choices, default=ImportFormat.GENERIC
    )
    dry_run = models.BooleanField(default=False)
    file_name = models.CharField(max_length=255, blank=True, default="")
    content = models.TextField()
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    total_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100), name="import_progress_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.pk} ({self.status})"
