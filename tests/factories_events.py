"""Factories for events and registrations."""

import datetime

import factory
import pytest
from django.utils import timezone

from engagement.models import Event, Registration
from tests.factories import OrganisationFactory, PersonFactory


def in_days(days: float, hour: int = 9) -> datetime.datetime:
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=30, second=0, microsecond=0)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Growth breakfast {n}")
    kind = "breakfast"
    starts_at = factory.LazyFunction(lambda: in_days(14, hour=8))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + datetime.timedelta(hours=2))
    venue_name = "Town Hall"
    venue_address = "St Aldate's, Oxford OX1 1BX"
    accessibility_info = "Step-free access; hearing loop in the main room."
    capacity = 10
    waitlist_enabled = True
    slug = factory.Sequence(lambda n: f"growth-breakfast-{n}")
    status = "published"


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(PersonFactory)
    organisation = factory.LazyAttribute(lambda r: r.person.organisation)
    email = factory.LazyAttribute(lambda r: r.person.email)
    status = "confirmed"
    waitlist_position = None


def sign_up_data(n: int = 0, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "first_name": "Ada",
        "last_name": f"Lovelace{n}",
        "email": f"ada{n}@engines.example",
        "organisation": f"Analytical Engines {n} Ltd",
        "job_title": "Director",
        "requirements": "",
        "marketing_consent": False,
    }
    data.update(overrides)
    return data


__all__ = [
    "EventFactory",
    "eager_tasks",
    "OrganisationFactory",
    "RegistrationFactory",
    "in_days",
    "sign_up_data",
]


@pytest.fixture
def eager_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run Celery tasks in-process for this test, whatever CELERY_BROKER_URL says (CI sets
    one): the email tests look at what was sent, not at the broker."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
