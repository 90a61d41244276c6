"""The public sign-up form end to end over real HTTP: a repeated sign-up with someone's email
must not hand out their cancel link (SPEC §2)."""

import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPResponse
from urllib.parse import urlencode, urljoin

import pytest
from django.core import mail
from django.db import connection

from engagement.models import Registration
from tests.factories_events import EventFactory, sign_up_data

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _needs_postgres(settings):
    if connection.vendor != "postgresql":
        if os.environ.get("PLACEVOICE_REQUIRE_SERVICES"):
            pytest.fail("PLACEVOICE_REQUIRE_SERVICES is set but the database is not PostgreSQL")
        pytest.skip("the end-to-end sign-up runs against PostgreSQL (set DATABASE_URL)")
    settings.SIGNUP_RATE_LIMIT = "100/m"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None  # every redirect is looked at by the test, not followed blindly


@dataclass
class Answer:
    status: int
    url: str
    headers: str
    body: str


@dataclass
class Browser:
    """A plain HTTP client keeping its own cookies: unlike http.cookiejar it also sends back
    cookies marked Secure over loopback HTTP, as a browser does for localhost."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)

    def fetch(self, path: str, data: dict[str, object] | None = None) -> list[Answer]:
        """GET (or POST `data`), following redirects; every answer on the way, last is final."""
        url = urljoin(self.base, path)
        body = urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body)
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        opener = urllib.request.build_opener(_NoRedirects)
        try:
            response: HTTPResponse = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:  # 3xx (not followed) and 4xx/5xx
            response = error  # type: ignore[assignment]
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        answer = Answer(
            status=response.status,
            url=url,
            headers=str(response.headers),
            body=response.read().decode(),
        )
        location = response.headers.get("Location")
        if answer.status in (301, 302, 303) and location:
            return [answer, *self.fetch(location)]
        return [answer]

    def sign_up(self, slug: str, data: dict[str, object]) -> list[Answer]:
        """Open the event page, then post its form with the page's CSRF token."""
        (page,) = self.fetch(f"/e/{slug}/")
        assert page.status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        assert token is not None
        form = {k: v for k, v in data.items() if v not in (None, False)}
        return self.fetch(f"/e/{slug}/", {**form, "csrfmiddlewaretoken": token.group(1)})


def test_a_repeated_sign_up_over_http_shows_no_cancel_token_and_re_sends_the_email(live_server):
    event = EventFactory(capacity=5)

    # The registrant signs up and sees their own confirmation (its address has their token).
    registrant = Browser(live_server.url)
    *_, first = registrant.sign_up(event.slug, sign_up_data(1, first_name="Zebedee"))
    registration = Registration.objects.get()
    assert first.status == 200
    assert "Your place is confirmed" in first.body
    assert registration.cancel_token in first.url
    assert len(mail.outbox) == 1

    # Someone else, knowing only the email address, posts the form again.
    stranger = Browser(live_server.url)
    answers = stranger.sign_up(
        event.slug, sign_up_data(1, first_name="Mallory", email="ADA1@Engines.Example")
    )
    final = answers[-1]
    assert [answer.status for answer in answers] == [200]  # answered, not redirected
    assert final.status == 200
    assert "You are already registered" in final.body
    for answer in answers:
        assert registration.cancel_token not in answer.url
        assert registration.cancel_token not in answer.headers
        assert registration.cancel_token not in answer.body
        assert "Zebedee" not in answer.body
    assert final.url.rstrip("/").endswith(f"/e/{event.slug}")

    assert Registration.objects.count() == 1
    assert len(mail.outbox) == 2
    resent = mail.outbox[1]
    assert resent.to == ["ada1@engines.example"]
    assert registration.cancel_token in resent.body
