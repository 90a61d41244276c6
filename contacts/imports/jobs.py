"""The life of an import job: requested (the file's shape checked, the job queued after
commit), claimed by one worker, run with its progress written as it goes, finished."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from contacts.imports import importers, parsing
from contacts.models import ImportFormat, ImportJob, ImportKind
from core.models import JobStatus
from core.types import AnyUser, User

logger = logging.getLogger(__name__)


def import_request(
    *, upload: Any, kind: str, format: str, dry_run: bool, user: AnyUser
) -> ImportJob:
    """Check an uploaded CSV file's shape and queue its import. Problems with the file as a
    whole raise ValidationError (a 400 or a form error); problems with rows are the job's."""
    if kind not in ImportKind.values:
        raise ValidationError({"kind": "Choose organisations or people"})
    if format not in ImportFormat.values:
        raise ValidationError({"format": "Choose the PlaceVoice template or Companies House"})
    limit = parsing.max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError({"file": _too_big(size, limit)})
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        raise ValidationError({"file": _too_big(len(raw), limit)})
    if not raw.strip():
        raise ValidationError({"file": "The file is empty"})
    text = parsing.decode(raw)
    try:
        headers = parsing.read_header(text)
    except parsing.ImportFileError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    parsing.check_header(headers=headers, kind=kind, format=format)
    return _queue(
        text=text,
        kind=kind,
        format=format,
        dry_run=dry_run,
        user=user,
        file_name=str(getattr(upload, "name", "") or "")[:255],
    )


def import_repeat(*, job: ImportJob, user: AnyUser) -> ImportJob:
    """Import for real a file already checked by a dry run (its stored text, same options)."""
    if not job.dry_run or job.status != JobStatus.DONE:
        raise ValidationError("Only a finished dry run can be imported from its file")
    return _queue(
        text=job.content,
        kind=job.kind,
        format=job.format,
        dry_run=False,
        user=user,
        file_name=job.file_name,
    )


def _too_big(size: int, limit: int) -> str:
    return (
        f"The file is {size / 1024 / 1024:.1f} MB; the limit is {limit / 1024 / 1024:.0f} MB. "
        "Split it into smaller files."
    )


@transaction.atomic
def _queue(
    *, text: str, kind: str, format: str, dry_run: bool, user: AnyUser, file_name: str
) -> ImportJob:
    from contacts import tasks

    job = ImportJob.objects.create(
        kind=kind,
        format=format,
        dry_run=dry_run,
        file_name=file_name,
        content=text,
        created_by=user if isinstance(user, User) and user.is_authenticated else None,
    )
    transaction.on_commit(lambda: _start(job.pk, tasks.run_import))
    return job


def _start(job_id: int, task: Any) -> None:
    """Hand the committed job to a worker. If the broker cannot take it, say so on the job
    rather than leave it queued for ever (or answer the upload with a server error)."""
    try:
        task.delay(job_id)
    except Exception:  # noqa: BLE001 - any broker failure; the job records it
        logger.exception("Could not queue import %s", job_id)
        ImportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.FAILED,
            error="The import could not be started because the task queue is unavailable. "
            "Nothing was changed: upload the file again in a few minutes.",
            finished_at=timezone.now(),
            updated=timezone.now(),
        )


class ProgressWriter:
    """Writes a job's progress so the job page can follow it.

    Outside a transaction the write commits at once. Inside the import's write transaction
    its own connection could not be seen by others until the commit, so on PostgreSQL the
    write goes through a second connection, owned by one helper thread (Django connections
    are per thread). SQLite allows one writer at a time, so there the write phase reports
    nothing until it commits.
    """

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = -1
        self._executor: ThreadPoolExecutor | None = None

    def set(self, value: float) -> None:
        """Progress while reading and checking rows: no transaction is open, so it commits."""
        progress = self._advance(value)
        if progress is not None:
            ImportJob.objects.filter(pk=self.job_id).update(progress=progress)

    def set_during_write(self, value: float) -> None:
        """Progress from inside the write transaction: through the second connection."""
        progress = self._advance(value)
        if progress is None or connection.vendor != "postgresql":
            return
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-progress")
        self._executor.submit(self._write_elsewhere, progress)

    def _advance(self, value: float) -> int | None:
        progress = max(0, min(99, int(value)))
        if progress <= self.last:
            return None
        self.last = progress
        return progress

    def _write_elsewhere(self, progress: int) -> None:
        try:
            ImportJob.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                progress=progress
            )
        except Exception:  # noqa: BLE001 - progress is advisory; the import must go on
            logger.warning("Could not write import progress", exc_info=True)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.submit(connections.close_all)
            self._executor.shutdown(wait=True)
            self._executor = None


def _stale_after() -> timedelta:
    # Past the hard time limit the worker that claimed the job is certainly gone.
    return timedelta(seconds=int(getattr(settings, "CELERY_TASK_TIME_LIMIT", 1800)) + 60)


def import_claim(*, job_id: int) -> bool:
    """queued → running, once: a redelivered message finds the job taken and exits."""
    now = timezone.now()
    claimable = Q(status=JobStatus.QUEUED) | Q(
        status=JobStatus.RUNNING, started_at__lt=now - _stale_after()
    )
    claimed = (
        ImportJob.objects.filter(claimable, pk=job_id).update(
            status=JobStatus.RUNNING,
            started_at=now,
            finished_at=None,
            progress=0,
            errors=[],
            error="",
        )
        == 1
    )
    return claimed


def import_run(*, job_id: int) -> None:
    """Run a queued import job (called by the Celery task). Idempotent: see import_claim."""
    if not import_claim(job_id=job_id):
        logger.info("Import %s is not queued: skipped", job_id)
        return
    job = ImportJob.objects.get(pk=job_id)
    progress = ProgressWriter(job.pk)
    outcome = importers.Outcome()
    try:
        outcome = importers.import_file(job=job, progress=progress)
    except parsing.ImportFileError as exc:
        progress.close()
        _finish(job, outcome, status=JobStatus.FAILED, error=str(exc))
        return
    except IntegrityError as exc:
        progress.close()
        logger.warning("Import %s hit a constraint: %s", job_id, exc)
        _finish(
            job,
            importers.Outcome(total_rows=outcome.total_rows),
            status=JobStatus.FAILED,
            error="Some of these records were changed by someone else while the file was "
            "importing, so nothing was imported. Upload the file again.",
        )
        return
    except Exception as exc:  # noqa: BLE001 - any crash fails the job with its reason
        progress.close()
        logger.exception("Import %s crashed", job_id)
        _finish(
            job,
            importers.Outcome(total_rows=outcome.total_rows),
            status=JobStatus.FAILED,
            error=f"The import stopped because of an unexpected error "
            f"({exc.__class__.__name__}: {exc}). Nothing was changed.",
        )
        return
    progress.close()
    if outcome.errors and not job.dry_run:
        rejected = len(outcome.errors)
        _finish(
            job,
            importers.Outcome(total_rows=outcome.total_rows, errors=outcome.errors),
            status=JobStatus.FAILED,
            error=f"{rejected} row{'s were' if rejected != 1 else ' was'} rejected, so nothing "
            "was imported. Correct the rows listed and upload the file again.",
        )
        return
    _finish(job, outcome, status=JobStatus.DONE, error="")


def _finish(job: ImportJob, outcome: importers.Outcome, *, status: str, error: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        progress=100,
        total_rows=outcome.total_rows,
        created_count=outcome.created,
        updated_count=outcome.updated,
        unchanged_count=outcome.unchanged,
        errors=outcome.errors,
        error=error,
        finished_at=timezone.now(),
        updated=timezone.now(),
    )
