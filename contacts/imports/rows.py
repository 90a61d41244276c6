"""One row of an import: its cells by column name, and their mapping onto an organisation or
a person, checked by the same normalisation and validators as the forms and API."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from contacts import sic, validators
from contacts.imports.parsing import (
    CH_ADDRESS_1,
    CH_ADDRESS_2,
    CH_CATEGORY,
    CH_NAME,
    CH_NUMBER,
    CH_POSTCODE,
    CH_SIC,
    CH_SOURCES,
    CH_STATUS,
    CH_TOWN,
)
from contacts.models import (
    ImportFormat,
    LawfulBasis,
    OrganisationKind,
    OrganisationStatus,
    Ownership,
    RuralUrban,
)
from core import limits


class RowError(Exception):
    """One cell's problem; the message names the column."""


@dataclass(frozen=True)
class Layout:
    """Where the columns PlaceVoice reads are in this file (other columns are not kept)."""

    indices: dict[str, int]  # lower-case column name → position
    names: dict[str, str]  # lower-case column name → as the file spells it
    width: int

    @classmethod
    def of(cls, headers: list[str], wanted: list[str]) -> Layout:
        wanted_lower = {name.lower() for name in wanted}
        indices = {
            header.lower(): index
            for index, header in enumerate(headers)
            if header.lower() in wanted_lower
        }
        names = {header.lower(): header for header in headers if header}
        return cls(indices=indices, names=names, width=len(headers))


class Row:
    """One record of the file, with its cells looked up by column name (ignoring case)."""

    __slots__ = ("line", "problems", "rejected_columns", "too_long", "values", "layout", "cells")

    def __init__(self, *, line: int, layout: Layout, cells: list[str]) -> None:
        self.line = line
        self.layout = layout
        self.problems: list[str] = []
        self.rejected_columns: set[str] = set()
        count = len(cells)
        self.cells = count
        self.too_long = count > layout.width and any(c.strip() for c in cells[layout.width :])
        self.values = {
            name: (cells[index].strip() if index < count else "")
            for name, index in layout.indices.items()
        }

    def has(self, column: str) -> bool:
        return column.lower() in self.values

    def get(self, column: str) -> str:
        return self.values.get(column.lower(), "")

    def column(self, column: str) -> str:
        """The column's name as the file spells it, for messages."""
        return self.layout.names.get(column.lower(), column)

    def reject(self, column: str | None, message: str) -> None:
        if column:
            self.rejected_columns.add(column.lower())
        self.problems.append(f"{self.column(column)}: {message}" if column else message)


def _parse_bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"yes", "y", "true", "t", "1", "x"}:
        return True
    if lowered in {"no", "n", "false", "f", "0"}:
        return False
    raise RowError("Enter yes or no")


def _parse_choice(value: str, choices: Sequence[tuple[str, str]]) -> str:
    wanted = re.sub(r"[\s\-]+", "_", value.strip().lower())
    for choice, label in choices:
        if wanted in (choice, re.sub(r"[\s\-]+", "_", str(label).lower())):
            return choice
    raise RowError("Use one of " + ", ".join(choice for choice, _ in choices))


def _parse_employees(value: str) -> int:
    count = limits.parse_id(value.replace(",", "").strip())
    if count is None:
        raise RowError("Enter a whole number of employees, 0 or more")
    return count


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,\s]+", value) if part.strip()]


def _parse_sic_codes(value: str) -> list[str]:
    codes = []
    for part in _split_list(value):
        code = sic.code_from_text(part) if re.fullmatch(r"[0-9]{4}", part) else part
        codes.append(code or part)
    return codes


def _parse_tags(value: str) -> list[str]:
    return sorted({part.strip()[:100] for part in value.split(";") if part.strip()})


_UPPER_WORDS = {"UK", "PLC", "LLP", "LP", "CIC", "CIO", "NHS", "IT", "II", "III", "R&D", "GB"}
_LOWER_WORDS = {"on", "upon", "in", "under", "the", "by", "and", "of", "le"}


def tidy_upper(value: str) -> str:
    """Companies House writes names and addresses in capitals: 'HENLEY-ON-THAMES' →
    'Henley-on-Thames', 'ACME UK LTD' → 'Acme UK Ltd'. Mixed-case text is left alone."""
    if not value or value != value.upper() or not any(c.isalpha() for c in value):
        return value

    def word(token: str, first: bool) -> str:
        if token.upper() in _UPPER_WORDS:
            return token.upper()
        if not first and token.lower() in _LOWER_WORDS:
            return token.lower()
        return token[:1].upper() + token[1:].lower()

    parts = re.split(r"([\s\-/(]+)", value)
    return "".join(
        part if index % 2 else word(part, index == 0) for index, part in enumerate(parts)
    )


def _ch_status(value: str) -> str:
    lowered = value.lower()
    if any(word in lowered for word in ("dissolved", "liquidation", "removed", "closed")):
        return OrganisationStatus.DISSOLVED
    return OrganisationStatus.ACTIVE


def _ch_ownership(value: str) -> str:
    lowered = value.lower()
    if "community interest" in lowered:
        return Ownership.SOCIAL_ENTERPRISE
    if "charitable" in lowered:
        return Ownership.CHARITY
    if "partnership" in lowered:
        return Ownership.PARTNERSHIP
    if "registered society" in lowered or "industrial and provident" in lowered:
        return Ownership.COOPERATIVE
    if "limited" in lowered or "company" in lowered:
        return Ownership.LIMITED_COMPANY
    return Ownership.OTHER


def model_problems(row: Row, instance: Model, exclude: list[str], sources: dict[str, str]) -> None:
    """The model's own field validators, as the forms and API run them (uniqueness is
    checked by the importer in bulk instead of one query per row). One message per column:
    a cell already rejected while reading it is not reported twice."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            column = sources.get(name, name) if name != "__all__" else None
            if column is not None and column.lower() in row.rejected_columns:
                continue
            row.reject(column, messages[0])


def unchecked_fields(model: type[Model], fields: set[str]) -> list[str]:
    """Fields the row did not set: already valid on a stored record, defaults on a new one,
    so the validators run only where the file changes something (the slow part of a row).
    Relations are resolved by the importer, never validated one query per row."""
    return [field.name for field in model._meta.concrete_fields if field.name not in fields]


def _putter(row: Row, values: dict[str, Any], sources: dict[str, str]) -> Callable[..., None]:
    """`put(field, column, parse)`: the cell's value, parsed, unless it is empty; a parse error
    rejects the cell."""

    def put(field_name: str, column: str, parse: Callable[[str], Any] | None = None) -> None:
        raw = row.get(column)
        if not raw:
            return
        sources[field_name] = column
        try:
            values[field_name] = parse(raw) if parse else raw
        except RowError as exc:
            row.reject(column, str(exc))

    return put


def organisation_values(
    row: Row, *, format: str
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """Field values the row gives (empty cells left out), the column each came from,
    and its tags."""
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    tags: list[str] = []

    put = _putter(row, values, sources)

    if format == ImportFormat.COMPANIES_HOUSE:
        put("name", CH_NAME, tidy_upper)
        put("company_number", CH_NUMBER, validators.normalise_company_number)
        address = ", ".join(
            tidy_upper(row.get(column))
            for column in (CH_ADDRESS_1, CH_ADDRESS_2)
            if row.get(column)
        )
        if address:
            values["address"], sources["address"] = address, CH_ADDRESS_1
        put("town", CH_TOWN, tidy_upper)
        put("postcode", CH_POSTCODE, validators.normalise_postcode)
        put("status", CH_STATUS, _ch_status)
        put("ownership", CH_CATEGORY, _ch_ownership)
        codes: list[str] = []
        for column in CH_SIC:
            text = row.get(column)
            if not text or text.lower().startswith("none supplied"):
                continue
            code = sic.code_from_text(text)
            if code is None or not sic.is_valid_code(code):
                row.reject(column, f"'{text}' does not start with a SIC 2007 code")
            elif code not in codes:
                codes.append(code)
            sources.setdefault("sic_codes", column)
        if codes:
            values["sic_codes"] = codes
        if not row.get(CH_NAME):
            row.reject(CH_NAME, "Enter the company's name")
        return values, {**CH_SOURCES, **sources}, tags
    put("name", "name")
    put("company_number", "company_number", validators.normalise_company_number)
    put("kind", "kind", lambda v: _parse_choice(v, OrganisationKind.choices))
    put("sic_codes", "sic_codes", _parse_sic_codes)
    put("employees", "employees", _parse_employees)
    put("ownership", "ownership", lambda v: _parse_choice(v, Ownership.choices))
    put("address", "address")
    put("town", "town")
    put("postcode", "postcode", validators.normalise_postcode)
    put("ward", "ward")
    put("local_authority", "local_authority")
    put("rural_urban", "rural_urban", lambda v: _parse_choice(v, RuralUrban.choices))
    put("key_account", "key_account", _parse_bool)
    put("status", "status", lambda v: _parse_choice(v, OrganisationStatus.choices))
    if row.get("tags"):
        tags = _parse_tags(row.get("tags"))
    if not row.get("name"):
        row.reject("name", "Enter the organisation's name")
    return values, sources, tags


def person_values(row: Row) -> tuple[dict[str, Any], dict[str, str]]:
    """Field values the row gives (empty cells left out) and the column each came from."""
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}

    put = _putter(row, values, sources)

    put("first_name", "first_name")
    put("last_name", "last_name")
    put("email", "email")
    put("phone", "phone")
    put("job_title", "job_title")
    put("lawful_basis", "lawful_basis", lambda v: _parse_choice(v, LawfulBasis.choices))
    put("marketing_consent", "marketing_consent", _parse_bool)
    put("do_not_contact", "do_not_contact", _parse_bool)
    if not row.get("first_name"):
        row.reject("first_name", "Enter the person's first name")
    return values, sources
