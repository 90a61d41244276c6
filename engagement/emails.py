"""The emails sent about a registration, and the iCalendar (.ics) invitation they carry."""

import datetime
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as CalendarEvent

from engagement.models import Event, Registration

SUBJECTS = {
    "confirmation": "Your place is confirmed: {title}",
    "waitlist": "You are on the waiting list: {title}",
    "promotion": "Good news, a place has come up: {title}",
    "cancellation": "Your place is cancelled: {title}",
    "event_cancelled": "Event cancelled: {title}",
    "reminder": "Reminder, tomorrow: {title}",
}
# Emails for a confirmed place carry the invitation; cancellations carry its withdrawal.
WITH_INVITATION = {"confirmation", "promotion", "reminder"}
WITH_WITHDRAWAL = {"cancellation", "event_cancelled"}
KINDS = frozenset(SUBJECTS)


def privacy_url() -> str:
    return settings.SITE_URL + reverse("core:privacy-notice")


def event_url(event: Event) -> str:
    return settings.SITE_URL + reverse("engagement:public-event", kwargs={"slug": event.slug})


def cancel_url(registration: Registration) -> str:
    return settings.SITE_URL + reverse(
        "engagement:public-cancel", kwargs={"token": registration.cancel_token}
    )


def _location(event: Event) -> str:
    parts = [event.venue_name, event.venue_address]
    place = ", ".join(part for part in parts if part)
    return place or event.online_url or "Online"


def invitation(registration: Registration, *, cancelled: bool = False) -> bytes:
    """An iCalendar (RFC 5545) invitation for the registration's event. The UID is stable per
    registration, so a later cancellation replaces the entry in the person's calendar."""
    event = registration.event
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.OPERATOR_NAME} via PlaceVoice//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    entry = CalendarEvent()
    host = urlsplit(settings.SITE_URL).hostname or "placevoice"
    entry.add("uid", f"event-{event.pk}-registration-{registration.pk}@{host}")
    entry.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    entry.add("dtstart", event.starts_at.astimezone(datetime.UTC))
    entry.add("dtend", event.ends_at.astimezone(datetime.UTC))
    entry.add("summary", event.title)
    organiser = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organiser.params["cn"] = vText(settings.OPERATOR_NAME)
    entry.add("organizer", organiser)
    description = event.description
    if event.online_url:
        description = f"{description}\n\nJoin online: {event.online_url}".strip()
    if not cancelled:
        description = f"{description}\n\nCan't come? Cancel your place: {cancel_url(registration)}"
    description = f"{description}\n\nRun by {settings.OPERATOR_NAME}."
    entry.add("description", description.strip())
    entry.add("location", _location(event))
    entry.add("url", event_url(event))
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    entry.add("sequence", 1 if cancelled else 0)
    calendar.add_component(entry)
    ical: bytes = calendar.to_ical()
    return ical


def build(registration: Registration, kind: str) -> EmailMessage:
    """The email of `kind` (one of KINDS) for the registration, ready to send."""
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "person": registration.person,
        "starts_at": timezone.localtime(event.starts_at),
        "ends_at": timezone.localtime(event.ends_at),
        "location": _location(event),
        "event_url": event_url(event),
        "cancel_url": cancel_url(registration),
        "kind": kind,
        "operator_name": settings.OPERATOR_NAME,
        "privacy_url": privacy_url(),
    }
    body = render_to_string(f"emails/{kind}.txt", context)
    message = EmailMessage(
        subject=SUBJECTS[kind].format(title=event.title),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[registration.email],
    )
    if kind in WITH_INVITATION:
        message.attach("invitation.ics", invitation(registration), "text/calendar")
    elif kind in WITH_WITHDRAWAL:
        message.attach(
            "cancellation.ics", invitation(registration, cancelled=True), "text/calendar"
        )
    return message
