"""Shared pieces of the tests that exercise task delivery through a real (or missing) broker."""

import os
from collections.abc import Iterator

import kombu.pools
import pytest

from config.celery import app as celery_app

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def reset_producers() -> None:
    """Drop Celery's cached connection and producer pools, so the next publish uses the
    broker URL in force now."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def require_broker() -> None:
    """Skip without a broker, unless CI said the services must be there (then fail)."""
    if not os.environ.get("CELERY_BROKER_URL"):
        if os.environ.get("PLACEVOICE_REQUIRE_SERVICES"):
            pytest.fail("PLACEVOICE_REQUIRE_SERVICES is set but CELERY_BROKER_URL is not")
        pytest.skip("needs a broker: set CELERY_BROKER_URL=redis://…")


@pytest.fixture
def broker_down(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tasks are published (not run in-process) to a broker nobody listens on, with one quick
    retry, as in an outage."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", CLOSED_PORT_BROKER)
    # Celery reads the environment variable before its own setting.
    monkeypatch.setenv("CELERY_BROKER_URL", CLOSED_PORT_BROKER)
    monkeypatch.setitem(celery_app.conf, "broker_write_url", None)
    monkeypatch.setitem(
        celery_app.conf,
        "task_publish_retry_policy",
        {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1},
    )
    reset_producers()
    yield
    reset_producers()
