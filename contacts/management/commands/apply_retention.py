"""`manage.py apply_retention [--dry-run]`: the retention rule of contacts.privacy.retention."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from contacts.privacy import retention


class Command(BaseCommand):
    help = (
        "Anonymise people with no activity for PERSONAL_DATA_RETENTION_DAYS (not do-not-contact, "
        "not already erased). --dry-run only says how many, and their ids."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Change nothing; list who would be anonymised."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        run = retention.apply_retention(dry_run=dry_run)
        if run.cutoff is None:
            self.stdout.write("The retention rule is off (PERSONAL_DATA_RETENTION_DAYS=0).")
            return
        since = run.cutoff.date().isoformat()
        noun = "person" if run.count == 1 else "people"
        if dry_run:
            # Ids only: names and emails would copy personal data into logs.
            self.stdout.write(
                f"Dry run: would anonymise {run.count} {noun} with no activity since {since}."
            )
            for person_id in run.person_ids:
                self.stdout.write(f"  person {person_id}")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Anonymised {run.count} {noun} with no activity since {since}.")
            )
