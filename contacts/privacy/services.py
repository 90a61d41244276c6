"""Personal data under UK GDPR (SPEC §4): subject-access export and erasure of a person.

contacts may not import engagement or insights (STYLE.md), so the apps above register what
they hold on a person from their AppConfig.ready(), as they do for the timeline:

- an exporter, `exporter(person, user) -> dict`, whose keys join the export (e.g.
  "registrations"); `user` is who asked for it, for the records only some may see (SPEC §1:
  an officer's export leaves out the confidential records they cannot see and says how many);
- an eraser, `eraser(person) -> None`, run inside the erasure's transaction;
- an activity check, `activity(cutoff) -> Q` on Person, true for people with activity in that
  app since `cutoff`; the retention rule (contacts.privacy.retention) keeps those people.

Erasure anonymises; it does not delete. The person's row stays (as "Erased person", no contact
details, no marketing consent, do-not-contact) so the records that count towards evidence
(organisations, interactions, insights, event attendance) keep their numbers unchanged.

The audit trail keeps who did what and when, but not the old personal values: every earlier
audit entry about the person has its personal fields' values replaced with "[erased]" and its
description replaced with "Erased person". Keeping the values would keep the data we were
asked to erase; dropping the entries would lose who changed what. The field names, actions,
actors and times stay, and so do values that identify nobody (lawful basis, consent flags,
do-not-contact, the organisation's id).
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from contacts.models import Person
from core.types import AnyUser, User

ERASED = "[erased]"
ERASED_FIRST_NAME = "Erased"
ERASED_LAST_NAME = "person"
EXPORT_FORMAT = "placevoice-subject-access/1"
# Fields of Person whose values identify the person: cleared by erasure, scrubbed from the
# audit trail. The rest (lawful basis, consent flags, do-not-contact, organisation) stay.
PERSONAL_FIELDS = frozenset(
    {"first_name", "last_name", "email", "phone", "job_title", "consent_source"}
)
CONSENT_FIELDS = ("lawful_basis", "marketing_consent", "consent_recorded_at", "consent_source")
ERASURE_REASONS = ("request", "retention")

Exporter = Callable[[Person, Any], dict[str, Any]]
Eraser = Callable[[Person], None]
Activity = Callable[[datetime.datetime], Q]


@dataclass(frozen=True)
class Contribution:
    exporter: Exporter | None = None
    eraser: Eraser | None = None
    activity: Activity | None = None


_contributions: dict[str, Contribution] = {}


def register(
    name: str,
    *,
    exporter: Exporter | None = None,
    eraser: Eraser | None = None,
    activity: Activity | None = None,
) -> None:
    """Register what the app `name` holds on people. Registering a name again replaces it."""
    _contributions[name] = Contribution(exporter=exporter, eraser=eraser, activity=activity)


def activity_checks() -> list[Activity]:
    return [c.activity for c in _contributions.values() if c.activity is not None]


def iso(value: datetime.datetime | datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _actor_name(entry: LogEntry) -> str:
    actor: User | None = entry.actor
    if actor is None:
        return "PlaceVoice (automatic)" if not entry.actor_email else entry.actor_email
    return actor.get_full_name() or actor.get_username()


def audit_entries(instance: models.Model) -> QuerySet[LogEntry]:
    """The audit-log entries about one record, oldest first."""
    entries: QuerySet[LogEntry] = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(instance)),
            object_pk=str(instance.pk),
        )
        .select_related("actor")
        .order_by("timestamp", "pk")
    )
    return entries


def _describe_entry(entry: LogEntry) -> dict[str, Any]:
    return {
        "at": iso(entry.timestamp),
        "action": entry.get_action_display(),
        "by": _actor_name(entry),
        "changes": entry.changes or {},
    }


def _consent_history(entries: Iterable[LogEntry]) -> list[dict[str, Any]]:
    """Each recorded change to the lawful basis or marketing consent, from the audit trail."""
    history = []
    for entry in entries:
        changes = entry.changes or {}
        if not isinstance(changes, dict):
            continue
        changed = {
            name: {"from": value[0], "to": value[1]}
            for name, value in changes.items()
            if name in CONSENT_FIELDS + ("do_not_contact",)
            and isinstance(value, list)
            and len(value) == 2
        }
        if changed:
            history.append({"at": iso(entry.timestamp), "by": _actor_name(entry), **changed})
    return history


def person_record(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "phone": person.phone,
        "job_title": person.job_title,
        "lawful_basis": person.lawful_basis,
        "lawful_basis_label": person.get_lawful_basis_display(),
        "marketing_consent": person.marketing_consent,
        "consent_recorded_at": iso(person.consent_recorded_at),
        "consent_source": person.consent_source,
        "do_not_contact": person.do_not_contact,
        "erased_at": iso(person.erased_at),
        "created": iso(person.created),
        "updated": iso(person.updated),
    }


def person_export(person: Person, *, user: AnyUser) -> dict[str, Any]:
    """Everything PlaceVoice holds on `person` (a subject-access request), as plain JSON types,
    as far as `user` may see it: an admin's export is complete; an officer's leaves out the
    confidential records they cannot see, and says how many (SPEC §1).

    Their record, their organisation, the consent history as the audit trail recorded it, the
    audit trail of their record, and what each app above contacts holds on them. Nothing about
    anyone else: the apps list the person's own registrations and the interactions they took
    part in without the other people present.
    """
    entries = list(audit_entries(person))
    organisation = person.organisation
    export: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "generated_at": iso(timezone.now()),
        "person": person_record(person),
        "organisation": (
            {
                "id": organisation.pk,
                "name": organisation.name,
                "company_number": organisation.company_number,
                "address": organisation.address,
                "town": organisation.town,
                "postcode": organisation.postcode,
            }
            if organisation is not None
            else None
        ),
        "consent": {
            "lawful_basis": person.lawful_basis,
            "marketing_consent": person.marketing_consent,
            "recorded_at": iso(person.consent_recorded_at),
            "source": person.consent_source,
            "do_not_contact": person.do_not_contact,
            "history": _consent_history(entries),
        },
        "audit_log": [_describe_entry(entry) for entry in entries],
    }
    for name, contribution in sorted(_contributions.items()):
        if contribution.exporter is None:
            continue
        for key, value in contribution.exporter(person, user).items():
            if key in export:
                raise RuntimeError(f"Privacy exporter {name!r} repeats the key {key!r}")
            export[key] = value
    return export


def person_export_logged(*, person: Person, user: AnyUser) -> dict[str, Any]:
    """The export, with an "access" entry in the audit trail saying who took it."""
    export = person_export(person, user=user)
    LogEntry.objects.log_create(
        person,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=user if getattr(user, "is_authenticated", False) else None,
        additional_data={
            "subject_access_export": True,
            "withheld_confidential": export.get("withheld_confidential", 0),
        },
    )
    return export


def scrub_audit_entries(
    entries: Iterable[LogEntry], *, fields: Iterable[str], object_repr: str
) -> int:
    """Replace the values of `fields` in the entries' recorded changes with "[erased]" (a value
    that already is the erased one, e.g. the empty new email, stays), and their description with
    `object_repr`. Who acted, when, and on which fields stay. Returns the entries changed."""
    personal = set(fields)
    changed = []
    for entry in entries:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        scrubbed: dict[str, Any] = {}
        for name, value in changes.items():
            if name not in personal:
                scrubbed[name] = value
            elif isinstance(value, list):
                scrubbed[name] = [v if v in ("", "None", None) else ERASED for v in value]
            else:
                scrubbed[name] = ERASED
        entry.changes = scrubbed if entry.changes is not None else None
        entry.changes_text = ""
        entry.serialized_data = None
        entry.object_repr = object_repr
        changed.append(entry)
    LogEntry.objects.bulk_update(
        changed, ["changes", "changes_text", "serialized_data", "object_repr"]
    )
    return len(changed)


def _as_logged(value: Any) -> str:
    # auditlog stores values as strings ("None" for null).
    return "None" if value is None else str(value)


@transaction.atomic
def person_erase(*, person: Person, user: AnyUser | None = None, reason: str = "request") -> Person:
    """Anonymise `person` in one transaction (UK GDPR erasure, SPEC §4).

    Names become "Erased person"; email, phone, job title and consent source are cleared;
    marketing consent is withdrawn and do-not-contact set; `erased_at` says when. Each app above
    contacts erases what it holds (registrations' emails and requirements, links from
    interactions). Organisations, interactions and insights stay, so evidence counts do not
    change. Earlier audit entries lose their personal values (see the module docstring), and
    one entry records the erasure, who asked for it (`user`, none for the retention job) and
    why. Erasing someone already erased changes nothing.
    """
    if reason not in ERASURE_REASONS:
        raise ValueError(f"Unknown erasure reason {reason!r}")
    # Locked first, before any event row, the same order as a public sign-up takes them.
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.erased_at is not None:
        return locked
    for contribution in _contributions.values():
        if contribution.eraser is not None:
            contribution.eraser(locked)

    before = {name: getattr(locked, name) for name in _ERASED_VALUES}
    now = timezone.now()
    for name, value in _ERASED_VALUES.items():
        setattr(locked, name, value)
    locked.erased_at = now
    # Saved without auditlog's own entry, which would record the old values; the entry below
    # records the erasure with the personal values already replaced.
    with disable_auditlog():
        locked.save()

    changes = {
        name: [
            ERASED if name in PERSONAL_FIELDS else _as_logged(before[name]),
            _as_logged(getattr(locked, name)),
        ]
        for name in _ERASED_VALUES
        if before[name] != getattr(locked, name)
    }
    changes["erased_at"] = ["None", _as_logged(now)]
    scrub_audit_entries(audit_entries(locked), fields=PERSONAL_FIELDS, object_repr=locked.full_name)
    actor = user if getattr(user, "is_authenticated", False) else None
    LogEntry.objects.log_create(
        locked,
        action=LogEntry.Action.UPDATE,
        changes=changes,
        actor=actor,
        actor_email=getattr(actor, "email", None) if actor else None,
        additional_data={"erasure": reason},
    )
    return locked


_ERASED_VALUES: dict[str, Any] = {
    "first_name": ERASED_FIRST_NAME,
    "last_name": ERASED_LAST_NAME,
    "email": None,
    "phone": "",
    "job_title": "",
    "marketing_consent": False,
    "consent_recorded_at": None,
    "consent_source": "",
    "do_not_contact": True,
}
