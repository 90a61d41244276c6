"""Writes to evidence summaries: requesting, the job's claim/progress/finish, publishing.

The job (evidence.tasks.build_summary) goes through the functions here. Its claim on a summary
is its `started_at` timestamp: every later write of that job is a conditional UPDATE on
`status=running AND started_at=<claim>`, so a job that lost its claim (its summary was
reclaimed after its worker died) can never overwrite anything, and the result is written by
exactly one job.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from contacts import sic
from contacts.models import SizeBand
from core import limits
from core.models import JobStatus
from evidence.aggregation import Scope
from evidence.models import EvidenceSummary
from insights.models import Theme

# A summary covers at most five years: longer asks are almost certainly typing mistakes.
MAX_PERIOD_DAYS = 5 * 366
MAX_LOCAL_AUTHORITIES = 50


class ClaimLost(Exception):
    """The job's summary was reclaimed by another job (or finished): stop quietly."""


def _clean_list(values: Iterable[Any] | None) -> list[str]:
    seen: list[str] = []
    for value in values or []:
        text = str(value).strip()
        if text and text not in seen:
            seen.append(text)
    return seen


def _validate(
    *,
    period_start: date,
    period_end: date,
    themes: list[str],
    sectors: list[str],
    size_bands: list[str],
    local_authorities: list[str],
) -> None:
    errors: dict[str, list[str]] = {}
    # Out-of-range ends are refused first: comparing or widening a period near year 1
    # overflows Python's dates in the worker.
    for name, value in (("period_start", period_start), ("period_end", period_end)):
        try:
            limits.validate_date_in_range(value)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    if period_end < period_start:
        errors.setdefault("period_end", []).append(
            "The end of the period must be the same as or after its start"
        )
    elif (period_end - period_start).days + 1 > MAX_PERIOD_DAYS:
        errors.setdefault("period_end", []).append("The period must be 5 years or shorter")
    if period_start > timezone.localdate():
        errors.setdefault("period_start", []).append("The period must start today or earlier")
    known = set(Theme.objects.filter(slug__in=themes).values_list("slug", flat=True))
    unknown_themes = [slug for slug in themes if slug not in known]
    if unknown_themes:
        errors.setdefault("themes", []).append(f"Unknown theme: {', '.join(unknown_themes)}")
    unknown_sectors = [code for code in sectors if code not in sic.SECTIONS]
    if unknown_sectors:
        errors.setdefault("sectors", []).append(
            f"Unknown SIC section: {', '.join(unknown_sectors)} (use letters A to U)"
        )
    unknown_bands = [band for band in size_bands if band not in SizeBand.values]
    if unknown_bands:
        errors.setdefault("size_bands", []).append(
            f"Unknown size band: {', '.join(unknown_bands)} (use {', '.join(SizeBand.values)})"
        )
    if len(local_authorities) > MAX_LOCAL_AUTHORITIES:
        errors.setdefault("local_authorities", []).append(
            f"Choose at most {MAX_LOCAL_AUTHORITIES} local authorities"
        )
    if any(len(name) > 100 for name in local_authorities):
        errors.setdefault("local_authorities", []).append(
            "A local authority name is at most 100 characters"
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def summary_request(
    *,
    requested_by: AbstractBaseUser | AnonymousUser | None,
    period_start: date,
    period_end: date,
    themes: Iterable[str] | None = None,
    sectors: Iterable[str] | None = None,
    size_bands: Iterable[str] | None = None,
    local_authorities: Iterable[str] | None = None,
    key_accounts_only: bool = False,
    scheduled: bool = False,
) -> EvidenceSummary:
    """Record a summary request and queue its job once the request is committed."""
    theme_slugs = _clean_list(themes)
    sector_codes = [code.upper() for code in _clean_list(sectors)]
    bands = [band.lower() for band in _clean_list(size_bands)]
    authorities = _clean_list(local_authorities)
    _validate(
        period_start=period_start,
        period_end=period_end,
        themes=theme_slugs,
        sectors=sector_codes,
        size_bands=bands,
        local_authorities=authorities,
    )
    summary = EvidenceSummary.objects.create(
        period_start=period_start,
        period_end=period_end,
        themes=theme_slugs,
        sectors=sorted(sector_codes),
        size_bands=[band for band in SizeBand.values if band in bands],
        local_authorities=sorted(authorities),
        key_accounts_only=bool(key_accounts_only),
        scheduled=scheduled,
        requested_by_id=getattr(requested_by, "pk", None),
    )
    _queue_build(summary.pk)
    return summary


def _queue_build(summary_id: int) -> None:
    from evidence.tasks import build_summary

    # robust: a broker outage at this moment must not turn a recorded request into an error
    # page; the summary stays queued and summaries_requeue_stalled sends it again.
    transaction.on_commit(lambda: build_summary.delay(summary_id), robust=True)


# A queued summary no worker has started after this long lost its message (broker restarted
# without persistence, or down when it was requested).
STALLED_QUEUED_AFTER = timedelta(minutes=10)


def summaries_requeue_stalled(*, now: datetime | None = None) -> list[int]:
    """Send again the jobs of summaries whose message was lost: still queued long after the
    request, or running with a claim older than the broker would keep a dead worker's message
    (hard time limit + visibility timeout). A duplicate is harmless: the job's claim lets only
    one build run. Returns the ids sent."""
    from evidence.tasks import build_summary

    now = now or timezone.now()
    visibility = int(settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600))
    abandoned_before = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + visibility)
    stalled = list(
        EvidenceSummary.objects.filter(
            Q(status=JobStatus.QUEUED, created__lt=now - STALLED_QUEUED_AFTER)
            | Q(status=JobStatus.RUNNING, started_at__lt=abandoned_before)
        )
        .order_by("id")
        .values_list("id", flat=True)[:100]
    )
    for summary_id in stalled:
        build_summary.delay(summary_id)
    return stalled


def last_full_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


PERIOD_PRESETS = {
    "last_month": "The last full month",
    "last_12_months": "The last 12 full months",
    "last_quarter": "The last full quarter",
    "financial_year": "This financial year so far",
}


def period_presets(today: date) -> dict[str, tuple[date, date]]:
    """The request form's preset periods for `today`, every one made of whole days that
    have ended (today is never included, as its evidence is still coming in):
    - last_month: the last full calendar month;
    - last_12_months: the twelve full calendar months before this one;
    - last_quarter: the last full calendar quarter (January–March, April–June, …);
    - financial_year: the UK financial year (from 1 April) up to yesterday; on 1 April, when
      the new year has no finished day yet, the whole financial year just ended.
    For today = 1 December 2026: November 2026; 1 Dec 2025–30 Nov 2026; 1 Jul–30 Sep 2026;
    1 Apr–30 Nov 2026."""
    month_start, month_end = last_full_month(today)
    year_ago = month_end.replace(day=1)
    year_ago = year_ago.replace(year=year_ago.year - 1)
    twelve_months_start = (
        year_ago.replace(month=year_ago.month + 1)
        if year_ago.month < 12
        else year_ago.replace(year=year_ago.year + 1, month=1)
    )
    quarter_start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    last_quarter_end = quarter_start - timedelta(days=1)
    last_quarter_start = last_quarter_end.replace(month=last_quarter_end.month - 2, day=1)
    yesterday = today - timedelta(days=1)
    financial_year_start = date(
        yesterday.year if yesterday.month >= 4 else yesterday.year - 1, 4, 1
    )
    return {
        "last_month": (month_start, month_end),
        "last_12_months": (twelve_months_start, month_end),
        "last_quarter": (last_quarter_start, last_quarter_end),
        "financial_year": (financial_year_start, yesterday),
    }


@transaction.atomic
def summary_request_monthly(*, today: date | None = None) -> EvidenceSummary | None:
    """The scheduled summary of the last full month; None when it was already requested
    (beat may fire twice, e.g. after a restart)."""
    start, end = last_full_month(today or timezone.localdate())
    already = EvidenceSummary.objects.filter(
        scheduled=True,
        period_start=start,
        period_end=end,
        themes=[],
        sectors=[],
        size_bands=[],
        local_authorities=[],
        key_accounts_only=False,
    )
    if already.exists():
        return None
    return summary_request(requested_by=None, period_start=start, period_end=end, scheduled=True)


def summary_scope(summary: EvidenceSummary) -> Scope:
    return Scope(
        period_start=summary.period_start,
        period_end=summary.period_end,
        themes=tuple(summary.themes or ()),
        sectors=tuple(summary.sectors or ()),
        size_bands=tuple(summary.size_bands or ()),
        local_authorities=tuple(summary.local_authorities or ()),
        key_accounts_only=summary.key_accounts_only,
    )


# --- The job's writes ------------------------------------------------------------------------


def summary_claim(
    *, summary_id: int, redelivered: bool = False, claim: datetime | None = None
) -> datetime | None:
    """Take the summary for this job with one conditional UPDATE; returns the claim (the new
    `started_at`) or None when the job must leave it alone.

    Claimable: a queued summary; a running one whose claim is older than the hard time limit
    (its job was certainly killed by then); a running one when this message is a redelivery
    (Redis gives a message back only when its worker died: rejected on worker loss, or
    restored after the visibility timeout, which is longer than the hard time limit); a running
    one holding `claim` (this job's own retry). Done and failed summaries never are.
    """
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimable = Q(status=JobStatus.QUEUED) | Q(
        status=JobStatus.RUNNING, started_at__lt=stale_before
    )
    if redelivered:
        claimable |= Q(status=JobStatus.RUNNING)
    if claim is not None:
        claimable |= Q(status=JobStatus.RUNNING, started_at=claim)
    updated = EvidenceSummary.objects.filter(claimable, pk=summary_id).update(
        status=JobStatus.RUNNING, started_at=now, progress=0, error="", updated=now
    )
    return now if updated else None


def _held(summary_id: int, claim: datetime) -> Any:
    return EvidenceSummary.objects.filter(pk=summary_id, status=JobStatus.RUNNING, started_at=claim)


def summary_progress(*, summary_id: int, claim: datetime, progress: int) -> None:
    updated = _held(summary_id, claim).update(
        progress=max(0, min(99, progress)), updated=timezone.now()
    )
    if not updated:
        raise ClaimLost(summary_id)


def summary_finish(*, summary_id: int, claim: datetime, result: dict[str, Any]) -> bool:
    """Store the result snapshot: the only write of `result`, made once (running → done)."""
    now = timezone.now()
    updated = _held(summary_id, claim).update(
        status=JobStatus.DONE, progress=100, result=result, error="", finished_at=now, updated=now
    )
    return bool(updated)


def summary_fail(*, summary_id: int, claim: datetime, error: str) -> bool:
    now = timezone.now()
    updated = _held(summary_id, claim).update(
        status=JobStatus.FAILED, error=error[:2000], finished_at=now, updated=now
    )
    return bool(updated)


# --- Review ---------------------------------------------------------------------------------


@transaction.atomic
def summary_publish(
    *, summary: EvidenceSummary, published_by: AbstractBaseUser | AnonymousUser | None
) -> EvidenceSummary:
    """Make a finished summary visible to the growth group (publishing twice is harmless)."""
    locked = EvidenceSummary.objects.select_for_update().get(pk=summary.pk)
    if locked.status != JobStatus.DONE:
        raise ValidationError(
            {"status": "Only a finished summary can be published; this one is " + locked.status}
        )
    if not locked.published:
        locked.published = True
        locked.published_at = timezone.now()
        locked.published_by_id = getattr(published_by, "pk", None)
        locked.save(update_fields=["published", "published_at", "published_by", "updated"])
    return locked


@transaction.atomic
def summary_unpublish(*, summary: EvidenceSummary) -> EvidenceSummary:
    """Withdraw a summary from the growth group (for example, published by mistake)."""
    locked = EvidenceSummary.objects.select_for_update().get(pk=summary.pk)
    if locked.published:
        locked.published = False
        locked.published_at = None
        locked.published_by = None
        locked.save(update_fields=["published", "published_at", "published_by", "updated"])
    return locked


def period_label(start: date, end: date) -> str:
    if start.day == 1 and end == start.replace(day=calendar.monthrange(start.year, start.month)[1]):
        return f"{start:%B %Y}"
    return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"
