"""Running an import: check every row, then update or create (SPEC §2 Import, §3 `imports/`).
organisations and people in one transaction (all or nothing), or only check (a dry run)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.db.models.functions import Lower
from django.utils import timezone

from contacts import services, validators
from contacts.imports import parsing
from contacts.imports.parsing import CH_NUMBER
from contacts.imports.rows import (
    Layout,
    Row,
    model_problems,
    organisation_values,
    person_values,
    unchecked_fields,
)
from contacts.models import (
    ImportFormat,
    ImportJob,
    ImportKind,
    Organisation,
    Person,
    normalise_name,
)

if TYPE_CHECKING:
    from contacts.imports.jobs import ProgressWriter

BATCH_SIZE = 500

# Progress: reading and checking rows fills 0–70 (0–99 on a dry run), writing 70–99.
_CHECK_SHARE = 70


@dataclass
class Outcome:
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def import_file(*, job: ImportJob, progress: ProgressWriter) -> Outcome:
    """Check every row of the job's file; unless it is a dry run or a row was rejected, write
    them all in one transaction (all or nothing)."""
    records = parsing.records(job.content)
    header_line = next(records, None)
    if header_line is None:
        raise parsing.ImportFileError("The file is empty")
    headers = [parsing.clean_header(cell) for cell in header_line[1]]
    try:
        parsing.check_header(headers=headers, kind=job.kind, format=job.format)
    except ValidationError as exc:
        raise parsing.ImportFileError(" ".join(exc.messages)) from exc
    layout = Layout.of(headers, parsing.KNOWN_COLUMNS[(job.kind, job.format)])
    rows: list[Row] = []
    for line, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        rows.append(Row(line=line, layout=layout, cells=cells))
    if not rows:
        raise parsing.ImportFileError("The file has a header row but no rows of data")
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

    def _progress(self, report: Callable[[float], None], extra_steps: int = 0) -> Any:
        """A counter for the services' bulk writes that reports the share written so far."""
        steps = max(1, len(self.creates) + len(self.updates) + extra_steps)
        written = 0

        def count(batch: int) -> None:
            nonlocal written
            written += batch
            report(written / steps)

        return count

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

    def check_batch(self, rows: list[Row], outcome: Outcome) -> None:
        parsed = []
        numbers = set()
        for row in rows:
            self._reject_width(row)
            values, sources, tags = organisation_values(row, format=self.job.format)
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
            model_problems(
                row, instance, unchecked_fields(Organisation, {"name", *values}), sources
            )
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
        # The same account-field rule as every other write, checked again against the stored
        # rows (the rows were checked one by one while reading).
        services.organisation_bulk_write(
            creates=self.creates,
            updates=self.updates,
            fields=sorted(self.changed_fields),
            tags=self.new_tags,
            user=self.job.created_by,
            batch_size=BATCH_SIZE,
            report=self._progress(report, extra_steps=len(self.new_tags)),
        )
        self._audit()
        if self.new_tags:
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

    def check_batch(self, rows: list[Row], outcome: Outcome) -> None:
        parsed = []
        emails: set[str] = set()
        numbers: set[str] = set()
        names: set[str] = set()
        for row in rows:
            self._reject_width(row)
            values, sources = person_values(row)
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
            model_problems(
                row, instance, unchecked_fields(Person, {"first_name", *values}), sources
            )
            self._record(row, outcome, instance, before, extra_change=False)

    def write(self, report: Callable[[float], None]) -> None:
        services.person_bulk_write(
            creates=self.creates,
            updates=self.updates,
            fields=sorted(self.changed_fields),
            batch_size=BATCH_SIZE,
            report=self._progress(report),
        )
        self._audit()
