"""Task delivery around a sign-up: a broker outage loses nothing (SPEC §4), and with a real
broker a real Celery worker sends the confirmation."""

import datetime
import logging
import time

import pytest
from django.core import mail
from django.utils import timezone

from config.celery import app as celery_app
from engagement import tasks
from engagement.models import Registration
from tests.brokers import require_broker, reset_producers
from tests.factories_events import EventFactory, sign_up_data

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_broker_outage_at_sign_up_time_loses_no_registration(
    broker_down, client, caplog, monkeypatch
):
    event = EventFactory(capacity=5)
    with caplog.at_level(logging.ERROR, logger="engagement.services.events"):
        response = client.post(
            f"/api/v1/public/events/{event.slug}/registrations/",
            sign_up_data(1),
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    assert response.json() == {"status": "confirmed", "waitlist_position": None}
    registration = Registration.objects.get(event=event)
    assert registration.status == "confirmed"
    assert registration.confirmation_sent_at is None
    assert "Could not queue the confirmation email" in caplog.text
    assert mail.outbox == []

    # The broker is back: the periodic sweep sends what was missed, once.
    monkeypatch.undo()
    reset_producers()
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    Registration.objects.filter(pk=registration.pk).update(
        updated=timezone.now() - datetime.timedelta(minutes=10)
    )
    assert tasks.resend_unsent_notices() == 1
    assert [m.subject for m in mail.outbox] == [f"Your place is confirmed: {event.title}"]
    registration.refresh_from_db()
    assert registration.confirmation_sent_at is not None
    assert tasks.resend_unsent_notices() == 0


def test_the_public_form_also_survives_a_broker_outage(broker_down, client):
    event = EventFactory(capacity=5)
    data = sign_up_data(2)
    data.pop("marketing_consent")
    response = client.post(f"/e/{event.slug}/", data)
    assert response.status_code == 302
    assert Registration.objects.filter(event=event, status="confirmed").count() == 1


@pytest.mark.celery_worker
def test_a_real_worker_sends_the_confirmation_through_the_broker(client, monkeypatch):
    require_broker()
    from celery.contrib.testing.worker import start_worker

    # The default queue, as in production. Celery caches its queue and routing objects, so
    # the test does not switch queues; it empties the default one so the worker only meets
    # this test's task (other tests publish emails nobody consumes).
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    reset_producers()
    celery_app.control.purge()
    event = EventFactory(capacity=5)
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        response = client.post(
            f"/api/v1/public/events/{event.slug}/registrations/",
            sign_up_data(3),
            content_type="application/json",
        )
        assert response.status_code == 201
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not mail.outbox:
            time.sleep(0.2)
    assert [m.subject for m in mail.outbox] == [f"Your place is confirmed: {event.title}"]
    assert Registration.objects.get(event=event).confirmation_sent_at is not None
