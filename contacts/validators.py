"""Validation and normalisation of UK identifiers used on organisations, and of dates."""

import re

from django.core.exceptions import ValidationError

from contacts import sic

# Companies House numbers: eight digits, or two letters then six digits (SC123456, OC…).
# ASCII digits only (SPEC §4): `\d` and `str.isdigit()` also accept Arabic-Indic digits.
_COMPANY_NUMBER = re.compile(r"^(?:[0-9]{8}|[A-Z]{2}[0-9]{6})$")
_DIGITS = re.compile(r"[0-9]+")
# UK postcode (outward + inward), including the GIR 0AA special case.
_POSTCODE = re.compile(
    r"^(?:GIR0AA|(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def normalise_company_number(value: str | None) -> str:
    """Upper-case, no spaces; a seven-digit number regains the leading zero spreadsheets drop."""
    cleaned = re.sub(r"\s+", "", value or "").upper()
    if _DIGITS.fullmatch(cleaned) and 6 <= len(cleaned) < 8:
        cleaned = cleaned.zfill(8)
    return cleaned


def validate_company_number(value: str) -> None:
    if value and not _COMPANY_NUMBER.match(value):
        raise ValidationError(
            "Enter a company number of 8 characters: 8 digits, or 2 letters then 6 digits, "
            "like 01234567 or SC123456",
            code="invalid_company_number",
        )


def normalise_postcode(value: str | None) -> str:
    """'ox11bx' → 'OX1 1BX'. Returns the input stripped and upper-cased when it is not valid,
    so the validator can say so."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if _POSTCODE.match(compact):
        return f"{compact[:-3]} {compact[-3:]}"
    return (value or "").strip().upper()


def validate_postcode(value: str) -> None:
    if value and not _POSTCODE.match(value.replace(" ", "")):
        raise ValidationError("Enter a real UK postcode, like OX1 1BX", code="invalid_postcode")


def validate_sic_codes(value: object) -> None:
    if value in (None, ""):
        return
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError("SIC codes must be a list of five-digit codes", code="invalid_sic")
    bad = [code for code in value if not sic.is_valid_code(code)]
    if bad:
        raise ValidationError(
            "%(codes)s is not a SIC 2007 code: use five digits, like 62012",
            params={"codes": ", ".join(bad)},
            code="invalid_sic",
        )
    if len(set(value)) != len(value):
        raise ValidationError("Each SIC code may appear only once", code="duplicate_sic")
    if len(value) > 4:
        raise ValidationError("An organisation has at most four SIC codes", code="too_many_sic")
