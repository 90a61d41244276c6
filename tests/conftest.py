"""Fixtures shared by every test: one user per role, API clients signed in as each."""

import os
from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import UserFactory

# Fixtures of the task-delivery tests (`broker_down`).
pytest_plugins = ["tests.brokers"]

ROLES = ("officer", "organiser", "growth_group", "admin")

# Under pytest-xdist each worker process has its own test database (pytest-django adds the
# worker id to its name); these give it its own broker database and cache keys too, so one
# worker's Celery worker never takes another's tasks (nor clears its unacknowledged ones) and
# one's cache clear never wipes the rate limits another test is counting.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _own_redis_database(url: str, worker_index: int) -> str:
    """The same Redis server, database number shifted by the worker's index (mod 16)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base + worker_index) % 16}"))


def pytest_configure(config: pytest.Config) -> None:
    if not XDIST_WORKER:
        return
    from django.conf import settings

    from config.celery import app

    index = int(XDIST_WORKER.removeprefix("gw") or 0)
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if broker.startswith("redis://"):
        broker = _own_redis_database(broker, index)
        # Celery reads the environment variable before its own setting.
        os.environ["CELERY_BROKER_URL"] = broker
        settings.CELERY_BROKER_URL = broker
        app.conf.broker_url = broker
    settings.CACHES["default"]["KEY_PREFIX"] = f"tests-{XDIST_WORKER}"


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> None:
    """Every factory user gets a hashed password; with production's PBKDF2 (a million
    iterations) that was about a third of a second per user and most of the suite's time.
    Tests check that passwords work, not how hard they are to crack."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _seeded_factories(request: pytest.FixtureRequest) -> None:
    """Faker's names and dates are the same on every run of a test (seeded by its id), so a
    name that breaks a comparison, an apostrophe say, breaks it every time, not by chance."""
    import factory.random

    factory.random.reseed_random(request.node.nodeid)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Rate limits and login throttles live in the cache; each test starts clean.
    from django.conf import settings
    from django.core.cache import cache

    prefix = settings.CACHES["default"].get("KEY_PREFIX")
    if prefix and "RedisCache" in settings.CACHES["default"]["BACKEND"]:
        # A shared Redis: clear only this worker's keys (clear() would flush the database).
        client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _tasks_in_process(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit tests run Celery tasks eagerly (still after commit, through on_commit), whatever
    CELERY_BROKER_URL says. Tests of task delivery itself, marked `celery_worker`, keep the
    real broker and a real worker.

    The change goes through the test's own `monkeypatch`, so it is undone in the same
    last-in-first-out order as any other change a test makes to the Celery configuration;
    a separate save-and-restore would be undone before the test's own changes and leave
    the next test eager."""
    from config.celery import app

    if not request.node.get_closest_marker("celery_worker"):
        monkeypatch.setitem(app.conf, "task_always_eager", True)


@pytest.fixture
def make_user(db: None) -> Callable[..., object]:
    def make(role: str | None = None, **kwargs: object) -> object:
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def officer(make_user):  # type: ignore[no-untyped-def]
    return make_user("officer", username="officer")


@pytest.fixture
def organiser(make_user):  # type: ignore[no-untyped-def]
    return make_user("organiser", username="organiser")


@pytest.fixture
def growth_member(make_user):  # type: ignore[no-untyped-def]
    return make_user("growth_group", username="growth")


@pytest.fixture
def admin_user(make_user):  # type: ignore[no-untyped-def]
    return make_user("admin", username="administrator")


@pytest.fixture
def users(officer, organiser, growth_member, admin_user):  # type: ignore[no-untyped-def]
    """Every role plus anonymous (None), keyed by role name."""
    return {
        "officer": officer,
        "organiser": organiser,
        "growth_group": growth_member,
        "admin": admin_user,
        "anonymous": None,
    }


@pytest.fixture
def api_client_for() -> Callable[[object | None], APIClient]:
    def make(user: object | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def client_for() -> Callable[[object | None], Client]:
    def make(user: object | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make
