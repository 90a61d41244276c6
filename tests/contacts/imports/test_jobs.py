"""The life of an import job (contacts.imports.jobs): claimed once, reclaimed from a killed
worker, size limits, and progress while the write transaction is open."""

import pytest
from django.core.exceptions import ValidationError

from contacts import imports
from contacts.imports import importers
from contacts.models import ImportJob, Organisation
from core.models import JobStatus
from tests.contacts.imports.files import ORG_HEADER, csv_bytes, upload

pytestmark = pytest.mark.django_db


def test_it_claims_a_job_once_so_a_redelivered_message_does_nothing(run_import):
    job = run_import("orgs.csv", content=csv_bytes(ORG_HEADER, "Once Ltd,01111111,62012,1,,"))
    assert job.status == JobStatus.DONE
    ImportJob.objects.filter(pk=job.pk).update(created_count=42)

    imports.import_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.created_count == 42
    assert Organisation.objects.count() == 1


def test_it_reclaims_a_job_abandoned_by_a_killed_worker(
    run_import, django_capture_on_commit_callbacks, officer
):
    from datetime import timedelta

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):
        job = imports.import_request(
            upload=upload("orgs.csv", csv_bytes(ORG_HEADER, "Late Ltd,01111111,62012,1,,")),
            kind="organisations",
            format="generic",
            dry_run=False,
            user=officer,
        )
    hours_ago = timezone.now() - timedelta(hours=2)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=hours_ago)
    imports.import_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Organisation.objects.filter(name="Late Ltd").exists()


def test_it_refuses_a_file_over_the_size_limit(settings, officer):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as caught:
        imports.import_request(
            upload=upload("big.csv", b"name\r\n" + b"A long enough name\r\n" * 20),
            kind="organisations",
            format="generic",
            dry_run=False,
            user=officer,
        )
    assert "the limit is" in caught.value.message_dict["file"][0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_shows_progress_while_the_write_transaction_is_still_open(monkeypatch, officer):
    """Progress written during the all-or-nothing write goes through a second connection,
    so another connection (the job page) sees it before the import commits."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer: progress during the write shows at the commit")
    monkeypatch.setattr(importers, "BATCH_SIZE", 5)
    seen: list[tuple[int, int]] = []
    real_bulk_create = Organisation.objects.bulk_create

    def look_from_elsewhere(job_id):
        try:
            for _ in range(100):
                progress = ImportJob.objects.get(pk=job_id).progress
                if progress > importers._CHECK_SHARE:
                    seen.append((progress, Organisation.objects.count()))
                    return
                threading.Event().wait(0.02)
        finally:
            connections.close_all()

    def bulk_create_and_look(objs, *args, **kwargs):
        created = real_bulk_create(objs, *args, **kwargs)
        job_id = ImportJob.objects.get().pk
        watcher = threading.Thread(target=look_from_elsewhere, args=(job_id,))
        watcher.start()
        watcher.join()
        return created

    monkeypatch.setattr(Organisation.objects, "bulk_create", bulk_create_and_look)
    rows = [f"Org {n} Ltd,0400{n:04d},62012,1,," for n in range(20)]
    job = imports.import_request(
        upload=upload("orgs.csv", csv_bytes(ORG_HEADER, *rows)),
        kind="organisations",
        format="generic",
        dry_run=False,
        user=officer,
    )  # no surrounding transaction: the task runs in-process after the commit
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert seen, "another connection saw write-phase progress"
    progress, organisations_seen = seen[0]
    assert importers._CHECK_SHARE < progress < 100
    assert organisations_seen == 0  # the import's transaction had not committed yet
    assert Organisation.objects.count() == 20
