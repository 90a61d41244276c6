"""CSV import of organisations and people (SPEC §2 Import, §3 `imports/`).

Two formats of organisations (the PlaceVoice template and Companies House "Basic Company
Data") and one of people. An import is a background job (`contacts.tasks.run_import`) that
updates or creates: organisations by company number (a row without one is always created),
people by email compared ignoring case (a row without one is always created).

Decisions a user (and a reader) needs to know:

- **All or nothing.** If any row is rejected, nothing is imported: the job fails and lists
  every rejected row, the user fixes the file and uploads it again (re-uploading is safe,
  since rows already in the CRM come back as "unchanged"). A half-imported file is harder
  to reason about than none. A dry run checks the whole file, reports what would be created,
  updated and left unchanged, lists every rejected row, and changes nothing.
- **Line numbers** count the header as line 1 and every record after it as one line, blank
  lines included: the row number a spreadsheet shows. A quoted cell holding line breaks is
  still one line (so this is not always the line in a text editor).
- **Empty cells leave a field as it is** on an existing record; to clear a field, edit the
  record. Tags in a file are added to the organisation's tags, never removed.
- **Same rules as the forms and API**: rows are checked with the model's validators
  (`full_clean`, the same checks `contacts.services` runs) after the same normalisation
  (company numbers upper-cased and zero-padded, postcodes formatted like `OX1 1BX`, SIC codes
  from SIC 2007). A company number or email appearing twice in one file rejects the later row.
- **A crash changes nothing.** Rows are first read and checked without writing (progress is
  committed as it goes, so the job page can follow it); then every write happens inside one
  transaction, so an error part-way rolls everything back and the job is marked failed with
  the reason. While that transaction is open on PostgreSQL, progress is written through a
  second database connection; SQLite has a single writer, so there the page sees the write
  phase jump to 100 when it commits.
- **One run per job.** The task claims the job with a conditional update (queued → running),
  so a redelivered message does not run it twice. A job left `running` by a worker killed
  past the task's hard time limit is claimed again (its transaction was rolled back).
- **Bad files** (not UTF-8 or Windows-1252 text, empty, over the size limit, missing required
  columns, the other format's columns, unknown columns in the template) are refused when
  uploaded with a message saying what to do; a file that turns out to be malformed further
  down fails its job with the reason.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Model, Q
from django.db.models.functions import Lower
from django.utils import timezone

from contacts import services, sic, validators
from contacts.models import (
    ImportFormat,
    ImportJob,
    ImportKind,
    LawfulBasis,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Ownership,
    Person,
    RuralUrban,
    Tag,
    normalise_name,
)
from core import limits
from core.models import JobStatus

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 25 * 1024 * 1024
BATCH_SIZE = 500

# Progress: reading and checking rows fills 0–70 (0–99 on a dry run), writing 70–99.
_CHECK_SHARE = 70

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


class RowError(Exception):
    """One cell's problem; the message names the column."""


class ImportFileError(Exception):
    """The file as a whole cannot be imported (reported as the job's error)."""


# --- Reading the file ------------------------------------------------------------------


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


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
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
    for _, cells in _records(text):
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
    if kind == ImportKind.PEOPLE:
        if format == ImportFormat.COMPANIES_HOUSE:
            raise ValidationError(
                {"format": "Companies House data holds organisations, not people"}
            )
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


# --- Requesting an import ----------------------------------------------------------------


def import_request(*, upload: Any, kind: str, format: str, dry_run: bool, user: Any) -> ImportJob:
    """Check an uploaded CSV file's shape and queue its import. Problems with the file as a
    whole raise ValidationError (a 400 or a form error); problems with rows are the job's."""
    if kind not in ImportKind.values:
        raise ValidationError({"kind": "Choose organisations or people"})
    if format not in ImportFormat.values:
        raise ValidationError({"format": "Choose the PlaceVoice template or Companies House"})
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError({"file": _too_big(size, limit)})
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        raise ValidationError({"file": _too_big(len(raw), limit)})
    if not raw.strip():
        raise ValidationError({"file": "The file is empty"})
    text = decode(raw)
    try:
        headers = read_header(text)
    except ImportFileError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    check_header(headers=headers, kind=kind, format=format)
    return _queue(
        text=text,
        kind=kind,
        format=format,
        dry_run=dry_run,
        user=user,
        file_name=str(getattr(upload, "name", "") or "")[:255],
    )


def import_repeat(*, job: ImportJob, user: Any) -> ImportJob:
    """Import for real a file already checked by a dry run (its stored text, same options)."""
    if not job.dry_run or job.status != JobStatus.DONE:
        raise ValidationError("Only a finished dry run can be imported from its file")
    return _queue(
        text=job.content,
        kind=job.kind,
        format=job.format,
        dry_run=False,
        user=user,
        file_name=job.file_name,
    )


def _too_big(size: int, limit: int) -> str:
    return (
        f"The file is {size / 1024 / 1024:.1f} MB; the limit is {limit / 1024 / 1024:.0f} MB. "
        "Split it into smaller files."
    )


@transaction.atomic
def _queue(
    *, text: str, kind: str, format: str, dry_run: bool, user: Any, file_name: str
) -> ImportJob:
    from contacts import tasks

    job = ImportJob.objects.create(
        kind=kind,
        format=format,
        dry_run=dry_run,
        file_name=file_name,
        content=text,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    transaction.on_commit(lambda: _start(job.pk, tasks.run_import))
    return job


def _start(job_id: int, task: Any) -> None:
    """Hand the committed job to a worker. If the broker cannot take it, say so on the job
    rather than leave it queued for ever (or answer the upload with a server error)."""
    try:
        task.delay(job_id)
    except Exception:  # noqa: BLE001 - any broker failure; the job records it
        logger.exception("Could not queue import %s", job_id)
        ImportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.FAILED,
            error="The import could not be started because the task queue is unavailable. "
            "Nothing was changed: upload the file again in a few minutes.",
            finished_at=timezone.now(),
            updated=timezone.now(),
        )


# --- Running an import -------------------------------------------------------------------


@dataclass
class Outcome:
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


class ProgressWriter:
    """Writes a job's progress so the job page can follow it.

    Outside a transaction the write commits at once. Inside the import's write transaction
    its own connection could not be seen by others until the commit, so on PostgreSQL the
    write goes through a second connection, owned by one helper thread (Django connections
    are per thread). SQLite allows one writer at a time, so there the write phase reports
    nothing until it commits.
    """

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = -1
        self._executor: ThreadPoolExecutor | None = None

    def set(self, value: float) -> None:
        """Progress while reading and checking rows: no transaction is open, so it commits."""
        progress = self._advance(value)
        if progress is not None:
            ImportJob.objects.filter(pk=self.job_id).update(progress=progress)

    def set_during_write(self, value: float) -> None:
        """Progress from inside the write transaction: through the second connection."""
        progress = self._advance(value)
        if progress is None or connection.vendor != "postgresql":
            return
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-progress")
        self._executor.submit(self._write_elsewhere, progress)

    def _advance(self, value: float) -> int | None:
        progress = max(0, min(99, int(value)))
        if progress <= self.last:
            return None
        self.last = progress
        return progress

    def _write_elsewhere(self, progress: int) -> None:
        try:
            ImportJob.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                progress=progress
            )
        except Exception:  # noqa: BLE001 - progress is advisory; the import must go on
            logger.warning("Could not write import progress", exc_info=True)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.submit(connections.close_all)
            self._executor.shutdown(wait=True)
            self._executor = None


def _stale_after() -> timedelta:
    # Past the hard time limit the worker that claimed the job is certainly gone.
    return timedelta(seconds=int(getattr(settings, "CELERY_TASK_TIME_LIMIT", 1800)) + 60)


def import_claim(*, job_id: int) -> bool:
    """queued → running, once: a redelivered message finds the job taken and exits."""
    now = timezone.now()
    claimable = Q(status=JobStatus.QUEUED) | Q(
        status=JobStatus.RUNNING, started_at__lt=now - _stale_after()
    )
    claimed = (
        ImportJob.objects.filter(claimable, pk=job_id).update(
            status=JobStatus.RUNNING,
            started_at=now,
            finished_at=None,
            progress=0,
            errors=[],
            error="",
        )
        == 1
    )
    return claimed


def import_run(*, job_id: int) -> None:
    """Run a queued import job (called by the Celery task). Idempotent: see import_claim."""
    if not import_claim(job_id=job_id):
        logger.info("Import %s is not queued: skipped", job_id)
        return
    job = ImportJob.objects.get(pk=job_id)
    progress = ProgressWriter(job.pk)
    outcome = Outcome()
    try:
        outcome = _import(job=job, progress=progress)
    except ImportFileError as exc:
        progress.close()
        _finish(job, outcome, status=JobStatus.FAILED, error=str(exc))
        return
    except IntegrityError as exc:
        progress.close()
        logger.warning("Import %s hit a constraint: %s", job_id, exc)
        _finish(
            job,
            Outcome(total_rows=outcome.total_rows),
            status=JobStatus.FAILED,
            error="Some of these records were changed by someone else while the file was "
            "importing, so nothing was imported. Upload the file again.",
        )
        return
    except Exception as exc:  # noqa: BLE001 - any crash fails the job with its reason
        progress.close()
        logger.exception("Import %s crashed", job_id)
        _finish(
            job,
            Outcome(total_rows=outcome.total_rows),
            status=JobStatus.FAILED,
            error=f"The import stopped because of an unexpected error "
            f"({exc.__class__.__name__}: {exc}). Nothing was changed.",
        )
        return
    progress.close()
    if outcome.errors and not job.dry_run:
        rejected = len(outcome.errors)
        _finish(
            job,
            Outcome(total_rows=outcome.total_rows, errors=outcome.errors),
            status=JobStatus.FAILED,
            error=f"{rejected} row{'s were' if rejected != 1 else ' was'} rejected, so nothing "
            "was imported. Correct the rows listed and upload the file again.",
        )
        return
    _finish(job, outcome, status=JobStatus.DONE, error="")


def _finish(job: ImportJob, outcome: Outcome, *, status: str, error: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        progress=100,
        total_rows=outcome.total_rows,
        created_count=outcome.created,
        updated_count=outcome.updated,
        unchanged_count=outcome.unchanged,
        errors=outcome.errors,
        error=error,
        finished_at=timezone.now(),
        updated=timezone.now(),
    )


def _import(*, job: ImportJob, progress: ProgressWriter) -> Outcome:
    records = _records(job.content)
    header_line = next(records, None)
    if header_line is None:
        raise ImportFileError("The file is empty")
    headers = [clean_header(cell) for cell in header_line[1]]
    try:
        check_header(headers=headers, kind=job.kind, format=job.format)
    except ValidationError as exc:
        raise ImportFileError(" ".join(exc.messages)) from exc
    layout = Layout.of(headers, KNOWN_COLUMNS[(job.kind, job.format)])
    rows: list[Row] = []
    for line, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        rows.append(Row(line=line, layout=layout, cells=cells))
    if not rows:
        raise ImportFileError("The file has a header row but no rows of data")
    importer: _Importer
    if job.kind == ImportKind.PEOPLE:
        importer = _PersonImporter(job)
    else:
        importer = _OrganisationImporter(job)
    outcome = Outcome(total_rows=len(rows))
    check_share = 99 if job.dry_run else _CHECK_SHARE
    for start in range(0, len(rows), BATCH_SIZE):
        batch = rows[start : start + BATCH_SIZE]
        importer.check_batch(batch, outcome)
        progress.set(check_share * min(len(rows), start + BATCH_SIZE) / len(rows))
    outcome.created = len(importer.creates)
    outcome.updated = len(importer.updates)
    outcome.errors.sort(key=lambda error: error["line"])
    if job.dry_run or outcome.errors:
        return outcome
    with transaction.atomic():
        importer.write(
            lambda done: progress.set_during_write(_CHECK_SHARE + (99 - _CHECK_SHARE) * done),
        )
    return outcome


# --- Rows --------------------------------------------------------------------------------


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


def _model_problems(row: Row, instance: Model, exclude: list[str], sources: dict[str, str]) -> None:
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


def _unchecked(model: type[Model], fields: set[str]) -> list[str]:
    """Fields the row did not set: already valid on a stored record, defaults on a new one,
    so the validators run only where the file changes something (the slow part of a row).
    Relations are resolved by the importer, never validated one query per row."""
    return [field.name for field in model._meta.concrete_fields if field.name not in fields]


def _audit_value(value: Any) -> str:
    return "None" if value is None else str(value)


def _snapshot(instance: Model, fields: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in fields}


class _Importer:
    """Checks rows in batches, then writes the accepted ones in bulk."""

    model: type[Model]
    tracked: Sequence[str]

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.creates: list[Any] = []
        self.updates: list[Any] = []
        self.changed_fields: set[str] = set()
        self.update_changes: list[dict[str, list[str]]] = []
        self.seen_keys: dict[str, int] = {}

    def check_batch(self, rows: list[Row], outcome: Outcome) -> None:
        raise NotImplementedError

    def write(self, report: Callable[[float], None]) -> None:
        raise NotImplementedError

    def _reject_width(self, row: Row) -> None:
        if row.too_long:
            row.reject(
                None, f"This row has {row.cells} cells but the header has {row.layout.width}"
            )

    def _duplicate_in_file(self, row: Row, key: str, column: str, label: str) -> bool:
        first = self.seen_keys.get(key)
        if first is not None:
            row.reject(column, f"The {label} {key} is already on line {first} of this file")
            return True
        self.seen_keys[key] = row.line
        return False

    def _record(
        self,
        row: Row,
        outcome: Outcome,
        instance: Any,
        before: dict[str, Any] | None,
        extra_change: bool,
    ) -> None:
        if row.problems:
            outcome.errors.append({"line": row.line, "message": "; ".join(row.problems)})
            return
        if before is None:
            self.creates.append(instance)
            return
        after = _snapshot(instance, self.tracked)
        changed = {name for name in self.tracked if after[name] != before[name]}
        if changed or extra_change:
            self.changed_fields |= changed
            self.updates.append(instance)
            self.update_changes.append(
                {name: [_audit_value(before[name]), _audit_value(after[name])] for name in changed}
            )
        else:
            outcome.unchanged += 1

    def _bulk_write(self, report: Callable[[float], None], extra_steps: int = 0) -> None:
        now = timezone.now()
        steps = max(1, len(self.creates) + len(self.updates) + extra_steps)
        done = 0
        for start in range(0, len(self.creates), BATCH_SIZE):
            batch = self.creates[start : start + BATCH_SIZE]
            self.model._default_manager.bulk_create(batch)
            done += len(batch)
            report(done / steps)
        fields = sorted(self.changed_fields) + ["updated"]
        for start in range(0, len(self.updates), BATCH_SIZE):
            batch = self.updates[start : start + BATCH_SIZE]
            for instance in batch:
                instance.updated = now
            self.model._default_manager.bulk_update(batch, fields)
            done += len(batch)
            report(done / steps)
        self._audit()

    def _audit(self) -> None:
        """Bulk writes send no signals, so the audit trail (SPEC §4: who changed what) is
        written here, as django-auditlog would: one entry per record, by the uploader."""
        content_type = ContentType.objects.get_for_model(self.model)
        actor = self.job.created_by
        extra = {"import_job": self.job.pk, "file_name": self.job.file_name}
        entries = [
            LogEntry(
                content_type=content_type,
                object_pk=str(instance.pk),
                object_id=instance.pk,
                object_repr=str(instance)[:1000],
                action=LogEntry.Action.CREATE,
                changes={
                    name: ["None", _audit_value(getattr(instance, name))]
                    for name in self.tracked
                    if getattr(instance, name) not in (None, "", [])
                },
                actor=actor,
                additional_data=extra,
            )
            for instance in self.creates
        ] + [
            LogEntry(
                content_type=content_type,
                object_pk=str(instance.pk),
                object_id=instance.pk,
                object_repr=str(instance)[:1000],
                action=LogEntry.Action.UPDATE,
                changes=changes,
                actor=actor,
                additional_data=extra,
            )
            for instance, changes in zip(self.updates, self.update_changes, strict=True)
        ]
        LogEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)


class _OrganisationImporter(_Importer):
    model = Organisation
    tracked = (
        "name",
        "name_normalised",
        "company_number",
        "kind",
        "sic_codes",
        "sector_code",
        "employees",
        "size_band",
        "ownership",
        "address",
        "town",
        "postcode",
        "ward",
        "local_authority",
        "rural_urban",
        "key_account",
        "status",
    )

    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        # Tags to add, by organisation (the instance; new ones have no id until written).
        self.new_tags: list[tuple[Organisation, list[str]]] = []
        # SPEC §1: only admins set the account fields, in a file as anywhere else.
        self.sets_account_fields = services.is_unrestricted(job.created_by)

    def _values(self, row: Row) -> tuple[dict[str, Any], dict[str, str], list[str]]:
        """Field values the row gives (empty cells left out), the column each came from,
        and its tags."""
        values: dict[str, Any] = {}
        sources: dict[str, str] = {}
        tags: list[str] = []

        def put(field_name: str, column: str, parse: Callable[[str], Any] | None = None) -> None:
            raw = row.get(column)
            if not raw:
                return
            sources[field_name] = column
            try:
                values[field_name] = parse(raw) if parse else raw
            except RowError as exc:
                row.reject(column, str(exc))

        if self.job.format == ImportFormat.COMPANIES_HOUSE:
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

    def check_batch(self, rows: list[Row], outcome: Outcome) -> None:
        parsed = []
        numbers = set()
        for row in rows:
            self._reject_width(row)
            values, sources, tags = self._values(row)
            if values.get("company_number"):
                numbers.add(values["company_number"])
            parsed.append((row, values, sources, tags))
        existing = {
            organisation.company_number: organisation
            for organisation in Organisation.objects.filter(company_number__in=numbers)
        }
        # The tags the matched organisations have, in one query, only if the rows add any.
        tags_held: dict[int, set[str]] = {}
        if existing and any(tags for _, _, _, tags in parsed):
            through = Organisation.tags.through
            for organisation_id, tag_name in through.objects.filter(
                organisation_id__in=[org.pk for org in existing.values()]
            ).values_list("organisation_id", "tag__name"):
                tags_held.setdefault(organisation_id, set()).add(tag_name)
        number_column = (
            CH_NUMBER if self.job.format == ImportFormat.COMPANIES_HOUSE else "company_number"
        )
        for row, values, sources, tags in parsed:
            number = values.get("company_number", "")
            if number and self._duplicate_in_file(row, number, number_column, "company number"):
                outcome.errors.append({"line": row.line, "message": "; ".join(row.problems)})
                continue
            match = existing.get(number) if number else None
            if not self.sets_account_fields:
                for name in services.account_fields_changed(organisation=match, data=values):
                    row.reject(
                        sources.get(name, name),
                        f"{services.ACCOUNT_FIELDS_ADMIN_ONLY}: leave this column empty",
                    )
            before = _snapshot(match, self.tracked) if match else None
            instance = match or Organisation()
            for name, value in values.items():
                setattr(instance, name, value)
            instance.refresh_derived()
            _model_problems(row, instance, _unchecked(Organisation, {"name", *values}), sources)
            new_tags = tags
            if match is not None:
                have = tags_held.get(match.pk, set())
                new_tags = [tag for tag in tags if tag not in have]
            if not row.problems and new_tags:
                self.new_tags.append((instance, new_tags))
            self._record(row, outcome, instance, before, extra_change=bool(new_tags))
            if new_tags and self.updates and self.updates[-1] is instance:
                self.update_changes[-1]["tags"] = ["", "added " + "; ".join(new_tags)]

    def write(self, report: Callable[[float], None]) -> None:
        self._bulk_write(report, extra_steps=len(self.new_tags))
        if not self.new_tags:
            return
        names = sorted({name for _, tags in self.new_tags for name in tags})
        Tag.objects.bulk_create([Tag(name=name) for name in names], ignore_conflicts=True)
        tag_ids = dict(Tag.objects.filter(name__in=names).values_list("name", "id"))
        through = Organisation.tags.through
        links = [
            through(organisation_id=organisation.pk, tag_id=tag_ids[name])
            for organisation, tags in self.new_tags
            for name in tags
        ]
        through.objects.bulk_create(links, batch_size=BATCH_SIZE, ignore_conflicts=True)
        report(1.0)


class _PersonImporter(_Importer):
    model = Person
    tracked = (
        "first_name",
        "last_name",
        "email",
        "phone",
        "job_title",
        "organisation_id",
        "lawful_basis",
        "marketing_consent",
        "consent_recorded_at",
        "consent_source",
        "do_not_contact",
    )

    def _values(self, row: Row) -> tuple[dict[str, Any], dict[str, str]]:
        values: dict[str, Any] = {}
        sources: dict[str, str] = {}

        def put(field_name: str, column: str, parse: Callable[[str], Any] | None = None) -> None:
            raw = row.get(column)
            if not raw:
                return
            sources[field_name] = column
            try:
                values[field_name] = parse(raw) if parse else raw
            except RowError as exc:
                row.reject(column, str(exc))

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

    def check_batch(self, rows: list[Row], outcome: Outcome) -> None:
        parsed = []
        emails: set[str] = set()
        numbers: set[str] = set()
        names: set[str] = set()
        for row in rows:
            self._reject_width(row)
            values, sources = self._values(row)
            if values.get("email"):
                emails.add(values["email"].lower())
            number = validators.normalise_company_number(row.get("organisation_company_number"))
            if number:
                numbers.add(number)
            elif row.get("organisation_name"):
                names.add(normalise_name(row.get("organisation_name")))
            parsed.append((row, values, sources, number))
        existing = {
            person.email_lower: person
            for person in Person.objects.annotate(email_lower=Lower("email")).filter(
                email_lower__in=emails
            )
        }
        by_number = dict(
            Organisation.objects.filter(company_number__in=numbers).values_list(
                "company_number", "id"
            )
        )
        by_name: dict[str, list[int]] = {}
        for org_id, name in Organisation.objects.filter(name_normalised__in=names).values_list(
            "id", "name_normalised"
        ):
            by_name.setdefault(name, []).append(org_id)
        now = timezone.now()
        for row, values, sources, number in parsed:
            email = values.get("email", "").lower()
            if email and self._duplicate_in_file(row, email, "email", "email address"):
                outcome.errors.append({"line": row.line, "message": "; ".join(row.problems)})
                continue
            if number:
                if number not in by_number:
                    row.reject(
                        "organisation_company_number",
                        f"No organisation has the company number {number}: import it first",
                    )
                else:
                    values["organisation_id"] = by_number[number]
            elif row.get("organisation_name"):
                candidates = by_name.get(normalise_name(row.get("organisation_name")), [])
                if len(candidates) == 1:
                    values["organisation_id"] = candidates[0]
                elif not candidates:
                    row.reject(
                        "organisation_name",
                        f"No organisation is called '{row.get('organisation_name')}': "
                        "import it first or give organisation_company_number",
                    )
                else:
                    row.reject(
                        "organisation_name",
                        f"{len(candidates)} organisations are called "
                        f"'{row.get('organisation_name')}': give organisation_company_number",
                    )
            match = existing.get(email) if email else None
            before = _snapshot(match, self.tracked) if match else None
            instance = match or Person()
            previous_consent = match.marketing_consent if match else None
            for name, value in values.items():
                setattr(instance, name, value)
            instance.email = (instance.email or "").strip() or None
            # As person_create/person_update do: record when marketing consent changed.
            if "marketing_consent" in values and (
                instance.marketing_consent != previous_consent
                if match
                else instance.marketing_consent
            ):
                instance.consent_recorded_at = now
                instance.consent_source = f"CSV import: {self.job.file_name}"[:200]
            _model_problems(row, instance, _unchecked(Person, {"first_name", *values}), sources)
            self._record(row, outcome, instance, before, extra_change=False)

    def write(self, report: Callable[[float], None]) -> None:
        self._bulk_write(report)
