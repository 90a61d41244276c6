"""Capacity under simultaneous sign-ups (SPEC §2), over real HTTP against the live server.

Each request is served by its own thread with its own PostgreSQL connection, so the row lock
in registration_create is what keeps the count right. The control replaces the lock with a
plain read (and a short pause, so the race is reliably hit) and shows the same load then
overbooks or collides: the test would catch a missing lock.
"""

import os
import time
from collections.abc import Iterator

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from demo.load import sign_up_burst
from engagement.models import Event, Registration
from engagement.services import events as event_services
from tests.factories_events import EventFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
]

SIGN_UPS = 200
PLACES = 50
CONCURRENCY = 40  # requests in flight, each on its own connection; PostgreSQL allows 100


@pytest.fixture(autouse=True)
def _needs_postgres(settings):
    if connection.vendor != "postgresql":
        if os.environ.get("PLACEVOICE_REQUIRE_SERVICES"):
            pytest.fail("PLACEVOICE_REQUIRE_SERVICES is set but the database is not PostgreSQL")
        pytest.skip("row locks under concurrency need PostgreSQL (set DATABASE_URL)")
    settings.SIGNUP_RATE_LIMIT = "100000/m"  # every request comes from 127.0.0.1


class _WideBacklogServer(ThreadedWSGIServer):
    # Django's server listens with a backlog of 10; a burst of connections beyond it is
    # reset by the kernel before Django sees it. A real deployment (gunicorn) listens wider.
    request_queue_size = 512


class _ServerThread(LiveServerThread):
    server_class = _WideBacklogServer


@pytest.fixture
def burst_server() -> Iterator[str]:
    """A live server like pytest-django's, that accepts a burst of connections."""
    thread = _ServerThread("127.0.0.1", _StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


def _outcome(event: Event) -> tuple[int, list[int]]:
    confirmed = Registration.objects.filter(event=event, status="confirmed").count()
    positions = sorted(
        Registration.objects.filter(event=event, status="waitlisted").values_list(
            "waitlist_position", flat=True
        )
    )
    return confirmed, positions


def test_200_simultaneous_sign_ups_fill_50_places_and_queue_150_in_order(burst_server):
    event = EventFactory(capacity=PLACES, waitlist_enabled=True)
    result = sign_up_burst(
        base_url=burst_server, slug=event.slug, count=SIGN_UPS, concurrency=CONCURRENCY
    )
    print("locked burst:", result.summary())
    assert result.errors == []
    assert result.statuses == {201: SIGN_UPS}
    confirmed, positions = _outcome(event)
    assert confirmed == PLACES
    assert positions == list(range(1, SIGN_UPS - PLACES + 1))
    answered = [
        body["waitlist_position"] for body in result.bodies if body["status"] == "waitlisted"
    ]
    assert sorted(answered) == positions
    assert sum(body["status"] == "confirmed" for body in result.bodies) == PLACES
    # Positions follow the order of arrival (commit order under the lock).
    by_position = list(
        Registration.objects.filter(event=event, status="waitlisted")
        .order_by("waitlist_position")
        .values_list("created", flat=True)
    )
    assert by_position == sorted(by_position)


def test_control_without_the_lock_the_same_load_overbooks(burst_server, monkeypatch):
    def unlocked(event_id: int) -> Event:
        event = Event.objects.get(pk=event_id)  # no SELECT … FOR UPDATE
        time.sleep(0.05)  # widen the window between reading the count and inserting
        return event

    monkeypatch.setattr(event_services, "_lock_event", unlocked)
    event = EventFactory(capacity=PLACES, waitlist_enabled=True)
    result = sign_up_burst(
        base_url=burst_server, slug=event.slug, count=SIGN_UPS, concurrency=CONCURRENCY
    )
    confirmed, positions = _outcome(event)
    collided = result.statuses.get(409, 0) + sum(
        n for status, n in result.statuses.items() if status >= 500
    )
    overbooked = confirmed > PLACES
    gaps_or_duplicates = positions != list(range(1, len(positions) + 1))
    assert overbooked or collided or gaps_or_duplicates, (
        f"no race detected: confirmed={confirmed}, statuses={dict(result.statuses)}"
    )
    assert overbooked, f"expected overbooking without the lock, got {confirmed} confirmed"


def test_the_benchmark_helper_reports_a_correct_run_and_cleans_up(burst_server):
    from demo.load import bench_sign_ups

    summary = bench_sign_ups(base_url=burst_server, count=40, capacity=10, concurrency=10)
    assert summary["correct"] is True
    assert (summary["confirmed"], summary["waitlisted"]) == (10, 30)
    assert summary["per_second"] > 0
    assert not Event.objects.exists()
    assert not Registration.objects.exists()
