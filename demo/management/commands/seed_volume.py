"""`manage.py seed_volume [--organisations N …] [--seed S] [--reset]`: benchmark volumes.

Defaults are the scale of SPEC §4 (a large combined authority). On PostgreSQL the rows go in
with COPY and take minutes; elsewhere `bulk_create` batches (fine for a few thousand rows).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from demo import volume


class Command(BaseCommand):
    help = "Generate realistic organisations, people, interactions, insights and events fast."

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = volume.VolumeCounts()
        for name in ("organisations", "people", "interactions", "insights", "events", "actions",
                     "officers", "organisers"):  # fmt: skip
            parser.add_argument(
                f"--{name}", type=int, default=getattr(defaults, name),
                help=f"how many {name} to add (default {getattr(defaults, name):,})",
            )  # fmt: skip
        parser.add_argument("--seed", type=int, default=1, help="random seed (reproducible data)")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="first delete all organisations, people, engagement and insights",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask before --reset deletes everything",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"] and options["interactive"]:
            database = connection.settings_dict.get("NAME")
            answer = input(
                f"--reset deletes every organisation, person, interaction, insight and event "
                f"in {database}. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing changed.")
        counts = volume.VolumeCounts(
            **{name: max(0, options[name]) for name in volume.VolumeCounts.__dataclass_fields__}
        )
        report = volume.seed(
            counts=counts,
            seed=options["seed"],
            reset_first=options["reset"],
            log=lambda message: self.stdout.write(message),
        )
        for name, count in report.counts.items():
            seconds = report.seconds.get(name, 0.0)
            self.stdout.write(f"{name:>28}: {count:>10,} rows in {seconds:6.1f}s")
        self.stdout.write(self.style.SUCCESS(f"Done in {report.seconds['total']:.1f}s"))
