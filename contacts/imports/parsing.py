"""Reading an uploaded CSV file: its text encoding, its dialect, its header and the columns
each kind and format of import reads (see contacts.imports for the rules)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ValidationError

from contacts.models import ImportFormat, ImportKind

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
# Companies House Basic Company Data lists companies; its people (officers) are in another
# product, so a file of people is always in the PlaceVoice template.
COMPANIES_HOUSE_HOLDS_NO_PEOPLE = "Companies House data holds organisations, not people"

ORGANISATION_TEMPLATE_COLUMNS = [
    "name",
    "company_number",
    "kind",
    "sic_codes",
    "employees",
    "ownership",
    "address",
    "town",
    "postcode",
    "ward",
    "local_authority",
    "rural_urban",
    "tags",
    "key_account",
    "status",
]
PERSON_TEMPLATE_COLUMNS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "organisation_company_number",
    "organisation_name",
    "lawful_basis",
    "marketing_consent",
    "do_not_contact",
]
TEMPLATE_EXAMPLES = {
    ImportKind.ORGANISATIONS: [
        "Cowley Precision Engineering Ltd",
        "01234567",
        "business",
        "25620; 28490",
        "42",
        "limited_company",
        "Unit 4, Garsington Road",
        "Oxford",
        "OX4 2JY",
        "Cowley",
        "Oxford",
        "urban",
        "advanced manufacturing; automotive",
        "no",
        "active",
    ],
    ImportKind.PEOPLE: [
        "Priya",
        "Shah",
        "priya.shah@cowley-precision.example",
        "01865 000000",
        "Operations Director",
        "01234567",
        "",
        "public_task",
        "no",
        "no",
    ],
}
# Companies House Basic Company Data: the columns PlaceVoice reads (the rest are ignored).
CH_NAME = "CompanyName"
CH_NUMBER = "CompanyNumber"
CH_ADDRESS_1 = "RegAddress.AddressLine1"
CH_ADDRESS_2 = "RegAddress.AddressLine2"
CH_TOWN = "RegAddress.PostTown"
CH_POSTCODE = "RegAddress.PostCode"
CH_STATUS = "CompanyStatus"
CH_CATEGORY = "CompanyCategory"
CH_SIC = [f"SICCode.SicText_{n}" for n in range(1, 5)]
CH_COLUMNS = [
    CH_NAME,
    CH_NUMBER,
    CH_ADDRESS_1,
    CH_ADDRESS_2,
    CH_TOWN,
    CH_POSTCODE,
    CH_STATUS,
    CH_CATEGORY,
    *CH_SIC,
]

# Where each organisation field comes from in Companies House data, for messages.
CH_SOURCES = {
    "name": CH_NAME,
    "company_number": CH_NUMBER,
    "address": CH_ADDRESS_1,
    "town": CH_TOWN,
    "postcode": CH_POSTCODE,
    "status": CH_STATUS,
    "ownership": CH_CATEGORY,
    "sic_codes": CH_SIC[0],
}

REQUIRED_COLUMNS: dict[tuple[str, str], list[str]] = {
    (ImportKind.ORGANISATIONS, ImportFormat.GENERIC): ["name"],
    (ImportKind.ORGANISATIONS, ImportFormat.COMPANIES_HOUSE): [CH_NAME, CH_NUMBER],
    (ImportKind.PEOPLE, ImportFormat.GENERIC): ["first_name"],
}
KNOWN_COLUMNS: dict[tuple[str, str], list[str]] = {
    (ImportKind.ORGANISATIONS, ImportFormat.GENERIC): ORGANISATION_TEMPLATE_COLUMNS,
    (ImportKind.ORGANISATIONS, ImportFormat.COMPANIES_HOUSE): CH_COLUMNS,
    (ImportKind.PEOPLE, ImportFormat.GENERIC): PERSON_TEMPLATE_COLUMNS,
}


class ImportFileError(Exception):
    """The file as a whole cannot be imported (reported as the job's error)."""


def check_kind_and_format(*, kind: str, format: str) -> None:
    """Refuse a Companies House file of people: the form, the API and the upload all ask."""
    if kind == ImportKind.PEOPLE and format == ImportFormat.COMPANIES_HOUSE:
        raise ValidationError({"format": COMPANIES_HOUSE_HOLDS_NO_PEOPLE})


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def decode(raw: bytes) -> str:
    """Text of an uploaded file: UTF-8 (with or without a byte-order mark), UTF-16 with a
    byte-order mark, or Windows-1252 (what Excel's plain "CSV" writes on Windows)."""
    if raw[:4] == b"PK\x03\x04" or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ValidationError(
            {"file": "This is a spreadsheet workbook, not a CSV file: save it as 'CSV UTF-8'"}
        )
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            text = None
    else:
        text = None
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if text is None or "\x00" in text:
        raise ValidationError(
            {
                "file": "This file is not readable text in UTF-8 or Windows-1252: "
                "save it from your spreadsheet as 'CSV UTF-8'"
            }
        )
    return text.lstrip("\ufeff")


def _dialect_for(text: str) -> type[csv.Dialect]:
    # A spreadsheet set to a European locale writes semicolons; tabs come from "text" exports.
    first_line = text.split("\n", 1)[0]
    if "," not in first_line:
        if ";" in first_line:
            return _Semicolon
        if "\t" in first_line:
            return _Tab
    return csv.excel


class _Semicolon(csv.excel):
    delimiter = ";"


class _Tab(csv.excel):
    delimiter = "\t"


def clean_header(value: str) -> str:
    # Real Companies House files have a leading space in some names (" CompanyNumber").
    return value.replace("\ufeff", "").strip()


def records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) for each record; line 1 is the header (see the module docstring)."""
    reader = csv.reader(io.StringIO(text, newline=""), dialect=_dialect_for(text))
    line = 0
    try:
        for cells in reader:
            line += 1
            yield line, cells
    except csv.Error as exc:
        raise ImportFileError(
            f"Line {line + 1} is not valid CSV ({exc}). Check the quotes in that row."
        ) from exc


def read_header(text: str) -> list[str]:
    for _, cells in records(text):
        return [clean_header(cell) for cell in cells]
    return []


def check_header(*, headers: list[str], kind: str, format: str) -> None:
    """Refuse a file whose columns do not fit the chosen kind and format, saying what to do."""
    if not any(headers):
        raise ValidationError({"file": "The file is empty: it needs a header row of column names"})
    lower = [header.lower() for header in headers]
    seen: set[str] = set()
    for header in lower:
        if header and header in seen:
            raise ValidationError({"file": f"The column '{header}' appears twice in the header"})
        seen.add(header)
    looks_companies_house = {CH_NAME.lower(), CH_NUMBER.lower()} <= seen
    looks_people = "first_name" in seen and "name" not in seen
    looks_organisations = "name" in seen
    check_kind_and_format(kind=kind, format=format)
    if kind == ImportKind.PEOPLE:
        if looks_companies_house or (looks_organisations and "first_name" not in seen):
            raise ValidationError(
                {"file": "This looks like a file of organisations: choose 'Organisations'"}
            )
    elif format == ImportFormat.GENERIC and looks_companies_house:
        raise ValidationError(
            {
                "file": "This file has Companies House columns (CompanyName, CompanyNumber): "
                "choose the Companies House format"
            }
        )
    elif format == ImportFormat.COMPANIES_HOUSE and not looks_companies_house:
        if looks_organisations:
            raise ValidationError(
                {"file": "This file has the PlaceVoice template's columns: choose that format"}
            )
    elif looks_people:
        raise ValidationError({"file": "This looks like a file of people: choose 'People'"})
    key = (kind, format)
    missing = [name for name in REQUIRED_COLUMNS[key] if name.lower() not in seen]
    if missing:
        raise ValidationError(
            {
                "file": "The file is missing the column"
                + ("s " if len(missing) > 1 else " ")
                + ", ".join(f"'{name}'" for name in missing)
            }
        )
    if format == ImportFormat.GENERIC:
        known = {name.lower() for name in KNOWN_COLUMNS[key]}
        unknown = [header for header in headers if header and header.lower() not in known]
        if unknown:
            raise ValidationError(
                {
                    "file": "Unknown column"
                    + ("s " if len(unknown) > 1 else " ")
                    + ", ".join(f"'{name}'" for name in unknown)
                    + ". The template's columns are: "
                    + ", ".join(KNOWN_COLUMNS[key])
                }
            )


def template_csv(kind: str) -> str:
    """The generic template for `kind`: the header and one example row."""
    columns = (
        ORGANISATION_TEMPLATE_COLUMNS
        if kind == ImportKind.ORGANISATIONS
        else PERSON_TEMPLATE_COLUMNS
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerow(TEMPLATE_EXAMPLES[ImportKind(kind)])
    return out.getvalue()
