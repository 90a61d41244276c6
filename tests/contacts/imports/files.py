"""Import files for the tests: the samples in tests/contacts/data, or bytes built in a test."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

DATA = Path(__file__).parent.parent / "data"
IMPORTS = "/api/v1/imports/"


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    if content is None:
        content = (DATA / name).read_bytes()
    return SimpleUploadedFile(name, content, content_type="text/csv")


def csv_bytes(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


ORG_HEADER = "name,company_number,sic_codes,employees,postcode,tags"
PEOPLE_HEADER = "first_name,last_name,email,organisation_company_number"
