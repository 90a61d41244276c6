"""Bad input gets a clear answer, never a server error (SPEC §4): ids of ASCII digits only,
junk usernames and token bodies, NUL in searches and links, hand-made cursors, text
limits, ASCII digits in company numbers and dates between 1900 and 2100.

Each test here failed with a 500 (or stored the value) before the limits."""

import base64
from datetime import date

import pytest
from django.test import Client
from rest_framework.test import APIClient

from contacts import validators
from contacts.models import Organisation
from core import limits
from engagement.models import Interaction
from evidence.models import EvidenceSummary
from insights.models import Insight
from tests.factories import OrganisationFactory
from tests.factories_events import EventFactory, RegistrationFactory
from tests.factories_summaries import taxonomy

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def cursor(position: str) -> str:
    return base64.b64encode(f"p={position}".encode()).decode()


@pytest.fixture
def officer_client(officer) -> Client:  # type: ignore[no-untyped-def]
    client = Client(raise_request_exception=False)
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def officer_api(officer) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(officer)
    return client


# --- ids -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), ("0", 0), ("²", None), ("١٢٣", None), ("", None), (" 1", None), ("-1", None)]
    + [("1" * 19, None), (None, None), (["1"], None), ("1\x00", None)],
)
def test_parse_id_accepts_ascii_digits_only(value: object, expected: int | None) -> None:
    assert limits.parse_id(value) == expected


@pytest.mark.parametrize(
    "url",
    [
        "/log/?organisation=²",
        "/interactions/?before=²",
        "/insights/?before=²",
        "/organisations/merge/?ids=²",
        "/people/merge/?ids=²",
        "/people/new/?organisation=²",
    ],
)
def test_it_ignores_a_superscript_digit_in_an_id(officer_client: Client, url: str) -> None:
    assert officer_client.get(url).status_code < 500


def test_it_ignores_a_superscript_digit_in_a_merge_post(officer_client: Client) -> None:
    organisation = OrganisationFactory()
    response = officer_client.post(
        "/organisations/merge/", {"ids": ["²", str(organisation.pk)], "survivor": "²"}
    )
    assert response.status_code < 500


def test_it_ignores_a_superscript_digit_at_check_in(organiser) -> None:  # type: ignore[no-untyped-def]
    client = Client(raise_request_exception=False)
    client.force_login(organiser, backend="django.contrib.auth.backends.ModelBackend")
    event = EventFactory()
    assert client.post(f"/events/{event.pk}/check-in/", {"registration": "²"}).status_code < 500
    assert client.get(f"/events/{event.pk}/check-in/?q=%00").status_code == 200


# --- sign-in -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [[1, 2], "abc", 7, None, {"username": ["a"], "password": ["b"]}, {"username": {"a": 1}}]
    + [{"username": "a\x00b", "password": "secret"}, {"username": "officer", "password": 1.5}],
)
def test_the_token_endpoint_refuses_a_body_of_the_wrong_shape(body: object) -> None:
    client = APIClient(raise_request_exception=False)
    response = client.post(TOKEN, body, format="json")
    assert response.status_code == 400
    assert isinstance(response.json(), dict)


def test_a_very_long_username_is_a_failed_sign_in_on_the_token_endpoint() -> None:
    client = APIClient(raise_request_exception=False)
    response = client.post(TOKEN, {"username": "a" * 300, "password": "secret"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to sign in with those details."]}


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
@pytest.mark.parametrize("username", ["a" * 300, "a\x00b", "²" * 256])
def test_a_junk_username_is_a_failed_sign_in_on_every_login_form(url: str, username: str) -> None:
    client = Client(raise_request_exception=False)
    response = client.post(url, {"username": username, "password": "secret"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_axes_records_a_junk_username_fitted_to_its_column() -> None:
    assert limits.axes_username(None, {"username": "a\x00" * 300}) == "a" * 255
    assert limits.axes_username(None, {}) is None


def test_a_nul_in_a_cancel_link_is_not_found() -> None:
    RegistrationFactory()
    client = Client(raise_request_exception=False)
    assert client.get("/cancel/ab%00cd/").status_code == 404


# --- cursors -------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", ["actions", "interactions", "insights"])
@pytest.mark.parametrize("position", ["abc", "²", "1\x00", "2026-01-01"])
def test_a_hand_made_cursor_is_an_invalid_cursor(
    officer_api: APIClient, resource: str, position: str
) -> None:
    response = officer_api.get(f"/api/v1/{resource}/", {"cursor": cursor(position)})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor"}


def test_a_cursor_the_api_made_still_works(officer_api: APIClient) -> None:
    response = officer_api.get("/api/v1/actions/", {"cursor": cursor("12")})
    assert response.status_code == 200


# --- limits --------------------------------------------------------------------------------


def test_it_refuses_twenty_thousand_tags(officer_api: APIClient) -> None:
    response = officer_api.post(
        "/api/v1/organisations/",
        {"name": "Tagged Ltd", "tags": [f"tag {n}" for n in range(20_000)]},
        format="json",
    )
    assert response.status_code == 400
    assert "tags" in response.json()
    assert not Organisation.objects.filter(name="Tagged Ltd").exists()


def test_the_organisation_form_refuses_more_than_fifty_tags(officer_client: Client) -> None:
    tags = ", ".join(f"tag {n}" for n in range(limits.TAGS_MAX + 1))
    response = officer_client.post(
        "/organisations/new/", {"name": "Tagged Ltd", "kind": "business", "tags": tags}
    )
    assert response.status_code == 200
    assert not Organisation.objects.filter(name="Tagged Ltd").exists()


@pytest.mark.parametrize("number", ["١٢٣٤٥٦٧٨", "١٢٣٤٥٦٧", "SC١٢٣٤٥٦", "12345678\u0660"])
def test_a_company_number_has_ascii_digits(number: str) -> None:
    cleaned = validators.normalise_company_number(number)
    with pytest.raises(validators.ValidationError):
        validators.validate_company_number(cleaned)


def test_the_api_refuses_a_company_number_in_arabic_indic_digits(officer_api: APIClient) -> None:
    response = officer_api.post(
        "/api/v1/organisations/",
        {"name": "Digits Ltd", "company_number": "١٢٣٤٥٦٧٨"},
        format="json",
    )
    assert response.status_code == 400
    assert "company_number" in response.json()


def test_it_refuses_a_two_thousand_and_first_character_of_a_statement(
    officer_api: APIClient,
) -> None:
    taxonomy()
    organisation = OrganisationFactory()
    body = {
        "organisation": organisation.pk,
        "themes": ["premises"],
        "statement": "s" * (limits.STATEMENT_MAX + 1),
        "recorded_on": "2026-01-10",
    }
    response = officer_api.post("/api/v1/insights/", body, format="json")
    assert response.status_code == 400
    assert "statement" in response.json()
    quote = {**body, "statement": "Fine.", "quote": "q" * 1_000_000}
    response = officer_api.post("/api/v1/insights/", quote, format="json")
    assert response.status_code == 400
    assert "quote" in response.json()
    assert not Insight.objects.exists()


def test_it_refuses_notes_over_twenty_thousand_characters(officer_api: APIClient) -> None:
    organisation = OrganisationFactory()
    response = officer_api.post(
        "/api/v1/interactions/",
        {
            "organisations": [organisation.pk],
            "occurred_on": "2026-01-10",
            "title": "Visit",
            "notes": "n" * (limits.NOTES_MAX + 1),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "notes" in response.json()
    assert not Interaction.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_a_summary_period_lies_between_1900_and_2100(officer_api: APIClient, day: str) -> None:
    response = officer_api.post(
        "/api/v1/summaries/", {"period_start": day, "period_end": "2026-01-31"}, format="json"
    )
    assert response.status_code == 400
    assert "period_start" in response.json()
    assert not EvidenceSummary.objects.exists()


def test_the_summary_service_refuses_the_year_one(officer) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    from evidence import services as summaries

    with pytest.raises(ValidationError) as refused:
        summaries.summary_request(
            requested_by=officer, period_start=date(1, 1, 1), period_end=date(1, 1, 31)
        )
    assert "period_start" in refused.value.message_dict


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_an_insight_date_lies_between_1900_and_2100(officer_api: APIClient, day: str) -> None:
    taxonomy()
    response = officer_api.post(
        "/api/v1/insights/",
        {
            "organisation": OrganisationFactory().pk,
            "themes": ["premises"],
            "statement": "Fine.",
            "recorded_on": day,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "recorded_on" in response.json()
