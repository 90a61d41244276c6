"""The OpenAPI schema tells the truth (SPEC §3): it builds without a warning, and says which
fields are read, written or null and which error responses each operation can give.
scripts/schemathesis.sh checks it against a live server; these tests keep it fast to see."""

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.factories import UserFactory


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _component(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return schema["components"]["schemas"][name]


def _operation(schema: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    return schema["paths"][path][method]


def test_it_generates_the_schema_without_warnings(tmp_path: Path) -> None:
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi:")


def test_insight_themes_are_read_and_written(schema: dict[str, Any]) -> None:
    response = _component(schema, "Insight")["properties"]["themes"]
    request = _component(schema, "InsightRequest")["properties"]["themes"]

    assert response["type"] == "array"
    assert response["items"]["type"] == "string"
    assert not response.get("writeOnly")
    assert request["type"] == "array"
    assert "themes" in _component(schema, "InsightRequest")["required"]
    assert not _component(schema, "InsightRow")["properties"]["themes"].get("writeOnly")


def test_fields_that_read_as_null_are_nullable(schema: dict[str, Any]) -> None:
    sector = _component(schema, "Organisation")["properties"]["sector"]
    officer = _component(schema, "InteractionWithInsights")["properties"]["officer"]
    officer_in = _component(schema, "InteractionWithInsightsRequest")["properties"]["officer"]

    assert sector["nullable"] is True
    assert set(sector["properties"]) == {"code", "name"}
    assert officer["nullable"] is True
    # Sending null is refused: an interaction is recorded by someone.
    assert not officer_in.get("nullable")


def test_every_operation_documents_its_error_responses(schema: dict[str, Any]) -> None:
    public = ("/api/v1/public/", "/api/v1/auth/token/")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            if not path.startswith(public):
                assert {"401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "put", "patch"):
                assert "400" in codes, (method, path)
            for code in codes - {"200", "201", "202", "204"}:
                content = operation["responses"][code]["content"]
                assert "application/json" in content, (method, path, code)


def test_public_endpoints_document_their_rate_limit_and_no_sign_in(
    schema: dict[str, Any],
) -> None:
    sign_up = _operation(schema, "/api/v1/public/events/{slug}/registrations/", "post")
    token = _operation(schema, "/api/v1/auth/token/", "post")

    assert {"200", "201", "400", "404", "409", "429"} <= set(sign_up["responses"])
    assert "401" not in sign_up["responses"]
    assert "429" in token["responses"]


def test_lists_declare_page_size_limit_and_cursor(schema: dict[str, Any]) -> None:
    for path in ("/api/v1/organisations/", "/api/v1/interactions/"):
        parameters = {p["name"]: p for p in _operation(schema, path, "get")["parameters"]}
        assert parameters["page_size"]["schema"] == {
            "type": "integer",
            "minimum": 1,
            "maximum": 200,
        }
    for path in ("/api/v1/interactions/", "/api/v1/insights/", "/api/v1/actions/"):
        names = {p["name"] for p in _operation(schema, path, "get")["parameters"]}
        assert "cursor" in names
        assert "page" not in names


def test_exports_document_their_media_types(schema: dict[str, Any]) -> None:
    csv = _operation(schema, "/api/v1/summaries/{id}/export.csv", "get")["responses"]
    pdf = _operation(schema, "/api/v1/summaries/{id}/export.pdf", "get")["responses"]
    detail = _operation(schema, "/api/v1/summaries/{id}/", "get")["responses"]

    assert set(csv["200"]["content"]) == {"text/csv"}
    assert set(pdf["200"]["content"]) == {"application/pdf"}
    assert {"application/json", "text/csv", "application/pdf"} <= set(detail["200"]["content"])
    assert "409" in csv and "409" in pdf


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        [None, None],
        {"username": "someone", "password": ["x"]},
        {"username": "a\x00b", "password": "x"},
    ],
)
def test_the_token_endpoint_refuses_a_malformed_body_with_400(body: Any) -> None:
    UserFactory(username="someone")

    response = APIClient().post("/api/v1/auth/token/", body, format="json")

    assert response.status_code == 400
    assert isinstance(response.json(), dict)
