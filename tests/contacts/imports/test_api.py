"""The imports API (SPEC §3 imports/): queue with 202, follow, refuse bad uploads."""

import pytest

from contacts.models import ImportJob, Organisation
from tests.contacts.imports.files import IMPORTS, upload

pytestmark = pytest.mark.django_db


def test_api_queues_an_import_with_202_and_get_follows_it(
    api_client_for, officer, django_capture_on_commit_callbacks
):
    client = api_client_for(officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            IMPORTS,
            {"file": upload("organisations_generic.csv"), "kind": "organisations"},
            format="multipart",
        )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert {"id", "status", "progress", "created", "updated", "errors"} <= set(body)
    assert (body["created"], body["updated"], body["errors"]) == (0, 0, [])

    for callback in callbacks:  # the worker picks it up after the commit
        callback()
    followed = client.get(f"{IMPORTS}{body['id']}/")
    assert followed.status_code == 200
    job = followed.json()
    assert job["status"] == "failed"
    assert job["progress"] == 100
    assert [error["line"] for error in job["errors"]] == [5, 6, 8, 9, 10, 11, 12]


def test_api_runs_a_dry_run_of_companies_house_data(
    api_client_for, officer, django_capture_on_commit_callbacks
):
    client = api_client_for(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            IMPORTS,
            {
                "file": upload("organisations_companies_house_valid.csv"),
                "kind": "organisations",
                "format": "companies_house",
                "dry_run": "true",
            },
            format="multipart",
        )
    assert response.status_code == 202
    job = client.get(f"{IMPORTS}{response.json()['id']}/").json()
    assert job["status"] == "done"
    assert (job["created"], job["updated"], job["unchanged"]) == (3, 0, 0)
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "organisations"}, "file"),
        ({"file": b"name\r\nA\r\n", "kind": "spaceships"}, "kind"),
        ({"file": b"first_name\r\nA\r\n", "kind": "people", "format": "companies_house"}, "format"),
        ({"file": b"", "kind": "organisations"}, "file"),
        ({"file": b"\xff\xfe\x00\xd8bad", "kind": "organisations"}, "file"),
        ({"file": b"town\r\nOxford\r\n", "kind": "organisations"}, "file"),
    ],
)
def test_api_answers_bad_uploads_with_400_naming_the_field(api_client_for, officer, data, field):
    if "file" in data:
        data = {**data, "file": upload("bad.csv", data["file"])}
    response = api_client_for(officer).post(IMPORTS, data, format="multipart")
    assert response.status_code == 400
    assert field in response.json()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("role", ["organiser", "growth_group", "anonymous"])
def test_api_lets_only_officers_import(role, users, api_client_for):
    response = api_client_for(users[role]).post(
        IMPORTS, {"file": upload("organisations_generic.csv"), "kind": "organisations"}
    )
    assert response.status_code in (401, 403)
    assert not ImportJob.objects.exists()


def test_api_lists_imports_in_the_same_number_of_queries_for_1_or_50(api_client_for, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(50):
        ImportJob.objects.create(
            kind="organisations", content="name\r\nA\r\n", file_name=f"{n}.csv", created_by=officer
        )
    client = api_client_for(officer)
    client.get(IMPORTS)  # the user's roles are read once, then cached on the user
    counts = {}
    for page_size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{IMPORTS}?page_size={page_size}")
        assert len(response.json()["results"]) == page_size
        counts[page_size] = len(queries)
        # The stored file never leaves the database for a list.
        assert not any('"content"' in q["sql"] for q in queries), [q["sql"] for q in queries]
    assert counts[1] == counts[50]
