"""Evidence summaries (SPEC §2 evidence/)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from core import limits
from core.models import JobStatus


class EvidenceSummary(models.Model):
    """A themed evidence summary for a period, built by a Celery job (SPEC §2).

    `result` is an immutable snapshot once `status` is done; only published summaries are
    visible to the growth group.
    """

    period_start = models.DateField(validators=[limits.validate_date_in_range])
    period_end = models.DateField(validators=[limits.validate_date_in_range])
    themes = models.JSONField(default=list, blank=True, help_text="Theme slugs; empty = all")
    sectors = models.JSONField(default=list, blank=True, help_text="SIC section letters")
    size_bands = models.JSONField(default=list, blank=True)
    local_authorities = models.JSONField(default=list, blank=True)
    key_accounts_only = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    result = models.JSONField(null=True, blank=True)
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="published_summaries",
    )
    scheduled = models.BooleanField(default=False, help_text="Requested by the monthly schedule")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requested_summaries",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name_plural = "evidence summaries"
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="summary_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100), name="summary_progress_range"
            ),
            models.CheckConstraint(
                condition=Q(published=False) | Q(status="done"), name="summary_published_when_done"
            ),
        ]

    def __str__(self) -> str:
        # The users' name for it, as on its page: "Evidence report 1 Dec 2025 to 30 Nov 2026".
        start, end = self.period_start, self.period_end
        return f"Evidence report {start.day} {start:%b %Y} to {end.day} {end:%b %Y}"
