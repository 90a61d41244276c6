"""Background jobs for events: registration emails, day-before reminders, and a sweep that
re-sends notices whose queuing failed (a broker outage at sign-up time).

Each task takes ids, is safe to run twice, and retries only transient (network/SMTP) errors.
A failed send never touches the registration itself: the sign-up was committed before.
"""

import datetime
import logging
import smtplib

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from engagement import emails
from engagement.models import Event, EventStatus, Registration, RegistrationStatus
from engagement.services import events as event_services

logger = logging.getLogger(__name__)

TRANSIENT = (smtplib.SMTPException, OSError, ConnectionError, TimeoutError)
# The email that tells a registration about its current status, and the status it is for.
STATUS_NOTICES = {
    "confirmation": RegistrationStatus.CONFIRMED,
    "promotion": RegistrationStatus.CONFIRMED,
    "waitlist": RegistrationStatus.WAITLISTED,
}


# Celery ships no type stubs, so its task decorator is untyped.
@shared_task(  # type: ignore[untyped-decorator]
    autoretry_for=TRANSIENT,
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=8,
    ignore_result=True,
)
def send_registration_email(registration_id: int, kind: str, again: bool = False) -> bool:
    """Send one email about a registration. Returns False when there is nothing to send: the
    registration is gone, or a status notice is out of date or (unless `again`, asked for by
    a repeated sign-up) was already sent."""
    if kind not in emails.KINDS:
        logger.error("Unknown registration email %r", kind)
        return False
    registration = (
        Registration.objects.select_related("event", "person").filter(pk=registration_id).first()
    )
    if registration is None:
        return False
    wanted_status = STATUS_NOTICES.get(kind)
    if wanted_status is not None and (
        registration.status != wanted_status
        or (registration.confirmation_sent_at is not None and not again)
    ):
        return False
    if kind == "reminder" and registration.status != RegistrationStatus.CONFIRMED:
        return False
    emails.build(registration, kind).send(fail_silently=False)
    if wanted_status is not None:
        event_services.registration_mark_notified(
            registration_id=registration.pk, status=wanted_status
        )
    return True


@shared_task(ignore_result=True)  # type: ignore[untyped-decorator]
def send_event_reminders() -> int:
    """Remind confirmed attendees of events starting within the next 24 hours. Each event is
    claimed once through Event.reminder_sent_at, so overlapping runs never send twice."""
    now = timezone.now()
    due = Event.objects.filter(
        status=EventStatus.PUBLISHED,
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + datetime.timedelta(hours=24),
    ).values_list("pk", flat=True)
    queued = 0
    for event_id in list(due):
        if not event_services.event_claim_reminder(event_id=event_id):
            continue
        registration_ids = Registration.objects.filter(
            event_id=event_id, status=RegistrationStatus.CONFIRMED
        ).values_list("pk", flat=True)
        for registration_id in registration_ids:
            send_registration_email.delay(registration_id, "reminder")
            queued += 1
    return queued


@shared_task(ignore_result=True)  # type: ignore[untyped-decorator]
def resend_unsent_notices(older_than_minutes: int = 5) -> int:
    """Queue again the confirmation or waitlist notice of registrations that have none sent
    after a few minutes (their queuing failed), for events that have not started."""
    now = timezone.now()
    pending = Registration.objects.filter(
        Q(status=RegistrationStatus.CONFIRMED) | Q(status=RegistrationStatus.WAITLISTED),
        confirmation_sent_at__isnull=True,
        updated__lte=now - datetime.timedelta(minutes=older_than_minutes),
        event__status=EventStatus.PUBLISHED,
        event__starts_at__gt=now,
    ).values_list("pk", "status")
    queued = 0
    for registration_id, status in pending[:1000]:
        kind = "confirmation" if status == RegistrationStatus.CONFIRMED else "waitlist"
        send_registration_email.delay(registration_id, kind)
        queued += 1
    return queued
