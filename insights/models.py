"""Insights: the theme taxonomy and what businesses said (SPEC §2 insights/)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from contacts.models import Organisation
from core import limits
from engagement.models import Interaction


class Theme(models.Model):
    """A node of the two-level taxonomy insights are tagged with. Retired themes
    (`active=False`) stay on old insights but are not offered for new ones."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(
        blank=True,
        default="",
        max_length=limits.STATEMENT_MAX,
        validators=[limits.statement_length],
    )
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def top_level(self) -> bool:
        return self.parent_id is None


class InsightKind(models.TextChoices):
    BARRIER = "barrier", "Barrier"
    OPPORTUNITY = "opportunity", "Opportunity"
    OBSERVATION = "observation", "Observation"


class Attribution(models.TextChoices):
    NAMED = "named", "Named: may be quoted with the organisation's name"
    ANONYMOUS = "anonymous", "Anonymous: quoted as, for example, 'a small manufacturing business'"
    CONFIDENTIAL = "confidential", "Confidential: never leaves the CRM"


class Insight(models.Model):
    """What a business said, summarised by the officer and tagged with themes.

    `confidential` is stored for fast filtering: it is true when the attribution is
    `confidential` or the insight's interaction is confidential (kept so by the services).
    Confidential insights never reach reports or exports (SPEC §1).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="insights"
    )
    interaction = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="insights"
    )
    themes = models.ManyToManyField(Theme, related_name="insights")
    kind = models.CharField(
        max_length=16, choices=InsightKind.choices, default=InsightKind.OBSERVATION
    )
    severity = models.PositiveSmallIntegerField(null=True, blank=True)
    statement = models.TextField(
        max_length=limits.STATEMENT_MAX, validators=[limits.statement_length]
    )
    quote = models.TextField(
        blank=True,
        default="",
        max_length=limits.STATEMENT_MAX,
        validators=[limits.statement_length],
    )
    attribution = models.CharField(
        max_length=16, choices=Attribution.choices, default=Attribution.ANONYMOUS
    )
    confidential = models.BooleanField(default=False, editable=False)
    recorded_on = models.DateField(validators=[limits.validate_date_in_range])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="insights",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-recorded_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__isnull=True) | Q(severity__gte=1, severity__lte=5),
                name="insight_severity_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["-recorded_on", "-id"], name="insight_date_idx"),
            models.Index(fields=["organisation", "-recorded_on"], name="insight_organisation_idx"),
            models.Index(fields=["confidential", "recorded_on"], name="insight_public_date_idx"),
        ]

    def __str__(self) -> str:
        return self.statement[:80]
