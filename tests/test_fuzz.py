"""Fuzzing every form and API field with the values an outside probe used (SPEC §4): no
answer is a server error and nothing bad is stored.

The API's operations come from the OpenAPI schema, so a new endpoint is fuzzed without
touching this file; the HTML forms are listed by hand."""

from typing import Any
from urllib.parse import quote_plus

import pytest
from django.apps import apps
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.factories import OrganisationFactory, PersonFactory
from tests.factories_events import EventFactory
from tests.factories_summaries import taxonomy

pytestmark = pytest.mark.django_db

MEGABYTE = "x" * 1_000_000
# The megabyte goes into every field of a form or body at once: one request each.
BAD_DATES = ["0001-01-01", "9999-12-31", "²⁰²⁶-01-01"]
BAD_TEXT = ["a\x00b", "\ud800", "²", "١٢٣"]
BAD_JSON: list[Any] = [*BAD_TEXT, *BAD_DATES[:2], ["\x00"], {"a": 1}, 10**20, -1, True, None]
BAD_QUERY = [*BAD_TEXT, *BAD_DATES, "-1", str(10**9), MEGABYTE]
QUERY_PARAMS = ["q", "page", "page_size", "cursor", "before", "organisation", "ids"]


def encoded(fields: dict[str, str]) -> str:
    """Form encoding as a client would send it: a lone surrogate as the bytes it becomes
    (not valid UTF-8), which Django's own test client refuses to encode."""
    return "&".join(
        f"{quote_plus(name)}={quote_plus(value.encode('utf-8', 'surrogatepass'))}"
        for name, value in fields.items()
    )


FORM = "application/x-www-form-urlencoded"


def stored() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("contacts", "engagement", "insights")
        for model in apps.get_app_config(app).get_models()
    }


@pytest.fixture
def world(officer, admin_user):  # type: ignore[no-untyped-def]
    taxonomy()
    organisation = OrganisationFactory()
    person = PersonFactory(organisation=organisation)
    event = EventFactory()
    return {"organisation": organisation, "person": person, "event": event}


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, request-body properties) of every API operation in the schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {})
            media = body.get("application/json") or next(iter(body.values()), {})
            ref = media.get("schema", {}).get("$ref", "")
            properties = components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
            found.append((method.upper(), path, properties))
    return found


def concrete(path: str, world: dict[str, Any]) -> str:
    return (
        path.replace("{id}", str(world["organisation"].pk))
        .replace("{token}", "nope")
        .replace("{slug}", world["event"].slug)
    )


def test_no_api_field_given_a_bad_value_is_a_server_error(officer, admin_user, world) -> None:  # type: ignore[no-untyped-def]
    officer_client = APIClient(raise_request_exception=False)
    officer_client.force_authenticate(officer)
    admin_client = APIClient(raise_request_exception=False)
    admin_client.force_authenticate(admin_user)
    before = stored()
    failures = []
    for method, path, properties in operations():
        url = concrete(path, world)
        if method == "GET":
            for value in BAD_QUERY:
                query = encoded(dict.fromkeys(QUERY_PARAMS, value))
                if officer_client.get(f"{url}?{query}").status_code >= 500:
                    failures.append((method, url, "<query>", value[:20]))
            continue
        if method == "DELETE":
            continue
        # Admins may write what officers may not (the taxonomy): ask as whoever may.
        client = officer_client
        if officer_client.generic(method, url, data="{}").status_code == 403:
            client = admin_client
        bodies: list[Any] = [{name: value} for name in properties for value in BAD_JSON]
        bodies += [dict.fromkeys(properties, MEGABYTE), [1, 2], "abc", 7, None]
        for body in bodies:
            if client.generic(method, url, data=_json(body)).status_code >= 500:
                failures.append((method, url, repr(body)[:40]))
    assert failures == []
    assert stored() == before


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=True)


def test_the_generic_json_helper_keeps_lone_surrogates() -> None:
    assert _json("\ud800") == '"\\ud800"'


HTML_FORMS = [
    ("/login/", ["username", "password"]),
    ("/organisations/new/", ["name", "company_number", "sic_codes", "postcode", "tags", "town"]),
    ("/organisations/{organisation}/edit/", ["name", "company_number", "tags", "employees"]),
    ("/people/new/", ["first_name", "last_name", "email", "organisation", "consent_source"]),
    ("/people/{person}/edit/", ["first_name", "email", "job_title", "organisation"]),
    (
        "/log/",
        [
            "organisation",
            "organisation_search",
            "occurred_on",
            "title",
            "notes",
            "insights-TOTAL_FORMS",
            "insights-0-statement",
            "insights-0-quote",
            "actions-TOTAL_FORMS",
            "actions-0-description",
            "actions-0-due_on",
        ],
    ),
    ("/events/new/", ["title", "description", "starts_at", "ends_at", "capacity"]),
    ("/events/{event}/edit/", ["title", "accessibility_info", "starts_at", "capacity"]),
    ("/e/{slug}/", ["first_name", "email", "organisation", "company_number", "requirements"]),
    ("/events/{event}/check-in/", ["registration", "q"]),
    ("/reports/new/", ["period_start", "period_end", "themes", "local_authorities"]),
    ("/organisations/merge/", ["ids", "survivor"]),
]
PAGES = [
    "/organisations/",
    "/people/",
    "/interactions/",
    "/insights/",
    "/events/",
    "/events/calendar/",
    "/events/{event}/check-in/",
    "/reports/",
    "/log/",
]


def html(path: str, world: dict[str, Any]) -> str:
    return path.format(
        organisation=world["organisation"].pk,
        person=world["person"].pk,
        event=world["event"].pk,
        slug=world["event"].slug,
    )


def test_no_form_field_given_a_bad_value_is_a_server_error(officer, organiser, world) -> None:  # type: ignore[no-untyped-def]
    officer_client = Client(raise_request_exception=False)
    officer_client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    organiser_client = Client(raise_request_exception=False)
    organiser_client.force_login(organiser, backend="django.contrib.auth.backends.ModelBackend")
    anonymous = Client(raise_request_exception=False)
    before = stored()
    failures = []
    for path, fields in HTML_FORMS:
        url = html(path, world)
        client = (
            anonymous
            if path in ("/login/", "/e/{slug}/")
            else organiser_client
            if "check-in" in path or path.startswith("/events/")
            else officer_client
        )
        bodies = [{name: value} for name in fields for value in [*BAD_TEXT, *BAD_DATES]]
        bodies.append(dict.fromkeys(fields, MEGABYTE))
        for body in bodies:
            if client.post(url, encoded(body), content_type=FORM).status_code >= 500:
                failures.append((url, repr(body)[:40]))
    names = [*QUERY_PARAMS, "month", "occurred_after", "recorded_before", "starts_after"]
    for path in PAGES:
        url = html(path, world)
        for value in BAD_QUERY:
            query = encoded(dict.fromkeys(names, value))
            if officer_client.get(f"{url}?{query}").status_code >= 500:
                failures.append((url, "<query>", value[:20]))
    assert failures == []
    assert stored() == before
