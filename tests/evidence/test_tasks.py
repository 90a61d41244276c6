"""Evidence summaries on a REAL Celery worker (a `celery -A config worker` subprocess) with
Redis and PostgreSQL: requested over the API, built by the worker; and a worker killed with
SIGKILL in the middle of a job leaves the summary to the next worker, which finishes it exactly
once.

The worker sees the rows this test commits because it is pointed at the pytest-django test
database (transactional tests: nothing is hidden in an open transaction). A test-only
environment variable makes the job sleep between progress steps so the kill lands mid-job.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from evidence.aggregation import Scope, build_result
from evidence.models import EvidenceSummary
from evidence.tasks import STEP_DELAY_ENV
from tests.factories import OrganisationFactory, UserFactory
from tests.factories_summaries import InsightFactory, InteractionFactory, taxonomy

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
CELERY = str(Path(sys.executable).with_name("celery"))
JAN = (date(2026, 1, 1), date(2026, 1, 31))


def _skip_without_services() -> None:
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs a Redis broker: set CELERY_BROKER_URL=redis://127.0.0.1:6379/<db>")
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a worker process must share the test database")


def _database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "postgres")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _redis():
    import redis

    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


class Worker:
    """A `celery -A config worker` subprocess in its own process group, logging to a file."""

    def __init__(self, tmp_path: Path, name: str, **env: str) -> None:
        self.log_path = tmp_path / f"{name}.log"
        self.name = f"{name}-{uuid.uuid4().hex[:6]}@%h"
        self.env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LOG_LEVEL": "INFO",
            "SECURE_SSL_REDIRECT": "0",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "Worker":
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                CELERY,
                "-A",
                "config",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                self.name,
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_for_log("ready.", timeout=60)
        return self

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for_log(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log:
                return
            if self.process and self.process.poll() is not None:
                raise AssertionError(f"the worker exited early:\n{self.log}")
            time.sleep(0.2)
        raise AssertionError(f"no {text!r} in the worker log after {timeout}s:\n{self.log}")

    def pool_children(self) -> list[int]:
        assert self.process is not None
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid …: comm may contain spaces, so split after the last ')'.
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.process.pid:
                children.append(int(entry.name))
        return children

    def kill_everything(self) -> None:
        """SIGKILL the whole worker (main process and pool): no chance to ack or give back."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill_everything()


@pytest.fixture
def workers(tmp_path):
    _skip_without_services()
    # A clean broker database: no message or unacknowledged delivery from an earlier run.
    client = _redis()
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")
    started: list[Worker] = []

    def start(name: str, **env: str) -> Worker:
        worker = Worker(tmp_path, name, **env).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")


@pytest.fixture
def evidence():
    themes = taxonomy()
    alpha = OrganisationFactory(name="Alpha Engineering Ltd", sic_codes=["25110"], employees=30)
    beta = OrganisationFactory(name="Beta Software Ltd", sic_codes=["62012"], employees=120)
    InteractionFactory(organisations=[alpha, beta], occurred_on=date(2026, 1, 5))
    InsightFactory(
        organisation=alpha,
        recorded_on=date(2026, 1, 5),
        themes=[themes["premises"], themes["housing"]],
        kind="barrier",
        severity=4,
        quote="No space to grow.",
    )
    InsightFactory(
        organisation=beta,
        recorded_on=date(2026, 1, 31),
        themes=[themes["recruitment"]],
        quote="We need developers.",
        attribution="named",
    )
    return themes


def _request_over_the_api(officer) -> int:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(officer)
    response = client.post(
        "/api/v1/summaries/",
        {"period_start": JAN[0].isoformat(), "period_end": JAN[1].isoformat()},
        format="json",
    )
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued"
    return int(response.json()["id"])


def _wait_for(summary_id: int, timeout: float, until) -> EvidenceSummary:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        summary = EvidenceSummary.objects.get(pk=summary_id)
        if until(summary):
            return summary
        time.sleep(0.1)
    raise AssertionError(
        f"summary {summary_id} never got there: {summary.status} {summary.progress}%"
    )


def _builds(summary_id: int, *logs: str) -> int:
    return sum(log.count(f"Summary {summary_id} built") for log in logs)


def _broker_is_empty() -> bool:
    client = _redis()
    return client.llen("celery") == 0 and client.hlen("unacked") == 0


def test_a_summary_requested_over_the_api_is_built_by_a_real_worker(workers, evidence):
    worker = workers("summaries-worker")
    officer = UserFactory(role="officer")
    summary_id = _request_over_the_api(officer)

    summary = _wait_for(summary_id, 60, lambda s: s.status in ("done", "failed"))

    assert summary.status == "done", summary.error
    assert summary.progress == 100
    assert summary.result == build_result(Scope(*JAN))
    assert summary.result["engaged_organisations"] == 2
    assert _builds(summary_id, worker.log) == 1
    _wait_until(_broker_is_empty, 10)


def test_a_pool_process_killed_mid_job_is_replaced_and_the_summary_built_once(workers, evidence):
    # The OOM killer's case: the process running the job dies; the worker rejects the message
    # (reject_on_worker_lost) so it comes back at once, marked redelivered.
    worker = workers("summaries-child-kill", **{STEP_DELAY_ENV: "1.0"})
    officer = UserFactory(role="officer")
    summary_id = _request_over_the_api(officer)
    running = _wait_for(summary_id, 60, lambda s: s.status == "running" and s.progress >= 25)
    first_claim = running.started_at
    [child] = worker.pool_children()
    os.kill(child, signal.SIGKILL)

    summary = _wait_for(summary_id, 90, lambda s: s.status in ("done", "failed"))

    assert summary.status == "done", summary.error
    assert summary.started_at > first_claim  # finished under the second claim
    assert summary.result == build_result(Scope(*JAN))
    assert "WorkerLostError" in worker.log or "SIGKILL" in worker.log
    assert _builds(summary_id, worker.log) == 1
    _wait_until(_broker_is_empty, 10)
    # Nothing delivers it again: a last look after the acknowledgement.
    time.sleep(2)
    assert _builds(summary_id, worker.log) == 1
    assert EvidenceSummary.objects.get(pk=summary_id).finished_at == summary.finished_at


def test_a_worker_killed_mid_job_leaves_the_summary_to_the_next_worker_exactly_once(
    workers, evidence
):
    # The whole worker is SIGKILLed (machine lost): the message stays unacknowledged in Redis
    # and is given back after the visibility timeout, which is above the hard time limit.
    limits = {
        "CELERY_VISIBILITY_TIMEOUT": "10",
        "CELERY_TASK_TIME_LIMIT": "8",
        "CELERY_TASK_SOFT_TIME_LIMIT": "7",
        STEP_DELAY_ENV: "0.5",
    }
    first = workers("summaries-first", **limits)
    officer = UserFactory(role="officer")
    summary_id = _request_over_the_api(officer)
    running = _wait_for(summary_id, 60, lambda s: s.status == "running" and s.progress >= 25)
    first_claim = running.started_at
    first.kill_everything()
    stuck = EvidenceSummary.objects.get(pk=summary_id)
    assert (stuck.status, stuck.result) == ("running", None)
    assert _redis().hlen("unacked") == 1  # the job's message, waiting for its timeout

    # The next worker starts once the visibility timeout has passed; it restores the message.
    time.sleep(11)
    second = workers("summaries-second", **limits)
    summary = _wait_for(summary_id, 60, lambda s: s.status in ("done", "failed"))

    assert summary.status == "done", summary.error
    assert summary.started_at > first_claim
    assert summary.result == build_result(Scope(*JAN))
    assert _builds(summary_id, first.log) == 0
    assert _builds(summary_id, second.log) == 1
    _wait_until(_broker_is_empty, 10)


def _wait_until(condition, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("condition never met")
