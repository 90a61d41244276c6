"""`manage.py seed_demo [--if-empty]`: load the demo area (see demo.seed)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo import seed as demo


class Command(BaseCommand):
    help = (
        "Load a small, realistic demo area: about 300 organisations in Oxfordshire, their "
        "people, staff logins for each role and 18 months of engagement."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds organisations (used by make run)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if demo.demo_area_exists():
            if options["if_empty"]:
                self.stdout.write("The database already holds organisations: demo not loaded.")
                return
            raise CommandError(
                "The database already holds organisations. The demo area is for an empty "
                "database: use --if-empty to skip quietly."
            )
        started = time.monotonic()
        summary = demo.seed_demo()
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Loaded the demo area in {elapsed:.1f}s:"))
        for label, number in summary.counts.items():
            self.stdout.write(f"  {number:>5} {label}")
        for note in summary.notes:
            self.stdout.write(f"  Note: {note}")
        users = ", ".join(f"{name} ({role})" for name, role, *_ in demo.STAFF)
        self.stdout.write(f"  Staff logins, password '{demo.DEMO_PASSWORD}': {users}")
