"""Running an import (contacts.imports.importers, SPEC §2 Import): update or create,
derived fields and tags, dry runs, all-or-nothing, crashes that change nothing."""

import pytest
from auditlog.models import LogEntry

from contacts.imports import importers
from contacts.models import Organisation, Person, Tag
from core.models import JobStatus
from tests.contacts.imports.files import ORG_HEADER, PEOPLE_HEADER, csv_bytes
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


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
    monkeypatch.setattr(importers, "BATCH_SIZE", 2)
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
