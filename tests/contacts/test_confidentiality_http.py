"""SPEC §1 end to end, over real HTTP on PostgreSQL: nobody can widen their own view of
confidential records. An officer signs in for a token and tries what a probe found
worked: making themselves an organisation's account manager (or a key account) to read its
confidential records, and merging an organisation into one they manage so its confidential
records come with it. Each is a 403 that changes nothing, and the records stay out of sight.
"""

import json
import os
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.db import connection

from contacts.models import Organisation
from engagement.models import Interaction
from insights.models import Insight
from tests.factories import OrganisationFactory, UserFactory
from tests.factories_capture import InsightFactory, InteractionFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


@pytest.fixture(autouse=True)
def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        if os.environ.get("PLACEVOICE_REQUIRE_SERVICES"):
            pytest.fail("PLACEVOICE_REQUIRE_SERVICES is set but the database is not PostgreSQL")
        pytest.skip("the end-to-end confidentiality tests run on PostgreSQL (set DATABASE_URL)")


class Api:
    """A plain HTTP client of the API, signed in with a token as an outside client would be."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        status, body = self.call(
            "POST", "/api/v1/auth/token/", {"username": username, "password": PASSWORD}
        )
        assert status == 200, body
        self.token = body["token"]

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if getattr(self, "token", None):
            request.add_header("Authorization", f"Token {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def ids(self, path: str) -> set[int]:
        status, body = self.call("GET", path)
        assert status == 200, body
        return {row["id"] for row in body["results"]}


@pytest.fixture
def world(live_server) -> dict[str, Any]:
    """A nosy officer, another officer who manages Secretive Widgets and wrote its
    confidential 1-2-1 and insight, and an admin."""
    nosy = UserFactory(role="officer", username="nosy")
    manager = UserFactory(role="officer", username="manager")
    admin = UserFactory(role="admin", username="boss")
    secretive = OrganisationFactory(name="Secretive Widgets", account_manager=manager)
    secret = InteractionFactory(
        officer=manager, organisations=[secretive], confidential=True, title="Takeover talks"
    )
    secret_insight = InsightFactory(
        organisation=secretive,
        created_by=manager,
        attribution="confidential",
        statement="Planning to relocate abroad",
    )
    return {
        "nosy": nosy,
        "manager": manager,
        "admin": admin,
        "secretive": secretive,
        "secret": secret,
        "secret_insight": secret_insight,
        "api": Api(live_server.url, "nosy"),
        "base": live_server.url,
    }


def _sees_secrets(api: Api, world: dict[str, Any]) -> bool:
    return (
        world["secret"].pk in api.ids("/api/v1/interactions/")
        or world["secret_insight"].pk in api.ids("/api/v1/insights/")
        or api.call("GET", f"/api/v1/interactions/{world['secret'].pk}/")[0] == 200
        or api.call("GET", f"/api/v1/insights/{world['secret_insight'].pk}/")[0] == 200
    )


def test_it_refuses_an_officer_making_themselves_account_manager_over_http(world):
    api, secretive, nosy = world["api"], world["secretive"], world["nosy"]
    path = f"/api/v1/organisations/{secretive.pk}/"
    assert not _sees_secrets(api, world)

    attempts = [
        ("PATCH", path, {"account_manager": nosy.pk}),
        ("PATCH", path, {"account_manager": None}),
        ("PATCH", path, {"key_account": True}),
        ("PUT", path, {"name": "Secretive Widgets", "account_manager": nosy.pk}),
        ("POST", "/api/v1/organisations/", {"name": "Mine Ltd", "account_manager": nosy.pk}),
        ("POST", "/api/v1/organisations/", {"name": "Mine Ltd", "key_account": True}),
    ]
    for method, url, body in attempts:
        status, answer = api.call(method, url, body)
        assert status == 403, (method, url, body, answer)
        assert "administrator" in answer["detail"]

    secretive.refresh_from_db()
    assert secretive.account_manager == world["manager"]
    assert secretive.key_account is False
    assert not Organisation.objects.filter(name="Mine Ltd").exists()
    assert not _sees_secrets(api, world)

    # Echoing the current values back is no change, so ordinary edits still work.
    status, answer = api.call(
        "PATCH", path, {"town": "Bicester", "account_manager": world["manager"].pk}
    )
    assert status == 200, answer
    status, answer = api.call("GET", path)
    status, answer = api.call("PUT", path, {**answer, "tags": [], "name": "Secretive Widgets Ltd"})
    assert status == 200, answer
    secretive.refresh_from_db()
    assert (secretive.town, secretive.name) == ("Bicester", "Secretive Widgets Ltd")
    assert secretive.account_manager == world["manager"]

    # An admin may.
    admin_api = Api(world["base"], "boss")
    status, answer = admin_api.call(
        "PATCH", path, {"account_manager": nosy.pk, "key_account": True}
    )
    assert status == 200, answer
    assert answer["account_manager"] == nosy.pk and answer["key_account"] is True


def test_it_refuses_an_officer_merging_confidential_records_into_their_own_account_over_http(
    world,
):
    api, secretive, nosy = world["api"], world["secretive"], world["nosy"]
    mine = OrganisationFactory(name="Nosy's Own Account", account_manager=nosy, key_account=True)
    assert not _sees_secrets(api, world)

    status, answer = api.call(
        "POST", f"/api/v1/organisations/{mine.pk}/merge/", {"duplicate": secretive.pk}
    )

    assert status == 403, answer
    assert "administrator must do it" in answer["detail"]
    assert Organisation.objects.filter(pk=secretive.pk).exists()
    assert list(Interaction.objects.get(pk=world["secret"].pk).organisations.all()) == [secretive]
    assert Insight.objects.get(pk=world["secret_insight"].pk).organisation == secretive
    assert not _sees_secrets(api, world)

    # The same merge by an admin goes ahead.
    admin_api = Api(world["base"], "boss")
    status, answer = admin_api.call(
        "POST", f"/api/v1/organisations/{mine.pk}/merge/", {"duplicate": secretive.pk}
    )
    assert status == 200, answer
    assert not Organisation.objects.filter(pk=secretive.pk).exists()
    assert Insight.objects.get(pk=world["secret_insight"].pk).organisation == mine
