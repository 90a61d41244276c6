"""Import jobs through a real broker: a real Celery worker runs them, a message delivered
twice runs the import once, and a broker outage fails the job with a reason, never a 500."""

import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from config.celery import app as celery_app
from contacts import tasks
from contacts.models import ImportJob, Organisation
from core.models import JobStatus
from tests.brokers import require_broker, reset_producers

pytestmark = pytest.mark.django_db(transaction=True)

DATA = Path(__file__).parent.parent / "data"


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (DATA / name).read_bytes(), content_type="text/csv")


@pytest.fixture
def real_worker(monkeypatch):
    require_broker()
    from celery.contrib.testing.worker import start_worker

    # The default queue, as in production: Celery caches its queue and routing objects for
    # the life of the process, so switching queues here would misroute later tests' tasks.
    # Emptying it leaves the worker only this test's messages.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    reset_producers()
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        yield
    reset_producers()


def wait_for(job_id: int, *, seconds: float = 30) -> ImportJob:
    deadline = time.monotonic() + seconds
    job = ImportJob.objects.get(pk=job_id)
    while time.monotonic() < deadline and job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        time.sleep(0.2)
        job.refresh_from_db()
    return job


def test_a_broker_outage_fails_the_job_with_a_reason_not_a_500(
    broker_down, api_client_for, officer
):
    response = api_client_for(officer).post(
        "/api/v1/imports/",
        {
            "file": upload("organisations_companies_house_valid.csv"),
            "kind": "organisations",
            "format": "companies_house",
        },
        format="multipart",
    )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "failed"
    assert "task queue is unavailable" in body["error"]
    assert not Organisation.objects.exists()


@pytest.mark.celery_worker
def test_a_real_worker_runs_an_import_the_api_queued(real_worker, api_client_for, officer):
    client = api_client_for(officer)
    response = client.post(
        "/api/v1/imports/",
        {
            "file": upload("organisations_companies_house_valid.csv"),
            "kind": "organisations",
            "format": "companies_house",
        },
        format="multipart",
    )
    assert response.status_code == 202
    assert response.json()["status"] in ("queued", "running", "done")

    job = wait_for(response.json()["id"])
    followed = client.get(f"/api/v1/imports/{job.pk}/").json()
    assert followed["status"] == "done", followed
    assert (followed["created"], followed["updated"], followed["progress"]) == (3, 0, 100)
    assert Organisation.objects.count() == 3


@pytest.mark.celery_worker
def test_a_message_delivered_twice_imports_once(real_worker, officer):
    job = ImportJob.objects.create(
        kind="organisations",
        format="generic",
        file_name="twice.csv",
        content="name,company_number\r\nTwice Ltd,01111111\r\nOnce Only Ltd,\r\n",
        created_by=officer,
    )
    tasks.run_import.delay(job.pk)
    tasks.run_import.delay(job.pk)  # a redelivery, as after a lost acknowledgement

    job = wait_for(job.pk)
    time.sleep(1)  # let the second message be consumed too
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.created_count == 2
    # Without the claim the second run would have added "Once Only Ltd" again.
    assert Organisation.objects.count() == 2
