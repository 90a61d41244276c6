"""Every email about a registration names the council and links the privacy notice; the
calendar invitation names the council as its organiser."""

import pytest
from icalendar import Calendar

from engagement import emails
from tests.factories_events import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _operator(settings):
    settings.OPERATOR_NAME = "West Oxfordshire District Council"
    settings.SITE_URL = "https://placevoice.example.gov.uk"


@pytest.mark.parametrize("kind", sorted(emails.KINDS))
def test_each_email_names_the_council_and_links_the_privacy_notice(kind):
    registration = RegistrationFactory(event=EventFactory(), status="confirmed")
    if kind == "waitlist":
        registration.status, registration.waitlist_position = "waitlisted", 1
    message = emails.build(registration, kind)
    assert "West Oxfordshire District Council" in message.body
    assert "https://placevoice.example.gov.uk/privacy/" in message.body


def test_the_invitation_names_the_council_as_organiser():
    calendar = Calendar.from_ical(emails.invitation(RegistrationFactory()))
    entry = next(component for component in calendar.walk("VEVENT"))
    assert entry["organizer"].params["CN"] == "West Oxfordshire District Council"
    assert "Run by West Oxfordshire District Council." in str(entry["description"])
