"""The personal-data retention rule (SPEC §4, contacts.privacy.retention): people with no
activity for PERSONAL_DATA_RETENTION_DAYS are anonymised by the same erasure as a request."""

import datetime
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from contacts.models import Person
from contacts.privacy import retention
from contacts.privacy.tasks import apply_retention as apply_retention_task
from engagement.models import Registration
from tests.factories import PersonFactory
from tests.factories_capture import InteractionFactory
from tests.factories_events import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

DAYS = 2190


def _age(person, days):
    """Make the person's record last change `days` ago (update() skips auto_now)."""
    Person.objects.filter(pk=person.pk).update(
        updated=timezone.now() - datetime.timedelta(days=days)
    )


@pytest.fixture
def people(settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = DAYS
    old = DAYS + 30
    stale = [PersonFactory(first_name="Stale", last_name=str(n)) for n in range(3)]
    fresh = PersonFactory(first_name="Fresh")
    do_not_contact = PersonFactory(first_name="Suppressed", do_not_contact=True)
    registered = PersonFactory(first_name="Registered")
    old_event = EventFactory(
        starts_at=timezone.now() - datetime.timedelta(days=old),
        ends_at=timezone.now() - datetime.timedelta(days=old) + datetime.timedelta(hours=2),
    )
    stale_place = RegistrationFactory(event=old_event, person=stale[0])
    RegistrationFactory(event=EventFactory(), person=registered)  # an event coming up
    met = PersonFactory(first_name="Met")
    InteractionFactory(people=[met], occurred_on=timezone.localdate() - datetime.timedelta(days=40))
    InteractionFactory(
        people=[stale[1]], occurred_on=timezone.localdate() - datetime.timedelta(days=old)
    )
    for person in [*stale, do_not_contact, registered, met]:
        _age(person, old)
    Registration.objects.filter(pk=stale_place.pk).update(
        updated=timezone.now() - datetime.timedelta(days=old)
    )
    _age(fresh, DAYS - 1)
    return {"stale": stale, "kept": [fresh, do_not_contact, registered, met]}


def test_a_dry_run_changes_nothing_and_names_exactly_the_stale(people):
    before = list(Person.objects.order_by("pk").values())
    entries = LogEntry.objects.count()

    run = retention.apply_retention(dry_run=True)

    assert sorted(run.person_ids) == sorted(p.pk for p in people["stale"])
    assert list(Person.objects.order_by("pk").values()) == before
    assert LogEntry.objects.count() == entries


def test_the_real_run_anonymises_exactly_the_stale(people):
    run = retention.apply_retention()

    assert sorted(run.person_ids) == sorted(p.pk for p in people["stale"])
    for person in people["stale"]:
        person.refresh_from_db()
        assert person.full_name == "Erased person" and person.email is None
        assert person.erased_at is not None
        erasure = LogEntry.objects.get_for_object(person).order_by("-pk").first()
        assert erasure.additional_data == {"erasure": "retention"} and erasure.actor is None
    for person in people["kept"]:
        person.refresh_from_db()
        assert person.erased_at is None and person.first_name != "Erased"
    # Erased people are not picked again.
    assert retention.apply_retention().count == 0


def test_zero_days_turns_the_rule_off(people, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 0
    run = retention.apply_retention()
    assert run.cutoff is None and run.count == 0
    assert not Person.objects.filter(erased_at__isnull=False).exists()


def test_the_command_dry_run_lists_ids_only(people):
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "would anonymise 3 people" in text
    for person in people["stale"]:
        assert f"person {person.pk}" in text
        assert person.email not in text
    assert not Person.objects.filter(erased_at__isnull=False).exists()


def test_the_command_anonymises(people):
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert "Anonymised 3 people" in out.getvalue()
    assert Person.objects.filter(erased_at__isnull=False).count() == 3


def test_the_monthly_task_is_scheduled_and_runs(people):
    entry = settings.CELERY_BEAT_SCHEDULE["contacts-personal-data-retention"]
    assert entry["task"] == apply_retention_task.name == "contacts.apply_retention"
    assert apply_retention_task.apply().get() == 3
    assert apply_retention_task.apply().get() == 0  # safe to run again
