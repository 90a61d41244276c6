"""The retention rule for personal data (UK GDPR storage limitation, SPEC §4).

A person is anonymised, by the same erasure as a request
(contacts.privacy.services.person_erase), when for PERSONAL_DATA_RETENTION_DAYS (default
2190, six years) they have had no activity:

- their record has not been created or changed (Person.updated), and
- no app above contacts reports activity since then: engagement counts a registration created
  or changed, or for an event that ended, since the cutoff, and an interaction they took part
  in dated since the cutoff (see engagement.privacy).

Kept whatever their age:
- people already erased;
- people marked do-not-contact who are not erased: their record is the suppression entry that
  stops the council contacting them again (an import or a new sign-up matches it by email),
  which the ICO expects to be kept for as long as the council might otherwise contact them.
  Erasing them on request still works.

PERSONAL_DATA_RETENTION_DAYS=0 turns the rule off. The monthly task
(contacts.privacy.tasks.apply_retention) and `manage.py apply_retention [--dry-run]` run it;
each person is erased in their own transaction, so a run stopped half-way keeps what it did
and the next run carries on; erasing someone already erased changes nothing.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from contacts.models import Person
from contacts.privacy import services


@dataclass
class RetentionRun:
    cutoff: datetime.datetime | None
    dry_run: bool
    person_ids: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.person_ids)


def retention_days() -> int:
    return max(int(getattr(settings, "PERSONAL_DATA_RETENTION_DAYS", 0) or 0), 0)


def retention_cutoff(*, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """The moment before which inactivity counts, or None when the rule is off."""
    days = retention_days()
    if not days:
        return None
    return (now or timezone.now()) - datetime.timedelta(days=days)


def stale_people(*, cutoff: datetime.datetime) -> QuerySet[Person]:
    """People with no activity since `cutoff` whom the rule anonymises (see the docstring)."""
    people = Person.objects.filter(erased_at__isnull=True, do_not_contact=False, updated__lt=cutoff)
    for activity in services.activity_checks():
        people = people.exclude(activity(cutoff))
    return people.order_by("pk")


def apply_retention(
    *, dry_run: bool = False, now: datetime.datetime | None = None, limit: int | None = None
) -> RetentionRun:
    """Anonymise every stale person (or, with `dry_run`, only say who), oldest id first."""
    cutoff = retention_cutoff(now=now)
    run = RetentionRun(cutoff=cutoff, dry_run=dry_run)
    if cutoff is None:
        return run
    ids = list(stale_people(cutoff=cutoff).values_list("pk", flat=True)[:limit])
    if dry_run:
        run.person_ids = ids
        return run
    for person_id in ids:
        with transaction.atomic():
            # Checked again under the row lock: they may have become active, or been erased,
            # since the list was read (a record update waits for the lock and then counts).
            person = stale_people(cutoff=cutoff).filter(pk=person_id).select_for_update().first()
            if person is None:
                continue
            services.person_erase(person=person, user=None, reason="retention")
        run.person_ids.append(person_id)
    return run
