"""CSV imports (SPEC §2 Import, §3 imports/): rows reported by line, dry runs, update or
create, all-or-nothing, crashes that change nothing, and the API that queues and follows."""

from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from contacts import imports
from contacts.models import ImportJob, Organisation, Person, Tag
from core.models import JobStatus
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
IMPORTS = "/api/v1/imports/"


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    if content is None:
        content = (DATA / name).read_bytes()
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.fixture
def run_import(django_capture_on_commit_callbacks, officer):
    """Queue an import as the API does and run its task (in-process) after the commit."""

    def run(name, *, kind="organisations", format="generic", dry_run=False, content=None):
        with django_capture_on_commit_callbacks(execute=True):
            job = imports.import_request(
                upload=upload(name, content),
                kind=kind,
                format=format,
                dry_run=dry_run,
                user=officer,
            )
        job.refresh_from_db()
        return job

    return run


def csv_bytes(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


ORG_HEADER = "name,company_number,sic_codes,employees,postcode,tags"
PEOPLE_HEADER = "first_name,last_name,email,organisation_company_number"


def test_it_reports_every_malformed_generic_organisation_row_by_line(run_import):
    job = run_import("organisations_generic.csv")

    assert job.status == JobStatus.FAILED
    lines = {error["line"]: error["message"] for error in job.errors}
    # Line 3 holds a quoted name with a line break: still one line (one spreadsheet row), so
    # every later line number is the record's position, blank line 7 included.
    assert sorted(lines) == [5, 6, 8, 9, 10, 11, 12]
    assert lines[5].startswith("company_number: Enter a company number")
    assert lines[6].startswith("employees:")
    assert lines[8] == "postcode: Enter a real UK postcode, like OX1 1BX"
    assert lines[9].startswith("sic_codes: 04000 is not a SIC 2007 code")
    assert (
        lines[10] == "company_number: The company number 01234567 is already on line 2 of this file"
    )
    assert lines[11] == "name: Enter the organisation's name"  # once, not twice
    assert "kind:" in lines[12] and "rural_urban:" in lines[12] and "key_account:" in lines[12]
    assert job.total_rows == 10
    # All or nothing: three good rows, but nothing was imported.
    assert job.created_count == 0
    assert "7 rows were rejected, so nothing was imported" in job.error
    assert not Organisation.objects.exists()
    assert not Tag.objects.exists()


def test_it_reports_every_malformed_companies_house_row_by_line(run_import):
    job = run_import("organisations_companies_house.csv", format="companies_house")

    assert job.status == JobStatus.FAILED
    lines = {error["line"]: error["message"] for error in job.errors}
    assert sorted(lines) == [5, 6, 7, 8, 9]
    assert lines[5].startswith("RegAddress.PostCode: Enter a real UK postcode")
    assert lines[6].startswith("CompanyNumber: Enter a company number")
    assert lines[7] == "SICCode.SicText_1: 'Widgets and things' does not start with a SIC 2007 code"
    # A seven-digit number gains its lost leading zero, so it repeats line 2's.
    assert (
        lines[8] == "CompanyNumber: The company number 01234567 is already on line 2 of this file"
    )
    assert lines[9] == "CompanyName: Enter the company's name"
    assert not Organisation.objects.exists()


def test_it_reports_every_malformed_people_row_by_line(run_import):
    OrganisationFactory(company_number="01234567", name="Cowley Precision Engineering Ltd")
    OrganisationFactory(company_number="", name="Bicester Bio Labs Ltd")

    job = run_import("people_generic.csv", kind="people")

    assert job.status == JobStatus.FAILED
    lines = {error["line"]: error["message"] for error in job.errors}
    assert sorted(lines) == [4, 5, 6, 7, 8, 9]
    assert lines[4].startswith("email: Enter a valid email address")
    assert lines[5].startswith("first_name:")
    assert lines[6] == (
        "email: The email address priya.shah@cowley.example is already on line 2 of this file"
    )
    assert lines[7].startswith("organisation_company_number: No organisation has the company")
    assert lines[8].startswith("organisation_name: No organisation is called 'No Such Company'")
    assert "lawful_basis:" in lines[9] and "marketing_consent: Enter yes or no" in lines[9]
    assert not Person.objects.exists()


def test_it_imports_a_companies_house_file_mapping_its_columns(run_import):
    job = run_import("organisations_companies_house_valid.csv", format="companies_house")

    assert job.status == JobStatus.DONE, job.errors
    assert (job.created_count, job.updated_count, job.unchanged_count) == (3, 0, 0)
    cowley = Organisation.objects.get(company_number="01234567")
    assert cowley.name == "Cowley Precision Engineering Ltd"
    assert cowley.address == "Unit 4, Garsington Road"
    assert cowley.town == "Oxford"
    assert cowley.sic_codes == ["25620", "28490"]
    assert cowley.sector == {"code": "C", "name": "Manufacturing"}
    assert cowley.ownership == "limited_company"
    henley = Organisation.objects.get(company_number="SC123456")
    assert henley.town == "Henley-on-Thames"
    assert henley.postcode == "RG9 1AA"
    bakery = Organisation.objects.get(company_number="07654321")
    assert bakery.status == "dissolved"
    assert bakery.sic_codes == []  # "None Supplied"
    assert bakery.sector is None


def test_it_imports_the_generic_template_with_tags_and_derived_fields(run_import):
    content = csv_bytes(
        ORG_HEADER,
        "Cowley Precision Engineering Ltd,1234567,25620; 28490,42,ox42jy,automotive; advanced",
        'Oxford Widgets,,62012,3,OX1 1BX,"automotive"',
    )
    job = run_import("orgs.csv", content=content)

    assert job.status == JobStatus.DONE, job.errors
    assert job.created_count == 2
    cowley = Organisation.objects.get(company_number="01234567")
    assert cowley.postcode == "OX4 2JY"
    assert cowley.size_band == "small"
    assert cowley.sector_code == "C"
    assert cowley.name_normalised == "cowley precision engineering"
    assert sorted(cowley.tags.values_list("name", flat=True)) == ["advanced", "automotive"]
    assert Tag.objects.count() == 2
    assert job.progress == 100
    assert job.started_at and job.finished_at


def test_it_updates_or_creates_organisations_on_company_number(run_import):
    existing = OrganisationFactory(
        name="Cowley Precision", company_number="01234567", employees=5, ward="Cowley"
    )
    same = OrganisationFactory(name="Unchanged Ltd", company_number="02222222", employees=7)
    content = csv_bytes(
        ORG_HEADER,
        f"Cowley Precision,01234567,{existing.sic_codes[0]},60,,",
        f"Unchanged Ltd,02222222,{same.sic_codes[0]},7,{same.postcode},",
        "No Number Ltd,,62012,1,,",
        "No Number Ltd,,62012,1,,",  # no number: no match, so created twice
    )
    job = run_import("orgs.csv", content=content)

    assert job.status == JobStatus.DONE, job.errors
    assert (job.created_count, job.updated_count, job.unchanged_count) == (2, 1, 1)
    existing.refresh_from_db()
    assert existing.employees == 60
    assert existing.size_band == "medium"
    assert existing.ward == "Cowley"  # empty cells leave fields as they are
    assert Organisation.objects.filter(name="No Number Ltd").count() == 2
    # The audit trail says who created and changed what, through which import.
    entries = LogEntry.objects.get_for_model(Organisation).filter(
        additional_data__import_job=job.pk
    )
    assert entries.filter(action=LogEntry.Action.CREATE).count() == 2
    update = entries.get(action=LogEntry.Action.UPDATE)
    assert update.object_id == existing.pk
    assert update.actor == job.created_by
    assert update.changes["employees"] == ["5", "60"]
    assert update.changes["size_band"] == ["micro", "medium"]


def test_it_counts_new_tags_as_an_update(run_import):
    organisation = OrganisationFactory(company_number="01234567", employees=5)
    organisation.tags.add(Tag.objects.create(name="automotive"))
    content = csv_bytes(
        "name,company_number,tags", f"{organisation.name},01234567,automotive; life sciences"
    )
    job = run_import("orgs.csv", content=content)

    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 0)
    assert sorted(organisation.tags.values_list("name", flat=True)) == [
        "automotive",
        "life sciences",
    ]


def test_it_updates_or_creates_people_on_email_ignoring_case(run_import):
    organisation = OrganisationFactory(company_number="01234567")
    priya = PersonFactory(
        first_name="Priya", last_name="Sharma", email="priya@cowley.example", organisation=None
    )
    content = csv_bytes(
        PEOPLE_HEADER + ",marketing_consent",
        "Priya,Shah,PRIYA@Cowley.example,01234567,yes",
        "Tom,Evans,tom@cowley.example,1234567,no",
        "Nobody,,,,",
    )
    job = run_import("people.csv", kind="people", content=content)

    assert job.status == JobStatus.DONE, job.errors
    assert (job.created_count, job.updated_count, job.unchanged_count) == (2, 1, 0)
    priya.refresh_from_db()
    assert priya.last_name == "Shah"
    assert priya.email == "PRIYA@Cowley.example"
    assert priya.organisation == organisation
    # As the forms do: consent changes are timestamped, with where they came from.
    assert priya.marketing_consent is True
    assert priya.consent_recorded_at is not None
    assert priya.consent_source == "CSV import: people.csv"
    tom = Person.objects.get(email="tom@cowley.example")
    assert tom.organisation == organisation
    assert tom.consent_recorded_at is None
    assert Person.objects.count() == 3


def test_it_links_people_to_an_organisation_by_name(run_import):
    organisation = OrganisationFactory(name="The Bicester Bio Labs Ltd", company_number="")
    content = csv_bytes("first_name,organisation_name", "Tom,Bicester Bio Labs Limited")
    job = run_import("people.csv", kind="people", content=content)

    assert job.status == JobStatus.DONE, job.errors
    assert Person.objects.get(first_name="Tom").organisation == organisation


def test_it_changes_nothing_on_a_dry_run_but_says_what_would_change(run_import):
    existing = OrganisationFactory(company_number="01234567", employees=5)
    content = csv_bytes(
        ORG_HEADER,
        f"{existing.name},01234567,{existing.sic_codes[0]},80,,",
        "Brand New Ltd,02345678,62012,1,,new tag",
        "Broken Ltd,XX,62012,1,,",
    )
    job = run_import("orgs.csv", content=content, dry_run=True)

    assert job.status == JobStatus.DONE
    assert (job.created_count, job.updated_count, job.unchanged_count) == (1, 1, 0)
    assert [error["line"] for error in job.errors] == [4]
    existing.refresh_from_db()
    assert existing.employees == 5
    assert Organisation.objects.count() == 1
    assert not Tag.objects.exists()


def test_it_changes_nothing_when_the_import_crashes_part_way(run_import, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_SIZE", 2)
    existing = OrganisationFactory(company_number="01234567", employees=5)
    real_bulk_update = Organisation.objects.bulk_update
    calls = []

    def bulk_update_then_crash(objs, fields, **kwargs):
        calls.append(len(objs))
        real_bulk_update(objs, fields, **kwargs)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Organisation.objects, "bulk_update", bulk_update_then_crash)
    content = csv_bytes(
        ORG_HEADER,
        *(f"New {n} Ltd,0300000{n},62012,1,,cluster" for n in range(5)),
        f"{existing.name},01234567,{existing.sic_codes[0]},99,,",
    )
    job = run_import("orgs.csv", content=content)

    assert calls, "the crash was injected after some rows were written"
    assert job.status == JobStatus.FAILED
    assert "RuntimeError: disk on fire" in job.error
    assert "Nothing was changed" in job.error
    assert Organisation.objects.count() == 1
    existing.refresh_from_db()
    assert existing.employees == 5
    assert not Tag.objects.exists()
    assert not LogEntry.objects.filter(additional_data__import_job=job.pk).exists()


def test_it_claims_a_job_once_so_a_redelivered_message_does_nothing(run_import):
    job = run_import("orgs.csv", content=csv_bytes(ORG_HEADER, "Once Ltd,01111111,62012,1,,"))
    assert job.status == JobStatus.DONE
    ImportJob.objects.filter(pk=job.pk).update(created_count=42)

    imports.import_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.created_count == 42
    assert Organisation.objects.count() == 1


def test_it_reclaims_a_job_abandoned_by_a_killed_worker(
    run_import, django_capture_on_commit_callbacks, officer
):
    from datetime import timedelta

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):
        job = imports.import_request(
            upload=upload("orgs.csv", csv_bytes(ORG_HEADER, "Late Ltd,01111111,62012,1,,")),
            kind="organisations",
            format="generic",
            dry_run=False,
            user=officer,
        )
    hours_ago = timezone.now() - timedelta(hours=2)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=hours_ago)
    imports.import_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Organisation.objects.filter(name="Late Ltd").exists()


@pytest.mark.parametrize(
    ("content", "kind", "format", "message"),
    [
        (b"", "organisations", "generic", "The file is empty"),
        (b"\r\n\r\n", "organisations", "generic", "The file is empty"),
        (b"PK\x03\x04binary", "organisations", "generic", "spreadsheet workbook"),
        (b"name,\x00\x00", "organisations", "generic", "not readable text"),
        (
            b"town,postcode\r\nOxford,OX1 1BX\r\n",
            "organisations",
            "generic",
            "missing the column 'name'",
        ),
        (b"name,emploees\r\nA,1\r\n", "organisations", "generic", "Unknown column 'emploees'"),
        (
            b"CompanyName, CompanyNumber\r\nA,01234567\r\n",
            "organisations",
            "generic",
            "choose the Companies House format",
        ),
        (b"name,company_number\r\nA,1\r\n", "organisations", "companies_house", "template"),
        (b"first_name,email\r\nA,a@b.example\r\n", "organisations", "generic", "file of people"),
        (b"name,town\r\nA,Oxford\r\n", "people", "generic", "file of organisations"),
        (b"name,name\r\nA,B\r\n", "organisations", "generic", "appears twice"),
    ],
)
def test_it_refuses_a_bad_file_with_a_clear_message(content, kind, format, message, officer):
    with pytest.raises(ValidationError) as caught:
        imports.import_request(
            upload=upload("bad.csv", content), kind=kind, format=format, dry_run=False, user=officer
        )
    assert message in " ".join(caught.value.messages)
    assert not ImportJob.objects.exists()


def test_it_refuses_a_file_over_the_size_limit(settings, officer):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as caught:
        imports.import_request(
            upload=upload("big.csv", b"name\r\n" + b"A long enough name\r\n" * 20),
            kind="organisations",
            format="generic",
            dry_run=False,
            user=officer,
        )
    assert "the limit is" in caught.value.message_dict["file"][0]


def test_it_reads_windows_1252_and_byte_order_marks(run_import):
    cp1252 = "name,town\r\nCaf\u00e9 Ren\u00e9 Ltd,Oxford\r\n".encode("cp1252")
    job = run_import("cafe.csv", content=cp1252)
    assert job.status == JobStatus.DONE, job.errors
    bom = "\ufeffname,town\r\nZo\u00eb's Bakes,Witney\r\n".encode()
    job = run_import("zoe.csv", content=bom)
    assert job.status == JobStatus.DONE, job.errors
    assert set(Organisation.objects.values_list("name", flat=True)) == {
        "Caf\u00e9 Ren\u00e9 Ltd",
        "Zo\u00eb's Bakes",
    }


def test_it_fails_the_job_when_the_csv_breaks_further_down(run_import, settings):
    import csv

    content = (
        b'name,town\r\nGood Ltd,Oxford\r\n"' + b"x" * (csv.field_size_limit() + 10) + b'",A\r\n'
    )
    job = run_import("broken.csv", content=content)
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("Line 3 is not valid CSV")
    assert not Organisation.objects.exists()


def test_it_rejects_a_row_with_more_cells_than_the_header(run_import):
    job = run_import("wide.csv", content=csv_bytes("name,town", "A Ltd,Oxford,extra"))
    assert job.errors == [{"line": 2, "message": "This row has 3 cells but the header has 2"}]


# --- API ---------------------------------------------------------------------------------


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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_shows_progress_while_the_write_transaction_is_still_open(monkeypatch, officer):
    """Progress written during the all-or-nothing write goes through a second connection,
    so another connection (the job page) sees it before the import commits."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer: progress during the write shows at the commit")
    monkeypatch.setattr(imports, "BATCH_SIZE", 5)
    seen: list[tuple[int, int]] = []
    real_bulk_create = Organisation.objects.bulk_create

    def look_from_elsewhere(job_id):
        try:
            for _ in range(100):
                progress = ImportJob.objects.get(pk=job_id).progress
                if progress > imports._CHECK_SHARE:
                    seen.append((progress, Organisation.objects.count()))
                    return
                threading.Event().wait(0.02)
        finally:
            connections.close_all()

    def bulk_create_and_look(objs, *args, **kwargs):
        created = real_bulk_create(objs, *args, **kwargs)
        job_id = ImportJob.objects.get().pk
        watcher = threading.Thread(target=look_from_elsewhere, args=(job_id,))
        watcher.start()
        watcher.join()
        return created

    monkeypatch.setattr(Organisation.objects, "bulk_create", bulk_create_and_look)
    rows = [f"Org {n} Ltd,0400{n:04d},62012,1,," for n in range(20)]
    job = imports.import_request(
        upload=upload("orgs.csv", csv_bytes(ORG_HEADER, *rows)),
        kind="organisations",
        format="generic",
        dry_run=False,
        user=officer,
    )  # no surrounding transaction: the task runs in-process after the commit
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert seen, "another connection saw write-phase progress"
    progress, organisations_seen = seen[0]
    assert imports._CHECK_SHARE < progress < 100
    assert organisations_seen == 0  # the import's transaction had not committed yet
    assert Organisation.objects.count() == 20


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
