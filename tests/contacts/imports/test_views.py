"""The import pages: upload, follow a job, see every rejected row, download templates."""

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contacts import imports
from contacts.models import ImportJob, Organisation
from core.models import JobStatus

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent.parent / "data"
UPLOAD = "/imports/"


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    if content is None:
        content = (DATA / name).read_bytes()
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.mark.parametrize(
    ("role", "expected"),
    [("officer", 200), ("admin", 200), ("organiser", 403), ("growth_group", 403)],
)
def test_it_shows_the_upload_page_to_officers_only(role, expected, users, client_for):
    assert client_for(users[role]).get(UPLOAD).status_code == expected


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_it_says_plainly_that_an_import_is_all_or_nothing(client_for, officer):
    page = client_for(officer).get(UPLOAD).content.decode()
    assert "An import is all or nothing" in page
    assert "/imports/template-organisations.csv" in page
    assert "/imports/template-people.csv" in page


def test_it_uploads_a_file_and_shows_the_job(
    client_for, officer, django_capture_on_commit_callbacks
):
    client = client_for(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            UPLOAD,
            {
                "file": upload("organisations_companies_house_valid.csv"),
                "kind": "organisations",
                "format": "companies_house",
            },
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/{job.pk}/"
    assert Organisation.objects.count() == 3

    page = client.get(response["Location"]).content.decode()
    assert "Import complete: 3 added, 0 updated, 0 unchanged." in page
    assert "hx-get" not in page  # finished: no more polling


def test_it_lists_every_rejected_row_with_its_line_and_reason(
    client_for, officer, django_capture_on_commit_callbacks
):
    client = client_for(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            UPLOAD,
            {
                "file": upload("organisations_generic.csv"),
                "kind": "organisations",
                "format": "generic",
            },
        )
    job = ImportJob.objects.get()
    page = client.get(f"/imports/{job.pk}/").content.decode()

    assert "Nothing was imported" in page
    assert "An import is all or nothing" in page
    for error in job.errors:
        cell = f'govuk-table__header--numeric">{error["line"]}</th>'
        assert cell in page
    assert "company_number: The company number 01234567 is already on line 2 of this file" in page

    download = client.get(f"/imports/{job.pk}/rejected-rows.csv")
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["line", "problem"]
    assert [int(row[0]) for row in rows[1:]] == [5, 6, 8, 9, 10, 11, 12]


def test_it_shows_form_errors_for_a_bad_file_and_queues_nothing(client_for, officer):
    response = client_for(officer).post(
        UPLOAD, {"file": upload("empty.csv", b"\r\n"), "kind": "organisations", "format": "generic"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "The file is empty" in page
    assert 'href="#id_file"' in page
    assert not ImportJob.objects.exists()


def test_it_asks_for_the_missing_choices(client_for, officer):
    response = client_for(officer).post(UPLOAD, {})
    page = response.content.decode()
    assert "Choose a CSV file to import" in page
    assert "Choose organisations or people" in page


def test_it_refuses_people_from_companies_house_on_the_form(client_for, officer):
    response = client_for(officer).post(
        UPLOAD,
        {
            "file": upload("people.csv", b"first_name\r\nAnn\r\n"),
            "kind": "people",
            "format": "companies_house",
        },
    )
    assert "Companies House data holds organisations, not people" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_it_imports_a_checked_dry_run_for_real(
    client_for, officer, django_capture_on_commit_callbacks
):
    client = client_for(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            UPLOAD,
            {
                "file": upload("organisations_companies_house_valid.csv"),
                "kind": "organisations",
                "format": "companies_house",
                "dry_run": "true",
            },
        )
    dry_run = ImportJob.objects.get()
    page = client.get(f"/imports/{dry_run.pk}/").content.decode()
    assert "The file was checked and nothing was changed." in page
    assert "Import this file now" in page
    assert not Organisation.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/{dry_run.pk}/")
    real = ImportJob.objects.exclude(pk=dry_run.pk).get()
    assert response["Location"] == f"/imports/{real.pk}/"
    assert real.status == JobStatus.DONE and not real.dry_run
    assert Organisation.objects.count() == 3


def test_it_polls_progress_until_the_job_ends(
    client_for, officer, django_capture_on_commit_callbacks
):
    client = client_for(officer)
    with django_capture_on_commit_callbacks(execute=False):
        job = imports.import_request(
            upload=upload("orgs.csv", b"name\r\nA Ltd\r\n"),
            kind="organisations",
            format="generic",
            dry_run=False,
            user=officer,
        )
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert f'hx-get="/imports/{job.pk}/progress/"' in page
    assert 'aria-live="polite"' in page

    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress=40)
    panel = client.get(f"/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "Importing: 40% complete" in panel.content.decode()
    assert "HX-Refresh" not in panel

    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE, progress=100)
    panel = client.get(f"/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert panel["HX-Refresh"] == "true"


@pytest.mark.parametrize("kind", ["organisations", "people"])
def test_it_offers_a_template_that_imports_cleanly(
    kind, client_for, officer, django_capture_on_commit_callbacks
):
    from tests.factories import OrganisationFactory

    OrganisationFactory(company_number="01234567")
    client = client_for(officer)
    response = client.get(f"/imports/template-{kind}.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    header = next(csv.reader(io.StringIO(response.content.decode())))
    expected = (
        imports.ORGANISATION_TEMPLATE_COLUMNS
        if kind == "organisations"
        else imports.PERSON_TEMPLATE_COLUMNS
    )
    assert header == expected

    content = response.content
    if kind == "organisations":  # its example company number is taken by the factory's
        content = content.replace(b"01234567", b"07777777")
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.import_request(
            upload=upload("template.csv", content),
            kind=kind,
            format="generic",
            dry_run=True,
            user=officer,
        )
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.errors == []
    assert job.created_count == 1


def test_it_answers_404_for_an_unknown_template_or_job(client_for, officer):
    client = client_for(officer)
    assert client.get("/imports/template-spaceships.csv").status_code == 404
    assert client.get("/imports/999999/").status_code == 404


def test_the_organisation_and_people_lists_lead_officers_to_imports(client_for, officer, organiser):
    for url in ("/organisations/", "/people/"):
        assert 'href="/imports/"' in client_for(officer).get(url).content.decode()
        assert 'href="/imports/"' not in client_for(organiser).get(url).content.decode()
