"""Rows of an import (contacts.imports.rows): every problem reported by line and column."""

import pytest

from contacts.models import Organisation, Person, Tag
from core.models import JobStatus
from tests.contacts.imports.files import csv_bytes
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


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


def test_it_rejects_a_row_with_more_cells_than_the_header(run_import):
    job = run_import("wide.csv", content=csv_bytes("name,town", "A Ltd,Oxford,extra"))
    assert job.errors == [{"line": 2, "message": "This row has 3 cells but the header has 2"}]


# --- API ---------------------------------------------------------------------------------
