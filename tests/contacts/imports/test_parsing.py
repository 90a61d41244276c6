"""Reading an import file (contacts.imports.parsing): encodings, dialects, headers, and
files refused with a message that says what to do."""

import pytest
from django.core.exceptions import ValidationError

from contacts import imports
from contacts.models import ImportJob, Organisation
from core.models import JobStatus
from tests.contacts.imports.files import upload

pytestmark = pytest.mark.django_db


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
