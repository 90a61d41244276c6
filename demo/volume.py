"""Generate a realistic combined authority's worth of data quickly, for benchmarks.

`seed_volume` calls `seed()`. Rows are produced as plain tuples by one generator and written
either with PostgreSQL's COPY (psycopg 3 `cursor.copy()`, secondary indexes dropped during the
load and rebuilt after, then ANALYZE) or, on other databases, with `bulk_create` batches, so
the smoke test exercises the same generator on SQLite.

The shape follows a real local economy rather than uniform noise: sectors in the proportions
of the UK business population, size bands dominated by micro firms, several local
authorities with their wards and postcodes, ~2% key accounts with account managers, and
engagement concentrated on a minority of organisations (a few are met very often). Insights
are spread over the taxonomy's themes and three years of dates; ~2% are confidential.
Everything is drawn from one `random.Random(seed)`, so a seed reproduces the data.

Derived columns are computed with the same functions the models use on save
(`normalise_name`, `sic.sector_of`, `size_band_for`), and `Insight.confidential` follows the
rule the services keep (attribution is confidential or the interaction is).
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import logging
import random
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, models, transaction

from contacts import sic
from contacts.models import Organisation, Person, Tag, normalise_name, size_band_for
from core import roles
from engagement.models import Action, Event, Interaction, Registration
from insights.models import Insight, Theme

logger = logging.getLogger(__name__)

UTC = datetime.UTC
Row = tuple[Any, ...]

# ---------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------

# Share of the UK business population by SIC section (ONS UK Business counts, rounded).
SECTION_WEIGHTS: dict[str, float] = {
    "A": 3.5, "B": 0.1, "C": 5.5, "D": 0.3, "E": 0.4, "F": 13.0, "G": 14.5, "H": 5.0,
    "I": 6.0, "J": 7.0, "K": 2.5, "L": 4.0, "M": 15.0, "N": 8.0, "O": 0.2, "P": 1.8,
    "Q": 4.0, "R": 3.2, "S": 5.5, "T": 0.1, "U": 0.02,
}  # fmt: skip
SECTION_DIVISIONS: dict[str, list[int]] = {}
for _division, _letter in sic.DIVISION_SECTION.items():
    SECTION_DIVISIONS.setdefault(_letter, []).append(_division)

# A fictional combined authority: local authorities, their postcode areas, wards, and towns.
LOCAL_AUTHORITIES: list[tuple[str, float, str, list[str], str]] = [
    # (name, share of organisations, postcode area, wards, town)
    ("Birmingham", 0.32, "B", ["Ladywood", "Edgbaston", "Aston", "Bordesley Green",
     "Erdington", "Hall Green", "Harborne", "Moseley", "Selly Oak", "Sutton Vesey",
     "Digbeth", "Jewellery Quarter"], "Birmingham"),
    ("Coventry", 0.13, "CV", ["Earlsdon", "Foleshill", "St Michael's", "Whoberley",
     "Binley and Willenhall", "Cheylesmore", "Radford"], "Coventry"),
    ("Dudley", 0.10, "DY", ["Brierley Hill", "Netherton", "Kingswinford North",
     "Halesowen South", "Sedgley", "Amblecote"], "Dudley"),
    ("Sandwell", 0.10, "B", ["West Bromwich Central", "Oldbury", "Smethwick", "Tipton Green",
     "Wednesbury North", "Rowley"], "West Bromwich"),
    ("Solihull", 0.09, "B", ["Blythe", "Knowle", "Shirley East", "Elmdon", "Meriden",
     "Dorridge and Hockley Heath"], "Solihull"),
    ("Walsall", 0.09, "WS", ["Aldridge Central", "Bloxwich East", "Darlaston South",
     "Paddock", "Pleck", "Streetly"], "Walsall"),
    ("Wolverhampton", 0.10, "WV", ["Blakenhall", "Bushbury North", "Ettingshall",
     "Park", "Tettenhall Regis", "Wednesfield South"], "Wolverhampton"),
    ("Stratford-on-Avon", 0.07, "CV", ["Alcester Town", "Bidford East", "Kineton",
     "Shipston North", "Welford-on-Avon", "Wellesbourne East"], "Stratford-upon-Avon"),
]  # fmt: skip
RURAL_LOCAL_AUTHORITIES = {"Stratford-on-Avon", "Solihull"}

NAME_FIRST = (
    "Apex Arden Aston Beacon Bourne Bright Canal Castle Cedar Central Chance Civic Clarke "
    "Cole Crescent Crown Delta Digbeth Elm Emerald Forge Foundry Gateway Granite Heart Heath "
    "Horizon Iron Jewel Kestrel Lantern Lickey Linden Marston Mercia Meridian Midland Mill "
    "Moor Northfield Oak Orbit Pennine Phoenix Pioneer Quarry Quay Radiant Raven Regent Rowan "
    "Severn Silver Spire Stour Summit Tame Thistle Trent Unity Vale Vector Victoria Willow "
    "Wren Wyre Zenith"
).split()
NAME_SECOND = (
    "Precision Digital Foods Logistics Engineering Design Automotive Software Bakery Brewing "
    "Construction Consulting Print Plastics Metals Textiles Media Health Care Robotics "
    "Analytics Energy Motors Joinery Electrical Catering Interiors Pharma Labs Security "
    "Recruitment Legal Accountancy Architecture Fabrication Coatings Packaging Components "
    "Tooling Aerospace Cycles Furniture Ceramics Glass Optics Studios Events Travel Training"
).split()
NAME_SUFFIX = ["Ltd", "Ltd", "Ltd", "Limited", "Group Ltd", "& Co", "LLP", "Holdings Ltd",
               "Services Ltd", "Solutions Ltd", "Partners", "CIC", ""]  # fmt: skip
FIRST_NAMES = (
    "Aisha Alex Amelia Amir Anna Ben Charlotte Chloe Daniel David Deepa Ella Emily Emma Fatima "
    "Finn George Grace Hannah Harry Imran Isla Jack James Jasmine Jessica Joe John Kate Kieran "
    "Laura Leo Lily Lucy Mark Mohammed Nadia Noah Oliver Olivia Omar Priya Rachel Raj Rebecca "
    "Sam Sarah Sophie Tom Usha Victoria William Yusuf Zara Zoe"
).split()
LAST_NAMES = (
    "Ahmed Ali Allen Baker Bennett Begum Brown Campbell Carter Chapman Clarke Cooper Davies "
    "Edwards Evans Fisher Green Hall Harris Hill Hughes Hussain Jackson James Johnson Jones "
    "Kaur Khan King Lewis Martin Mistry Moore Morgan Murphy Parker Patel Phillips Price "
    "Roberts Robinson Scott Shah Singh Smith Taylor Thomas Thompson Turner Walker Ward Watson "
    "White Williams Wilson Wood Wright Young"
).split()
JOB_TITLES = ["Managing Director", "Director", "Owner", "Operations Manager", "HR Manager",
              "Finance Director", "Chief Executive", "Head of Growth", "Office Manager",
              "Founder", "Partner", "Plant Manager", "Commercial Director", ""]  # fmt: skip
TAGS = ["life sciences", "advanced manufacturing", "automotive", "creative industries",
        "digital", "low carbon", "logistics", "professional services", "food and drink",
        "construction", "visitor economy", "health tech", "aerospace", "social economy",
        "export ready"]  # fmt: skip
INTERACTION_TITLES: dict[str, list[str]] = {
    "meeting": ["Account review 1-2-1", "Growth plans discussion", "Introductory 1-2-1",
                "Skills needs meeting", "Expansion plans meeting", "Quarterly catch-up"],
    "call": ["Follow-up call", "Call about grant application", "Call on premises search",
             "Check-in call"],
    "email": ["Email about funding options", "Email follow-up", "Introduction by email"],
    "visit": ["Site visit", "Factory visit with the growth hub", "Visit: new premises"],
    "workshop": ["Export workshop", "Net zero workshop", "Skills bootcamp workshop"],
    "event": ["Attended business breakfast", "Attended networking event"],
    "survey": ["Annual business survey response", "Cost of doing business survey"],
    "other": ["Referral from the growth hub", "Contact at trade show"],
}  # fmt: skip
INTERACTION_KIND_WEIGHTS = {"meeting": 40, "call": 22, "email": 14, "visit": 9, "workshop": 5,
                            "event": 5, "survey": 3, "other": 2}  # fmt: skip
NOTES = [
    "Discussed current trading, staffing and plans for the next two years.",
    "They are looking at new premises and asked about available sites and support.",
    "Good conversation about exporting; referred to the international trade adviser.",
    "Recruitment remains the main concern; agreed to share apprenticeship contacts.",
    "Energy costs have risen sharply; interested in the decarbonisation grant.",
    "Wants an introduction to the university's knowledge-exchange team.",
]

# The taxonomy of SPEC §2, used only where the data migration has not created it yet.
THEME_TAXONOMY: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("growth-markets", "Growth and markets", [("market-trends", "Market trends"),
     ("growth-plans", "Growth plans"), ("exporting", "Exporting")]),
    ("growth-barriers", "Barriers to growth", [("premises", "Premises"),
     ("skilled-labour", "Skilled labour"), ("cost-of-living", "Cost of living"),
     ("housing", "Housing"), ("transport", "Transport"),
     ("digital-connectivity", "Digital connectivity"), ("regulation", "Regulation")]),
    ("skills", "Skills and workforce", [("recruitment", "Recruitment"),
     ("apprenticeships", "Apprenticeships"), ("progression", "Progression"),
     ("training-provision", "Training provision")]),
    ("finance", "Finance and investment", [("access-to-finance", "Access to finance"),
     ("grants", "Grants"), ("investment-readiness", "Investment readiness")]),
    ("supply-chains", "Supply chains", [("local-suppliers", "Local suppliers"),
     ("procurement", "Procurement"), ("resilience", "Resilience")]),
    ("innovation", "Innovation and R&D", [("research-development", "Research and development"),
     ("university-links", "University links"), ("innovation-support", "Innovation support"),
     ("technology-adoption", "Technology adoption")]),
]  # fmt: skip
# How often officers hear about each theme (relative); unknown slugs get 1.
THEME_WEIGHTS: dict[str, float] = {
    "skilled-labour": 9, "recruitment": 8, "premises": 6, "cost-of-living": 5,
    "growth-plans": 5, "access-to-finance": 4, "transport": 4, "grants": 4,
    "apprenticeships": 3, "exporting": 3, "market-trends": 3, "regulation": 2.5,
    "digital-connectivity": 2.5, "housing": 2, "technology-adoption": 2.5,
    "procurement": 2, "local-suppliers": 2, "training-provision": 2, "resilience": 1.5,
    "innovation-support": 1.5, "university-links": 1.2, "research-development": 1.2,
    "investment-readiness": 1, "progression": 1,
}  # fmt: skip
STATEMENT_OPENERS = {
    "barrier": ["Struggling with", "Held back by", "Concerned about", "Problems with"],
    "opportunity": ["Sees an opportunity in", "Keen to grow through", "Investing in"],
    "observation": ["Commented on", "Noted changes in", "Mentioned"],
}
QUOTES = [
    "We could double our output if we could find the people.",
    "Nobody local makes what we need any more.",
    "The bus simply doesn't run when our shifts start.",
    "We've been looking for a bigger unit for two years.",
    "The grant process took longer than the project.",
    "Our energy bill tripled in a year.",
    "Export paperwork is now a full-time job.",
    "The apprentices we trained are our best people.",
]
EVENT_KINDS = ["workshop", "breakfast", "networking", "conference", "roundtable", "webinar"]
EVENT_TOPICS = ["Exporting to Europe", "Net zero for small firms", "Meet the buyer",
                "Apprenticeships explained", "Funding your growth", "AI for SMEs",
                "Manufacturing futures", "Skills roundtable", "Visitor economy briefing",
                "Innovation showcase"]  # fmt: skip
VENUES = ["The Exchange", "Innovation Centre", "Council House", "Enterprise Hub",
          "Science Park Conference Centre", "Town Hall"]  # fmt: skip

VOLUME_USER_PREFIX = "vol-"


@dataclass
class VolumeCounts:
    organisations: int = 100_000
    people: int = 200_000
    interactions: int = 1_000_000
    insights: int = 2_000_000
    events: int = 1_000
    actions: int = 150_000
    officers: int = 40
    organisers: int = 6


@dataclass
class SeedReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------


class Writer:
    """Writes rows of one table; subclasses do it the fast way for their database."""

    def write(self, model: type[models.Model], columns: Sequence[str], rows: Iterable[Row]) -> int:
        raise NotImplementedError

    def begin_bulk(self, tables: Sequence[str]) -> None:
        """Prepare for a large load (drop secondary indexes on PostgreSQL)."""

    def end_bulk(self) -> None:
        """Finish a large load (rebuild indexes, fix sequences, refresh statistics)."""


class PostgresCopyWriter(Writer):
    """COPY … FROM STDIN through psycopg 3; each table's secondary indexes are dropped for the
    load and rebuilt after (much faster than maintaining them row by row)."""

    def __init__(self) -> None:
        self._dropped: list[str] = []
        self._tables: list[str] = []
        connection.ensure_connection()
        self.raw = connection.connection

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.raw.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def begin_bulk(self, tables: Sequence[str]) -> None:
        self._tables = list(tables)
        self._execute("SET maintenance_work_mem = '512MB'")
        # Secondary indexes that back no constraint (unique constraints stay: they guard data).
        rows = self._execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid
            LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid
            WHERE t.relname = ANY(%s) AND NOT i.indisprimary AND NOT i.indisunique
              AND c.oid IS NULL
            """,
            [list(tables)],
        )
        for name, definition in rows:
            self._dropped.append(definition)
            self._execute(f"DROP INDEX IF EXISTS {name}")
        try:
            # Skip per-row foreign-key triggers during the load (needs superuser; optional).
            # The generator only refers to rows it has written or read back. A savepoint
            # inside a transaction, so a refusal does not abort it.
            with self.raw.transaction():
                self._execute("SET session_replication_role = replica")
        except Exception:  # noqa: BLE001 - without the privilege the load is just slower
            logger.info("seed_volume: foreign-key triggers stay on (not a superuser)")

    def write(self, model: type[models.Model], columns: Sequence[str], rows: Iterable[Row]) -> int:
        table = model._meta.db_table
        count = 0
        with self.raw.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count

    def end_bulk(self) -> None:
        try:
            with self.raw.transaction():
                self._execute("SET session_replication_role = DEFAULT")
        except Exception:  # noqa: BLE001 - never changed without the privilege
            pass
        for definition in self._dropped:
            self._execute(definition.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
        self._dropped = []
        for table in self._tables:
            self._execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
            # VACUUM (outside a transaction) also sets the visibility map, so index-only
            # scans work at once; inside one (tests) statistics are enough.
            self._execute(f"{'VACUUM ' if self.raw.autocommit else ''}ANALYZE {table}")


class BulkCreateWriter(Writer):
    """Portable fallback (SQLite): the same rows as model instances in bulk_create batches."""

    batch_size = 500

    def write(self, model: type[models.Model], columns: Sequence[str], rows: Iterable[Row]) -> int:
        count = 0
        iterator = iter(rows)
        while True:
            chunk = list(itertools.islice(iterator, self.batch_size))
            if not chunk:
                return count
            objects = [model(**dict(zip(columns, row, strict=True))) for row in chunk]
            with transaction.atomic():
                model._default_manager.bulk_create(objects, batch_size=self.batch_size)
            count += len(chunk)


def writer_for_connection() -> Writer:
    if connection.vendor == "postgresql":
        return PostgresCopyWriter()
    return BulkCreateWriter()


# ---------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------


def _next_id(model: type[models.Model]) -> int:
    top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
    return int(top or 0) + 1


class WeightedPicker:
    """Fast repeated weighted choice over a fixed population (bisect on cumulative weights)."""

    def __init__(self, population: Sequence[Any], weights: Sequence[float]) -> None:
        self.population = list(population)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.population[bisect.bisect(self.cumulative, rng.random() * self.total)]


DATA_TABLES: list[type[models.Model]] = [
    Insight.themes.through,
    Insight,
    Action,
    Registration,
    Interaction.people.through,
    Interaction.organisations.through,
    Interaction,
    Event,
    Person,
    Organisation.tags.through,
    Organisation,
]


def reset() -> None:
    """Delete every organisation, person, interaction, insight, event and action, and the
    volume users. Themes, tags and other users stay."""
    tables = [model._meta.db_table for model in DATA_TABLES]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table names
    get_user_model()._default_manager.filter(username__startswith=VOLUME_USER_PREFIX).delete()


class VolumeGenerator:
    def __init__(
        self,
        *,
        counts: VolumeCounts,
        seed: int,
        writer: Writer,
        today: datetime.date | None = None,
        log: Callable[[str], None] = lambda message: None,
    ) -> None:
        self.counts = counts
        self.rng = random.Random(seed)
        self.writer = writer
        self.today = today or datetime.date.today()
        self.log = log
        self.report = SeedReport()
        self.days = 3 * 365  # three years of engagement

    # -- helpers ---------------------------------------------------------------------------
    def _stamp(self, day: datetime.date, seconds: int | None = None) -> datetime.datetime:
        seconds = self.rng.randrange(8 * 3600, 18 * 3600) if seconds is None else seconds
        return datetime.datetime(day.year, day.month, day.day, tzinfo=UTC) + datetime.timedelta(
            seconds=seconds
        )

    def _recent_day(self) -> datetime.date:
        # More recent years are busier: density rises linearly towards today.
        offset = int(self.days * (1.0 - self.rng.random() ** 0.8))
        return self.today - datetime.timedelta(days=min(offset, self.days - 1))

    def _timed(self, name: str, model: type[models.Model], columns: Sequence[str],
               rows: Iterable[Row]) -> int:  # fmt: skip
        started = time.perf_counter()
        written = self.writer.write(model, columns, rows)
        elapsed = time.perf_counter() - started
        self.report.counts[name] = self.report.counts.get(name, 0) + written
        self.report.seconds[name] = self.report.seconds.get(name, 0.0) + elapsed
        return written

    # -- users and themes -----------------------------------------------------------------
    def ensure_users(self) -> None:
        User = get_user_model()
        made: dict[str, list[int]] = {}
        for role, how_many in ((roles.OFFICER, self.counts.officers),
                               (roles.ORGANISER, self.counts.organisers)):  # fmt: skip
            group, _ = Group.objects.get_or_create(name=role)
            ids = []
            for number in range(1, how_many + 1):
                first = FIRST_NAMES[(number * 7 + len(role)) % len(FIRST_NAMES)]
                last = LAST_NAMES[(number * 11 + len(role)) % len(LAST_NAMES)]
                username = f"{VOLUME_USER_PREFIX}{role}-{number:02d}"
                user, created = User._default_manager.get_or_create(
                    username=username,
                    defaults={
                        "first_name": first,
                        "last_name": last,
                        "email": f"{username}@council.example",
                    },  # fmt: skip
                )
                if created:
                    # No password: sign in with `create_user NAME --role … --password …`.
                    user.set_unusable_password()
                    user.save(update_fields=["password"])
                user.groups.add(group)
                ids.append(user.pk)
            made[role] = ids
        self.officer_ids: list[int | None] = list(made[roles.OFFICER]) or [None]
        self.organiser_ids: list[int | None] = list(made[roles.ORGANISER]) or [None]
        # A few officers do most of the engagement.
        self.officer_picker = WeightedPicker(
            self.officer_ids, [1.0 / (1 + index * 0.08) for index in range(len(self.officer_ids))]
        )

    def ensure_themes(self) -> None:
        """Use the taxonomy from the data migration; create SPEC §2's themes only if missing."""
        for position, (slug, name, children) in enumerate(THEME_TAXONOMY):
            parent = Theme.objects.filter(slug=slug).first()
            if parent is None:
                parent = Theme.objects.create(slug=slug, name=name, position=position)
            for child_position, (child_slug, child_name) in enumerate(children):
                if not Theme.objects.filter(slug=child_slug).exists():
                    Theme.objects.create(
                        slug=child_slug, name=child_name, parent=parent, position=child_position
                    )
        themes = list(
            Theme.objects.filter(active=True).values_list("id", "slug", "parent_id", "name")
        )
        self.theme_names = {theme_id: name for theme_id, _, _, name in themes}
        subs = [(theme_id, slug) for theme_id, slug, parent_id, _ in themes if parent_id]
        tops = [theme_id for theme_id, _, parent_id, _ in themes if parent_id is None]
        self.sub_picker = WeightedPicker(
            [theme_id for theme_id, _ in subs], [THEME_WEIGHTS.get(slug, 1.0) for _, slug in subs]
        ) if subs else None  # fmt: skip
        self.top_theme_ids = tops
        self.tag_ids = []
        for name in TAGS:
            self.tag_ids.append(Tag.objects.get_or_create(name=name)[0].pk)

    # -- organisations ----------------------------------------------------------------------
    def organisations(self) -> None:
        rng = self.rng
        count = self.counts.organisations
        first_id = _next_id(Organisation)
        self.org_first_id = first_id
        section_picker = WeightedPicker(list(SECTION_WEIGHTS), list(SECTION_WEIGHTS.values()))
        la_picker = WeightedPicker(LOCAL_AUTHORITIES, [la[1] for la in LOCAL_AUTHORITIES])
        kinds = WeightedPicker(
            ["business", "trade_body", "higher_education", "further_education",
             "anchor_institution", "voluntary", "public_body", "other"],
            [92, 0.8, 0.2, 0.4, 0.3, 4.5, 0.8, 1],
        )  # fmt: skip
        ownerships = WeightedPicker(
            ["limited_company", "sole_trader", "partnership", "cooperative",
             "social_enterprise", "charity", "public", "other", ""],
            [70, 12, 6, 0.5, 1.5, 4, 0.5, 0.5, 5],
        )  # fmt: skip
        suffix_picker = WeightedPicker(NAME_SUFFIX, [1] * len(NAME_SUFFIX))
        now = datetime.datetime.now(tz=UTC)
        # Per-organisation facts the later tables need, kept compactly.
        self.org_employees = array("l")
        self.org_weight: list[float] = []
        self.org_manager: dict[int, int] = {}
        columns = (
            "id", "name", "name_normalised", "company_number", "kind", "sic_codes",
            "sector_code", "employees", "size_band", "ownership", "address", "town", "postcode",
            "ward", "local_authority", "rural_urban", "key_account", "account_manager_id",
            "status", "created", "updated",
        )  # fmt: skip

        def rows() -> Iterator[Row]:
            for index in range(count):
                org_id = first_id + index
                kind = kinds.pick(rng)
                # Real registers hold many similar names ("Cedar Precision Ltd", "Cedar Arden
                # Precision Ltd"): good for exercising name search and duplicate spotting.
                middle = f"{rng.choice(NAME_FIRST)} " if rng.random() < 0.6 else ""
                name = (
                    f"{rng.choice(NAME_FIRST)} {middle}{rng.choice(NAME_SECOND)} "
                    f"{suffix_picker.pick(rng)}"
                ).strip()
                codes: list[str] = []
                if kind == "business" and rng.random() < 0.95:
                    division = rng.choice(SECTION_DIVISIONS[section_picker.pick(rng)])
                    codes = [f"{division:02d}{rng.randrange(100, 1000):03d}"]
                    if rng.random() < 0.15:
                        # A second activity, often professional services.
                        second = rng.choice(SECTION_DIVISIONS["M"])
                        codes.append(f"{second:02d}{rng.randrange(100, 1000):03d}")
                sector = sic.sector_of(codes)
                roll = rng.random()
                if roll < 0.07:
                    employees = None
                elif roll < 0.07 + 0.83:
                    employees = rng.randrange(0, 10)
                elif roll < 0.07 + 0.83 + 0.08:
                    employees = rng.randrange(10, 50)
                elif roll < 0.993:
                    employees = rng.randrange(50, 250)
                else:
                    employees = rng.randrange(250, 5000)
                la_name, _, area, wards, town = la_picker.pick(rng)
                postcode = (
                    f"{area}{rng.randrange(1, 40)} {rng.randrange(1, 10)}"
                    f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                )
                key_account = rng.random() < (0.25 if employees and employees >= 50 else 0.012)
                manager = self.officer_ids[org_id % len(self.officer_ids)] if key_account else None
                if manager is not None:
                    self.org_manager[org_id] = manager
                has_number = kind in ("business", "trade_body") and rng.random() < 0.8
                company_number = (
                    (f"SC{org_id % 1_000_000:06d}" if org_id % 9 == 0 else f"{org_id:08d}")
                    if has_number
                    else ""
                )
                if la_name in RURAL_LOCAL_AUTHORITIES:
                    rural = "rural" if rng.random() < 0.6 else "urban"
                else:
                    rural = "urban" if rng.random() < 0.95 else "unknown"
                created = now - datetime.timedelta(days=rng.randrange(30, 5 * 365))
                self.org_employees.append(-1 if employees is None else employees)
                # Engagement weight: key accounts and larger firms are met far more often;
                # most micro firms never (SPEC §5 coverage is about exactly this skew).
                weight = 0.0
                if key_account:
                    weight = 40.0
                elif rng.random() < (0.15 if employees is None or employees < 10 else 0.6):
                    weight = rng.paretovariate(1.3) * (1 + min(employees or 0, 500) / 25)
                self.org_weight.append(weight)
                yield (
                    org_id, name, normalise_name(name), company_number, kind,
                    _json_list(codes), sector["code"] if sector else "", employees,
                    size_band_for(employees), ownerships.pick(rng),
                    f"{rng.randrange(1, 300)} {rng.choice(NAME_FIRST)} Road", town, postcode,
                    rng.choice(wards), la_name, rural, key_account, manager,
                    "active" if rng.random() < 0.97 else "dissolved", created, created,
                )  # fmt: skip

        self._timed("organisations", Organisation, columns, rows())
        engaged = [(first_id + i, w) for i, w in enumerate(self.org_weight) if w > 0]
        if not engaged:
            engaged = [(first_id + i, 1.0) for i in range(count)]
        self.engaged_picker = WeightedPicker([org for org, _ in engaged], [w for _, w in engaged])

        tag_columns = ("organisation_id", "tag_id")

        def tag_rows() -> Iterator[Row]:
            for index in range(count):
                if rng.random() < 0.15:
                    for tag_id in rng.sample(self.tag_ids, rng.choice((1, 1, 2))):
                        yield (first_id + index, tag_id)

        self._timed("organisation tags", Organisation.tags.through, tag_columns, tag_rows())

    # -- people -----------------------------------------------------------------------------
    def people(self) -> None:
        rng = self.rng
        count = self.counts.people
        first_id = _next_id(Person)
        orgs = self.counts.organisations
        self.person_first_id = first_id
        # People per organisation: every organisation gets one, engaged ones more.
        self.org_people: dict[int, list[int]] = {}
        self.person_email: dict[int, str] = {}
        self.person_org = array("q")
        now = datetime.datetime.now(tz=UTC)
        columns = (
            "id", "first_name", "last_name", "email", "phone", "job_title", "organisation_id",
            "lawful_basis", "marketing_consent", "consent_recorded_at", "consent_source",
            "do_not_contact", "created", "updated",
        )  # fmt: skip
        bases = WeightedPicker(
            ["public_task", "legitimate_interests", "consent", "contract"], [70, 15, 12, 3]
        )

        def rows() -> Iterator[Row]:
            for index in range(count):
                person_id = first_id + index
                org_id: int | None
                if index < orgs:
                    org_id = self.org_first_id + index
                elif rng.random() < 0.9:
                    org_id = self.engaged_picker.pick(rng)
                else:
                    org_id = self.org_first_id + rng.randrange(orgs) if orgs else None
                first = rng.choice(FIRST_NAMES)
                last = rng.choice(LAST_NAMES)
                email = (
                    f"{first}.{last}.{person_id}@business{(org_id or 0) % 5000}.example".lower()
                    if rng.random() < 0.9
                    else None
                )
                if org_id is not None:
                    self.org_people.setdefault(org_id, []).append(person_id)
                if email:
                    self.person_email[person_id] = email
                self.person_org.append(org_id or 0)
                consent = rng.random() < 0.35
                created = now - datetime.timedelta(days=rng.randrange(1, 4 * 365))
                yield (
                    person_id, first, last, email,
                    f"0121 {rng.randrange(100, 1000)} {rng.randrange(1000, 10000)}"
                    if rng.random() < 0.6 else "",
                    rng.choice(JOB_TITLES), org_id, bases.pick(rng), consent,
                    created if consent else None, "Event sign-up form" if consent else "",
                    rng.random() < 0.02, created, created,
                )  # fmt: skip

        self._timed("people", Person, columns, rows())

    # -- events and registrations --------------------------------------------------------------
    def events(self) -> None:
        rng = self.rng
        count = self.counts.events
        first_id = _next_id(Event)
        self.past_event_ids: list[int] = []
        columns = (
            "id", "title", "description", "kind", "starts_at", "ends_at", "venue_name",
            "venue_address", "online_url", "accessibility_info", "capacity", "waitlist_enabled",
            "registration_opens_at", "registration_closes_at", "slug", "status", "organiser_id",
            "hosted_by_id", "reminder_sent_at", "created", "updated",
        )  # fmt: skip
        plans: list[tuple[int, int, bool, datetime.datetime, bool]] = []

        def rows() -> Iterator[Row]:
            for index in range(count):
                event_id = first_id + index
                # ~6% upcoming (next three months), the rest over the past three years.
                upcoming = rng.random() < 0.06
                offset = rng.randrange(1, 90) if upcoming else -rng.randrange(1, self.days)
                day = self.today + datetime.timedelta(days=offset)
                starts = self._stamp(day, rng.choice((8, 9, 10, 14, 17)) * 3600)
                ends = starts + datetime.timedelta(hours=rng.choice((1, 2, 3, 8)))
                kind = rng.choice(EVENT_KINDS)
                capacity = rng.choice((20, 30, 40, 50, 60, 80, 100, 150, 250))
                waitlist = rng.random() < 0.8
                status = "published"
                if upcoming and rng.random() < 0.15:
                    status = "draft"
                elif rng.random() < 0.03:
                    status = "cancelled"
                online = kind == "webinar"
                hosted = self.engaged_picker.pick(rng) if rng.random() < 0.2 else None
                created = starts - datetime.timedelta(days=rng.randrange(20, 90))
                plans.append((event_id, capacity, waitlist, starts, status == "published"))
                if not upcoming and status == "published":
                    self.past_event_ids.append(event_id)
                topic = rng.choice(EVENT_TOPICS)
                yield (
                    event_id, f"{topic}", f"{topic}: a {kind} for local businesses.", kind,
                    starts, ends, "" if online else rng.choice(VENUES),
                    "" if online else f"{rng.randrange(1, 200)} Broad Street",
                    "https://meet.example/placevoice" if online else "",
                    "Step-free access, hearing loop and accessible toilets.", capacity, waitlist,
                    created, starts - datetime.timedelta(hours=12), f"volume-event-{event_id}",
                    status, rng.choice(self.organiser_ids), hosted,
                    starts - datetime.timedelta(days=1) if not upcoming else None,
                    created, created,
                )  # fmt: skip

        self._timed("events", Event, columns, rows())
        registration_first = _next_id(Registration)
        emails = list(self.person_email.items())
        reg_columns: tuple[str, ...] = (
            "id", "event_id", "person_id", "organisation_id", "email", "status",
            "waitlist_position", "requirements", "cancel_token", "attended", "checked_in_at",
            "cancelled_at", "created", "updated",
        )  # fmt: skip
        if any(f.name == "confirmation_sent_at" for f in Registration._meta.concrete_fields):
            # Their emails went out long ago: the sweep must not send 40,000 of them now.
            reg_columns = (*reg_columns, "confirmation_sent_at")
        with_sent = reg_columns[-1] == "confirmation_sent_at"
        now = datetime.datetime.now(tz=UTC)

        def reg_rows() -> Iterator[Row]:
            next_id = registration_first
            if not emails:
                return
            for event_id, capacity, waitlist, starts, live in plans:
                if not live:
                    continue
                past = starts < now
                wanted = int(capacity * rng.uniform(0.4, 1.2 if waitlist else 1.0))
                chosen = rng.sample(emails, min(wanted, len(emails)))
                confirmed = waiting = 0
                for order, (person_id, email) in enumerate(chosen):
                    created = (
                        starts - datetime.timedelta(days=30) + datetime.timedelta(minutes=order * 7)
                    )
                    cancelled = rng.random() < 0.05
                    position = None
                    attended = None
                    if cancelled:
                        status = "cancelled"
                    elif confirmed < capacity:
                        status = "confirmed"
                        confirmed += 1
                        if past:
                            attended = rng.random() < 0.8
                    elif waitlist:
                        status = "waitlisted"
                        waiting += 1
                        position = waiting
                    else:
                        continue
                    org_id = self.person_org[person_id - self.person_first_id] or None
                    row: Row = (
                        next_id, event_id, person_id, org_id, email, status, position,
                        "Vegetarian" if rng.random() < 0.1 else "",
                        f"vol{next_id:x}{rng.getrandbits(128):032x}", attended,
                        starts if attended else None,
                        created + datetime.timedelta(days=3) if cancelled else None,
                        created, created,
                    )  # fmt: skip
                    yield (*row, created) if with_sent else row
                    next_id += 1

        self._timed("registrations", Registration, reg_columns, reg_rows())

    # -- interactions ---------------------------------------------------------------------------
    def interactions(self) -> None:
        rng = self.rng
        count = self.counts.interactions
        first_id = _next_id(Interaction)
        self.interaction_first_id = first_id
        self.interaction_day = array("l")  # ordinal
        self.interaction_org = array("q")
        self.interaction_officer = array("q")
        self.interaction_confidential = bytearray()
        kinds = WeightedPicker(
            list(INTERACTION_KIND_WEIGHTS), list(INTERACTION_KIND_WEIGHTS.values())
        )
        levels = WeightedPicker(
            ["inform", "consult", "involve", "collaborate", "empower"], [20, 50, 18, 10, 2]
        )
        columns = (
            "id", "kind", "occurred_on", "title", "notes", "officer_id", "participation_level",
            "confidential", "event_id", "created", "updated",
        )  # fmt: skip
        extra_orgs: list[tuple[int, int]] = []

        def rows() -> Iterator[Row]:
            for index in range(count):
                interaction_id = first_id + index
                org_id = self.engaged_picker.pick(rng)
                manager = self.org_manager.get(org_id)
                officer = (
                    manager if manager and rng.random() < 0.7 else self.officer_picker.pick(rng)
                )
                day = self._recent_day()
                kind = kinds.pick(rng)
                confidential = rng.random() < 0.008
                event_id = (
                    rng.choice(self.past_event_ids)
                    if kind == "event" and self.past_event_ids
                    else None
                )
                if kind in ("workshop", "event") and rng.random() < 0.5:
                    extra_orgs.append((interaction_id, self.engaged_picker.pick(rng)))
                self.interaction_day.append(day.toordinal())
                self.interaction_org.append(org_id)
                self.interaction_officer.append(officer or 0)
                self.interaction_confidential.append(confidential)
                stamp = self._stamp(day)
                yield (
                    interaction_id, kind, day, rng.choice(INTERACTION_TITLES[kind]),
                    rng.choice(NOTES), officer, levels.pick(rng), confidential, event_id,
                    stamp, stamp,
                )  # fmt: skip

        self._timed("interactions", Interaction, columns, rows())
        org_through = Interaction.organisations.through

        def org_rows() -> Iterator[Row]:
            extras: dict[int, int] = dict(extra_orgs)
            for index in range(count):
                interaction_id = first_id + index
                org_id = self.interaction_org[index]
                yield (interaction_id, org_id)
                other = extras.get(interaction_id)
                if other is not None and other != org_id:
                    yield (interaction_id, other)

        self._timed(
            "interaction organisations",
            org_through,
            ("interaction_id", "organisation_id"),
            org_rows(),
        )

        def people_rows() -> Iterator[Row]:
            for index in range(count):
                people = self.org_people.get(self.interaction_org[index])
                if people and rng.random() < 0.75:
                    yield (first_id + index, people[rng.randrange(len(people))])

        self._timed(
            "interaction people",
            Interaction.people.through,
            ("interaction_id", "person_id"),
            people_rows(),
        )

    # -- insights -------------------------------------------------------------------------------
    def insights(self) -> None:
        rng = self.rng
        count = self.counts.insights
        first_id = _next_id(Insight)
        interactions = len(self.interaction_org)
        kinds = WeightedPicker(["barrier", "opportunity", "observation"], [55, 25, 20])
        attributions = WeightedPicker(["named", "anonymous", "confidential"], [30, 68.8, 1.2])
        parent_of = dict(Theme.objects.filter(parent__isnull=False).values_list("id", "parent_id"))
        theme_rows: list[Row] = []
        columns = (
            "id", "organisation_id", "interaction_id", "kind", "severity", "statement", "quote",
            "attribution", "confidential", "recorded_on", "created_by_id", "created", "updated",
        )  # fmt: skip
        through = Insight.themes.through
        chunk = 100_000

        def themes_for() -> list[int]:
            if self.sub_picker is None:
                return [rng.choice(self.top_theme_ids)] if self.top_theme_ids else []
            chosen = {self.sub_picker.pick(rng)}
            roll = rng.random()
            if roll < 0.3:
                chosen.add(self.sub_picker.pick(rng))
            if roll < 0.05:
                chosen.add(self.sub_picker.pick(rng))
            if rng.random() < 0.1:
                # Sometimes only the parent, or the parent as well, is tagged.
                first = next(iter(chosen))
                chosen = (
                    {parent_of.get(first, first)}
                    if rng.random() < 0.5
                    else chosen | {parent_of.get(first, first)}
                )
            return sorted(chosen)

        def rows(start: int, stop: int) -> Iterator[Row]:
            for index in range(start, stop):
                insight_id = first_id + index
                if interactions and rng.random() < 0.88:
                    source = rng.randrange(interactions)
                    interaction_id: int | None = self.interaction_first_id + source
                    org_id = self.interaction_org[source]
                    day = datetime.date.fromordinal(self.interaction_day[source])
                    author = self.interaction_officer[source] or None
                    interaction_confidential = bool(self.interaction_confidential[source])
                else:
                    interaction_id = None
                    org_id = self.engaged_picker.pick(rng)
                    day = self._recent_day()
                    author = self.officer_picker.pick(rng)
                    interaction_confidential = False
                kind = kinds.pick(rng)
                attribution = attributions.pick(rng)
                theme_ids = themes_for()
                for theme_id in theme_ids:
                    theme_rows.append((insight_id, theme_id))
                name = self.theme_names.get(theme_ids[0], "this") if theme_ids else "this"
                quote = rng.choice(QUOTES) if rng.random() < 0.3 else ""
                stamp = self._stamp(day)
                yield (
                    insight_id, org_id, interaction_id, kind,
                    rng.randrange(1, 6) if rng.random() < 0.7 else None,
                    f"{rng.choice(STATEMENT_OPENERS[kind])} {name.lower()}.",
                    quote, attribution,
                    attribution == "confidential" or interaction_confidential,
                    day, author, stamp, stamp,
                )  # fmt: skip

        for start in range(0, count, chunk):
            stop = min(count, start + chunk)
            self._timed("insights", Insight, columns, rows(start, stop))
            self._timed("insight themes", through, ("insight_id", "theme_id"), iter(theme_rows))
            theme_rows.clear()
            self.log(f"  insights {stop:,}/{count:,}")

    # -- actions ------------------------------------------------------------------------------
    def actions(self) -> None:
        rng = self.rng
        count = self.counts.actions
        interactions = len(self.interaction_org)
        if not interactions:
            return
        first_id = _next_id(Action)
        columns = (
            "id", "organisation_id", "interaction_id", "description", "assignee_id", "due_on",
            "status", "completed_at", "created_by_id", "created", "updated",
        )  # fmt: skip
        descriptions = [
            "Send details of the skills bootcamp",
            "Introduce to the export adviser",
            "Share list of available premises",
            "Follow up on grant application",
            "Arrange visit with the university",
            "Send apprenticeship levy guide",
        ]

        def rows() -> Iterator[Row]:
            for index in range(count):
                source = rng.randrange(interactions)
                day = datetime.date.fromordinal(self.interaction_day[source])
                officer = self.interaction_officer[source] or None
                due = day + datetime.timedelta(days=rng.choice((7, 14, 28, 60)))
                # Older promises are mostly kept; recent ones are mostly still open.
                done = rng.random() < (0.95 if (self.today - day).days > 90 else 0.4)
                created = self._stamp(day)
                yield (
                    first_id + index, self.interaction_org[source],
                    self.interaction_first_id + source, rng.choice(descriptions), officer, due,
                    "done" if done else "open",
                    created + datetime.timedelta(days=rng.randrange(1, 30)) if done else None,
                    officer, created, created,
                )  # fmt: skip

        self._timed("actions", Action, columns, rows())

    # -- all --------------------------------------------------------------------------------------
    def run(self) -> SeedReport:
        started = time.perf_counter()
        self.ensure_users()
        self.ensure_themes()
        tables = [model._meta.db_table for model in DATA_TABLES]
        self.writer.begin_bulk(tables)
        try:
            for step in (self.organisations, self.people, self.events, self.interactions,
                         self.insights, self.actions):  # fmt: skip
                step_started = time.perf_counter()
                step()
                self.log(f"{step.__name__}: {time.perf_counter() - step_started:.1f}s")
        finally:
            step_started = time.perf_counter()
            self.writer.end_bulk()
            self.report.seconds["indexes and statistics"] = time.perf_counter() - step_started
            self.log(f"indexes and statistics: {time.perf_counter() - step_started:.1f}s")
        self.report.seconds["total"] = time.perf_counter() - started
        return self.report


def _json_list(codes: list[str]) -> str | list[str]:
    # COPY takes the JSON text; bulk_create takes the Python list.
    if connection.vendor == "postgresql":
        return "[" + ", ".join(f'"{code}"' for code in codes) + "]"
    return codes


def seed(
    *,
    counts: VolumeCounts,
    seed: int = 1,
    reset_first: bool = False,
    log: Callable[[str], None] = lambda message: None,
    today: datetime.date | None = None,
) -> SeedReport:
    """Generate `counts` rows (added to what is there, or after `reset()` with reset_first)."""
    if reset_first:
        reset()
    generator = VolumeGenerator(
        counts=counts, seed=seed, writer=writer_for_connection(), log=log, today=today
    )
    return generator.run()
