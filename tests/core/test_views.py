"""The privacy notice: public, naming the council and its data-protection contact, and
linked from the public sign-up page."""

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories_events import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _operator(settings):
    settings.OPERATOR_NAME = "Cherwell District Council"
    settings.DATA_PROTECTION_CONTACT = "dpo@cherwell.example.gov.uk"


def test_the_privacy_notice_is_public_and_names_who_holds_the_data():
    response = Client().get("/privacy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cherwell District Council" in html
    assert 'href="mailto:dpo@cherwell.example.gov.uk"' in html


def test_the_public_sign_up_page_links_the_privacy_notice_and_names_the_council():
    event = EventFactory(status="published", starts_at=timezone.now() + timezone.timedelta(days=9))
    html = Client().get(f"/e/{event.slug}/").content.decode()
    assert 'href="/privacy/"' in html
    assert "Cherwell District Council" in html
