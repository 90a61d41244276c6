"""Background jobs of the insights app: building evidence summaries (SPEC §2) and the monthly
schedule.

`build_summary` is safe to deliver more than once. Late acknowledgement with
reject-on-worker-lost gives the message back when a worker dies mid-job; the job claims its
summary with a conditional UPDATE (see services.summary_claim), so a redelivered
message finishes the work of a dead worker and a duplicate of a live or finished one does
nothing. The soft and hard time limits are below the broker's visibility timeout, so Redis
never hands a job still running to a second worker.
"""

from __future__ import annotations

import logging
import os
import time
from datetime import datetime

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection

from core.models import JobStatus
from evidence import aggregation
from evidence import services as summaries
from evidence.models import EvidenceSummary

logger = logging.getLogger(__name__)

SOFT_TIME_LIMIT = settings.CELERY_TASK_SOFT_TIME_LIMIT
HARD_TIME_LIMIT = settings.CELERY_TASK_TIME_LIMIT
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
MAX_RETRIES = 3

# Test-only: seconds to sleep at each progress step, so an integration test can kill a worker
# in the middle of a job deterministically. Unset in every real deployment.
STEP_DELAY_ENV = "PLACEVOICE_TEST_SUMMARY_STEP_DELAY"


def _step_delay() -> float:
    try:
        return max(0.0, float(os.environ.get(STEP_DELAY_ENV, "0") or 0))
    except ValueError:
        return 0.0


def _reset_connection() -> None:
    # Outside a transaction (always, on a worker) a broken connection is simply replaced.
    if not connection.in_atomic_block:
        connection.close()


# Celery ships no type stubs, so its task decorator is untyped.
@shared_task(  # type: ignore[untyped-decorator]
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=HARD_TIME_LIMIT,
    max_retries=MAX_RETRIES,
)
def build_summary(self: Task, summary_id: int, claim: str | None = None) -> str:
    """Claim the summary, aggregate, store the result snapshot once; returns what happened."""
    delivery = self.request.delivery_info or {}
    held = summaries.summary_claim(
        summary_id=summary_id,
        redelivered=bool(delivery.get("redelivered")),
        claim=datetime.fromisoformat(claim) if claim else None,
    )
    if held is None:
        logger.info(
            "Summary %s: not claimable (taken, finished or gone); nothing to do", summary_id
        )
        return "skipped"
    delay = _step_delay()

    def progress(percent: int) -> None:
        summaries.summary_progress(summary_id=summary_id, claim=held, progress=percent)
        if delay:
            time.sleep(delay)

    try:
        summary = EvidenceSummary.objects.get(pk=summary_id)
        progress(5)
        result = aggregation.build_result(summaries.summary_scope(summary), progress=progress)
        if not summaries.summary_finish(summary_id=summary_id, claim=held, result=result):
            raise summaries.ClaimLost(summary_id)
    except summaries.ClaimLost:
        logger.warning("Summary %s: claim lost to another job; stopping", summary_id)
        return "claim lost"
    except SoftTimeLimitExceeded:
        # The query may have been interrupted mid-flight: record the failure on a fresh
        # connection.
        _reset_connection()
        minutes = SOFT_TIME_LIMIT // 60
        summaries.summary_fail(
            summary_id=summary_id,
            claim=held,
            error=f"The summary took longer than the {minutes}-minute limit and was stopped. "
            "Try a shorter period or narrower filters.",
        )
        return "timed out"
    except TRANSIENT_ERRORS as exc:
        _reset_connection()
        if self.request.retries < MAX_RETRIES:
            logger.warning("Summary %s: transient database error %r; retrying", summary_id, exc)
            raise self.retry(
                exc=exc,
                countdown=5 * 2**self.request.retries,
                args=(summary_id,),
                kwargs={"claim": held.isoformat()},
            ) from exc
        summaries.summary_fail(
            summary_id=summary_id,
            claim=held,
            error=f"The database was unavailable ({exc.__class__.__name__}) after "
            f"{MAX_RETRIES} retries. Request the summary again.",
        )
        return "failed"
    except Exception as exc:
        logger.exception("Summary %s failed", summary_id)
        summaries.summary_fail(
            summary_id=summary_id,
            claim=held,
            error=f"The summary could not be built: {exc.__class__.__name__}: {exc}",
        )
        return "failed"
    logger.info("Summary %s built (claim %s)", summary_id, held.isoformat())
    return JobStatus.DONE


@shared_task(acks_late=True, reject_on_worker_lost=True)  # type: ignore[untyped-decorator]
def request_monthly_summary() -> int | None:
    """Beat: on the first of each month, request the summary of the last full month."""
    summary = summaries.summary_request_monthly()
    return summary.pk if summary else None


@shared_task(acks_late=True)  # type: ignore[untyped-decorator]
def requeue_stalled_summaries() -> list[int]:
    """Beat, every 10 minutes: jobs whose message was lost are sent again (SPEC §4)."""
    return summaries.summaries_requeue_stalled()
