"""The demo area for `manage.py seed_demo`: a small, realistic slice of Oxfordshire.

About 300 organisations across three local authorities (Oxford, Cherwell, West Oxfordshire),
in urban and rural wards, weighted by sector and size like a real local economy (mostly micro
businesses, professional services, construction and retail the largest sectors), plus trade
bodies, universities, colleges and anchor institutions; their people; key accounts with
account managers; staff logins for each role; and 18 months of engagement: 1-2-1s and other
interactions, insights tagged against the shared taxonomy, follow-up actions, events with
registrations, attendance and a waitlist. Everything is generated from a fixed random seed
(dates relative to today) and written with bulk inserts in one transaction.

Lives in insights because it seeds every app (contacts ← engagement ← insights).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from contacts import validators
from contacts.models import LawfulBasis, Organisation, Person, Tag
from core.models import JobStatus
from engagement.models import (
    Action,
    ActionStatus,
    Event,
    EventKind,
    EventStatus,
    Interaction,
    InteractionKind,
    ParticipationLevel,
    Registration,
    RegistrationStatus,
)
from evidence import services as summary_services
from evidence.models import EvidenceSummary
from insights.models import Attribution, Insight, InsightKind, Theme

SEED = 20260101
DEMO_PASSWORD = "placevoice-demo"
ORGANISATIONS = 300
INTERACTIONS = 400
MONTHS = 18

STAFF = [
    # username, role, first name, last name
    ("olivia", "officer", "Olivia", "Bennett"),
    ("oscar", "officer", "Oscar", "Okafor"),
    ("omar", "organiser", "Omar", "Haddad"),
    ("grace", "growth_group", "Grace", "Whitfield"),
]


@dataclass(frozen=True)
class Ward:
    name: str
    local_authority: str
    town: str
    districts: tuple[str, ...]
    rural: bool
    weight: int


WARDS = [
    Ward("Carfax and Jericho", "Oxford", "Oxford", ("OX1", "OX2"), False, 9),
    Ward("Cowley", "Oxford", "Oxford", ("OX4",), False, 8),
    Ward("Headington", "Oxford", "Oxford", ("OX3",), False, 7),
    Ward("Summertown", "Oxford", "Oxford", ("OX2",), False, 5),
    Ward("Blackbird Leys", "Oxford", "Oxford", ("OX4",), False, 4),
    Ward("Littlemore", "Oxford", "Oxford", ("OX4",), False, 3),
    Ward("Banbury Cross and Neithrop", "Cherwell", "Banbury", ("OX16",), False, 7),
    Ward("Bicester East", "Cherwell", "Bicester", ("OX26",), False, 6),
    Ward("Kidlington East", "Cherwell", "Kidlington", ("OX5",), False, 4),
    Ward("Deddington", "Cherwell", "Deddington", ("OX15",), True, 3),
    Ward("Adderbury, Bloxham and Bodicote", "Cherwell", "Adderbury", ("OX17", "OX15"), True, 3),
    Ward("Launton and Otmoor", "Cherwell", "Launton", ("OX26", "OX5"), True, 2),
    Ward("Witney Central", "West Oxfordshire", "Witney", ("OX28",), False, 6),
    Ward("Carterton North East", "West Oxfordshire", "Carterton", ("OX18",), False, 3),
    Ward("Chipping Norton", "West Oxfordshire", "Chipping Norton", ("OX7",), True, 3),
    Ward("Burford", "West Oxfordshire", "Burford", ("OX18",), True, 2),
    Ward("Eynsham and Cassington", "West Oxfordshire", "Eynsham", ("OX29",), True, 3),
    Ward("Charlbury and Finstock", "West Oxfordshire", "Charlbury", ("OX7",), True, 2),
    Ward("Woodstock and Bladon", "West Oxfordshire", "Woodstock", ("OX20",), True, 2),
]
WARDS_BY_NAME = {ward.name: ward for ward in WARDS}

# SIC section → (weight in the local business count, [(code, name stems…)], cluster tags).
SECTORS: dict[str, tuple[int, list[tuple[str, tuple[str, ...]]], tuple[str, ...]]] = {
    "M": (
        17,
        [
            ("69102", ("Solicitors", "Law")),
            ("69201", ("Accountants", "Chartered Accountants")),
            ("70229", ("Consulting", "Management Consultants", "Associates")),
            ("71111", ("Architects", "Design Studio")),
            ("71122", ("Engineering Consultants", "Surveyors")),
            ("72110", ("Biosciences", "Therapeutics", "Bio Labs")),
            ("72190", ("Research", "Quantum Technologies", "Space Systems")),
            ("73110", ("Marketing", "Creative Agency")),
        ],
        ("life sciences", "space", "creative industries"),
    ),
    "F": (
        12,
        [
            ("41202", ("Builders", "Homes")),
            ("43210", ("Electrical", "Electrical Contractors")),
            ("43220", ("Plumbing and Heating", "Heating Services")),
            ("43320", ("Joinery", "Carpentry")),
            ("43910", ("Roofing",)),
        ],
        ("net zero",),
    ),
    "G": (
        14,
        [
            ("47190", ("Stores", "Trading Co")),
            ("47710", ("Boutique", "Clothing")),
            ("47240", ("Bakery", "Bakehouse")),
            ("46390", ("Wholesale Foods", "Provisions")),
            ("45200", ("Motors", "Garage")),
            ("47610", ("Books", "Bookshop")),
        ],
        ("agri-food",),
    ),
    "J": (
        9,
        [
            ("62012", ("Software", "Digital", "Apps")),
            ("62020", ("IT Services", "Tech Solutions")),
            ("63110", ("Data", "Analytics", "Cloud")),
            ("58210", ("Games", "Interactive")),
            ("59111", ("Films", "Productions")),
        ],
        ("digital", "creative industries"),
    ),
    "N": (
        8,
        [
            ("81210", ("Cleaning Services",)),
            ("82990", ("Business Services", "Office Solutions")),
            ("78109", ("Recruitment", "Talent")),
            ("77110", ("Vehicle Hire",)),
        ],
        (),
    ),
    "I": (
        8,
        [
            ("56101", ("Kitchen", "Bistro", "Cafe")),
            ("56302", ("Arms", "Inn", "Tap House")),
            ("55100", ("Hotel", "Lodge")),
        ],
        ("visitor economy",),
    ),
    "C": (
        7,
        [
            ("25620", ("Precision Engineering", "Machining")),
            ("29320", ("Automotive Components", "Motorsport")),
            ("21200", ("Pharma", "Biologics")),
            ("11050", ("Brewery", "Brewing Co")),
            ("10710", ("Bakeries", "Fine Foods")),
            ("26511", ("Instruments", "Sensors")),
            ("30300", ("Aerospace", "Satellites")),
        ],
        ("automotive", "life sciences", "space", "agri-food"),
    ),
    "Q": (
        4,
        [("86230", ("Dental Practice",)), ("87300", ("Care", "Care Homes"))],
        ("life sciences",),
    ),
    "S": (5, [("96020", ("Hair Studio", "Salon")), ("95110", ("Computer Repairs",))], ()),
    "R": (
        4,
        [("90030", ("Arts", "Studios")), ("93130", ("Fitness", "Gym")), ("91020", ("Museum",))],
        ("creative industries", "visitor economy"),
    ),
    "A": (
        4,
        [("01110", ("Farms", "Farming")), ("01500", ("Estate", "Farm Partnership"))],
        ("agri-food",),
    ),
    "L": (4, [("68310", ("Estate Agents", "Property")), ("68209", ("Lettings",))], ()),
    "H": (
        3,
        [("49410", ("Haulage", "Logistics")), ("52290", ("Freight", "Couriers"))],
        (),
    ),
    "K": (2, [("66220", ("Insurance Brokers",)), ("64999", ("Capital", "Finance"))], ()),
    "E": (1, [("38110", ("Waste Services", "Recycling"))], ("net zero",)),
}
SIZE_WEIGHTS = [("micro", 74), ("small", 18), ("medium", 6), ("large", 2)]
SIZE_RANGES = {"micro": (0, 9), "small": (10, 49), "medium": (50, 249), "large": (250, 1200)}

PLACE_WORDS = [
    "Cherwell",
    "Isis",
    "Thames",
    "Cotswold",
    "Evenlode",
    "Windrush",
    "Otmoor",
    "Radcliffe",
    "Magdalen",
    "Shotover",
    "Wychwood",
    "Glyme",
    "Bladon",
    "Binsey",
    "Godstow",
    "Wolvercote",
    "Iffley",
    "Marston",
    "Kennington",
    "Harcourt",
    "Blenheim",
    "Ditchley",
    "Cornbury",
    "Rollright",
    "Swinbrook",
    "Ock",
    "Ray",
]
SURNAMES = [
    "Shah",
    "Evans",
    "Patel",
    "Morris",
    "Clarke",
    "Hughes",
    "Khan",
    "Wright",
    "Turner",
    "Hall",
    "Green",
    "Ahmed",
    "Walker",
    "Price",
    "Ward",
    "Begum",
    "Cooper",
    "Kaur",
    "Harris",
    "Lewis",
    "Robinson",
    "Okafor",
    "Nowak",
    "Edwards",
    "Bennett",
    "Foster",
    "Hussain",
    "Murray",
    "Reid",
    "Singh",
    "Baker",
    "Chapman",
    "Mensah",
    "Fletcher",
    "Doyle",
    "Kowalski",
    "Grant",
    "Lloyd",
]
FIRST_NAMES = [
    "Priya",
    "Tom",
    "Aisha",
    "James",
    "Sophie",
    "Mohammed",
    "Emma",
    "Daniel",
    "Hannah",
    "Ravi",
    "Chloe",
    "Oliver",
    "Fatima",
    "Jack",
    "Grace",
    "Kwame",
    "Lucy",
    "Harry",
    "Zara",
    "George",
    "Ellie",
    "Tariq",
    "Megan",
    "Sam",
    "Anna",
    "Ben",
    "Niamh",
    "Marek",
    "Olu",
    "Rachel",
    "Imran",
    "Charlotte",
    "Lewis",
    "Mei",
    "Joe",
    "Amira",
    "Callum",
    "Ruth",
    "Dev",
    "Isla",
]
JOB_TITLES = [
    "Managing Director",
    "Founder",
    "Owner",
    "Operations Director",
    "Finance Director",
    "HR Manager",
    "Head of Innovation",
    "Office Manager",
    "Chief Executive",
    "Partner",
    "Commercial Director",
    "Sustainability Lead",
    "Head of People",
    "Production Manager",
]
STREETS = [
    "High Street",
    "Station Road",
    "Church Lane",
    "Mill Lane",
    "London Road",
    "Banbury Road",
    "Park End Street",
    "Market Square",
    "Garsington Road",
    "Sandy Lane",
    "Bridge Street",
    "Bicester Road",
    "Woodstock Road",
    "Corn Street",
    "Manor Farm",
    "Innovation Way",
]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# Institutions every area has: (name, kind, sic, employees, ward, ownership, tags, key account).
INSTITUTIONS: list[tuple[str, str, str, int, str, str, tuple[str, ...], bool]] = [
    (
        "University of Central Oxfordshire",
        "higher_education",
        "85421",
        9800,
        "Carfax and Jericho",
        "public",
        ("life sciences", "space"),
        True,
    ),
    (
        "Headington Brookes University",
        "higher_education",
        "85421",
        2900,
        "Headington",
        "public",
        ("creative industries",),
        True,
    ),
    (
        "Cherwell Valley College",
        "further_education",
        "85320",
        640,
        "Banbury Cross and Neithrop",
        "public",
        (),
        True,
    ),
    (
        "West Oxfordshire College",
        "further_education",
        "85320",
        310,
        "Witney Central",
        "public",
        ("agri-food",),
        False,
    ),
    (
        "Oxfordshire Hospitals NHS Trust",
        "anchor_institution",
        "86101",
        12000,
        "Headington",
        "public",
        ("life sciences",),
        True,
    ),
    (
        "Cowley Motor Works",
        "anchor_institution",
        "29100",
        4200,
        "Cowley",
        "limited_company",
        ("automotive", "net zero"),
        True,
    ),
    (
        "Oxfordshire Business Federation",
        "trade_body",
        "94110",
        14,
        "Carfax and Jericho",
        "other",
        (),
        False,
    ),
    (
        "Oxfordshire Life Sciences Network",
        "trade_body",
        "94110",
        6,
        "Headington",
        "other",
        ("life sciences",),
        False,
    ),
    (
        "Cotswold Visitor Economy Partnership",
        "trade_body",
        "94110",
        4,
        "Burford",
        "other",
        ("visitor economy",),
        False,
    ),
    (
        "North Oxfordshire Farmers' Association",
        "trade_body",
        "94110",
        3,
        "Deddington",
        "other",
        ("agri-food",),
        False,
    ),
    (
        "Witney Community Enterprise Trust",
        "voluntary",
        "88990",
        22,
        "Witney Central",
        "charity",
        (),
        False,
    ),
    (
        "Banbury Town Council",
        "public_body",
        "84110",
        65,
        "Banbury Cross and Neithrop",
        "public",
        (),
        False,
    ),
]

# What businesses say, by sub-theme: (kind, statement, quote or "", and optionally the SIC
# sections the quote rings true for: a lathe is a manufacturer's, weekend shifts a cafe's or a
# shop's). A quote with no sections fits any organisation.
Saying = tuple[str, str, str] | tuple[str, str, str, str]
SAYINGS: dict[str, list[Saying]] = {
    "market-trends": [
        (
            "observation",
            "Customers are delaying orders until interest rates settle.",
            "Everyone's sitting on their hands until rates come down.",
        ),
        ("opportunity", "Growing demand for low-carbon retrofit work from homeowners.", ""),
    ],
    "growth-plans": [
        (
            "opportunity",
            "Would open a second outlet if a suitable site came up.",
            "With the right site we'd open a second shop next year.",
            "GIS",
        ),
        (
            "opportunity",
            "Plans to double headcount over two years if premises can be found.",
            "We could be fifty people by 2027 if we had somewhere to put them.",
        ),
        ("opportunity", "Considering a second site in the north of the county.", ""),
    ],
    "exporting": [
        (
            "barrier",
            "Post-Brexit paperwork has made small EU orders uneconomic.",
            "We've stopped selling to Europe under about five hundred pounds an order.",
            "ACG",
        ),
        (
            "opportunity",
            "Strong interest from US customers; wants help with a first trade mission.",
            "",
        ),
    ],
    "premises": [
        (
            "barrier",
            "Has outgrown its unit and cannot find a bigger one nearby.",
            "We're storing stock in a shipping container in the car park.",
            "CGH",
        ),
        (
            "barrier",
            "Office rents in the town centre have risen faster than turnover.",
            "Our rent went up a third at the last review.",
        ),
        (
            "barrier",
            "Cannot find lab or light-industrial space at a rent they can afford.",
            "There's nothing between a garden shed and a ten-thousand square foot unit.",
            "CFJM",
        ),
        ("barrier", "Landlord will not agree to the fit-out needed for growth.", ""),
    ],
    "skilled-labour": [
        (
            "barrier",
            "Cannot find qualified electricians or plumbers to take on.",
            "Every good electrician round here already has more work than they can do.",
            "F",
        ),
        (
            "barrier",
            "Chefs and front-of-house staff are hard to find and to keep.",
            "We've had a chef vacancy open since the spring.",
            "I",
        ),
        (
            "barrier",
            "Vacancies for engineers stay open for months.",
            "We lose good candidates to Harwell and London every time.",
            "CJMP",
        ),
        ("barrier", "Shortage of experienced technicians and trades.", ""),
    ],
    "cost-of-living": [
        (
            "barrier",
            "Customers are spending less, so takings are down on last year.",
            "People still come in, but they spend half what they used to.",
            "GIRS",
        ),
        (
            "barrier",
            "Staff asking for pay rises the business cannot afford.",
            "My team can't afford to live here on what I can pay them.",
        ),
        ("barrier", "Energy costs have squeezed margins to nothing.", ""),
    ],
    "housing": [
        (
            "barrier",
            "Young staff leave the area because they cannot afford to rent.",
            "Our apprentices live with their parents or they leave.",
        ),
        (
            "barrier",
            "Recruits turn down offers because they cannot find housing nearby.",
            "Two people turned us down last month purely because of rents.",
        ),
    ],
    "transport": [
        (
            "barrier",
            "Shift workers cannot get to the site for early starts by public transport.",
            "The first bus gets here after our six o'clock shift starts.",
            "CHN",
        ),
        (
            "barrier",
            "Staff without cars cannot reach the site: no bus after 6pm.",
            "If you don't drive, you can't work for us.",
        ),
        ("barrier", "Congestion on the A34 and A40 adds hours to deliveries.", ""),
    ],
    "digital-connectivity": [
        (
            "barrier",
            "Rural broadband too slow for cloud software and video calls.",
            "We drive into Witney to upload files.",
        ),
    ],
    "regulation": [
        ("barrier", "Planning decisions take too long for a small firm to plan around.", ""),
        ("observation", "Unclear what new packaging rules will mean for them.", ""),
    ],
    "recruitment": [
        (
            "barrier",
            "Job adverts get few applicants from the local area.",
            "We advertised a warehouse job and had three applicants.",
            "CGH",
        ),
        (
            "barrier",
            "Struggling to recruit entry-level staff for hospitality shifts.",
            "We can't staff weekends at all.",
            "GIRS",
        ),
        ("observation", "Has moved to recruiting through local schools and colleges.", ""),
    ],
    "apprenticeships": [
        (
            "barrier",
            "Apprenticeship paperwork is too much for a business this size.",
            "The levy system is built for big employers, not us.",
        ),
        ("opportunity", "Keen to take two apprentices if a local provider runs the course.", ""),
    ],
    "progression": [
        ("observation", "Staff leave for promotion because there is no next step internally.", ""),
    ],
    "training-provision": [
        (
            "barrier",
            "No local course for the specialist skills they need.",
            "The nearest course is in Birmingham.",
        ),
        ("opportunity", "Would co-design a short course with the college.", ""),
    ],
    "access-to-finance": [
        (
            "barrier",
            "Cannot get an overdraft to cover the gap between invoices and payment.",
            "We wait ninety days to be paid and the bank won't bridge it.",
        ),
        ("barrier", "Banks will not lend without security the founders do not have.", ""),
        (
            "barrier",
            "Finance for equipment too expensive at current rates.",
            "Our bank wanted twelve per cent for a lathe.",
            "C",
        ),
    ],
    "grants": [
        ("observation", "Did not know about local decarbonisation grants until today.", ""),
        ("opportunity", "Interested in applying for innovation grant funding.", ""),
    ],
    "investment-readiness": [
        (
            "opportunity",
            "Preparing a seed round; would value investor introductions.",
            "We're ready for investment but don't know where to start locally.",
        ),
    ],
    "local-suppliers": [
        ("opportunity", "Wants to buy more from local suppliers but cannot find them.", ""),
        ("observation", "Has brought two suppliers back from overseas to Oxfordshire.", ""),
    ],
    "procurement": [
        (
            "barrier",
            "Public-sector tenders are too complex for small firms to bid.",
            "We gave up on council contracts: the forms take a week.",
        ),
    ],
    "resilience": [
        ("barrier", "Single overseas supplier for a key component: a risk they worry about.", ""),
    ],
    "research-development": [
        ("opportunity", "Developing a new product with R&D tax credit support.", ""),
        (
            "barrier",
            "Changes to R&D tax relief have cut their research budget.",
            "The changes to R&D credits cost us a whole post.",
            "CJM",
        ),
    ],
    "university-links": [
        (
            "opportunity",
            "Wants a knowledge transfer partnership with a university.",
            "We'd love a KTP but don't know who to ask.",
            "CJMQ",
        ),
        ("observation", "Spin-out keeps close links with its university department.", ""),
    ],
    "innovation-support": [
        ("opportunity", "Would use an incubator with shared lab space.", ""),
    ],
    "technology-adoption": [
        ("opportunity", "Starting to use AI tools for quoting and scheduling.", ""),
        (
            "barrier",
            "Does not have the skills in-house to adopt new software.",
            "We know we should digitise but nobody here has time to learn it.",
        ),
    ],
}
# The sub-themes an insight may also be tagged with: the one thing it is about seen from
# another side (a bus that never comes is a recruitment problem too), so its quote fits every
# theme it is filed under.
RELATED_SUB_THEMES: dict[str, tuple[str, ...]] = {
    "skilled-labour": ("recruitment", "training-provision"),
    "housing": ("recruitment", "cost-of-living"),
    "transport": ("recruitment",),
    "cost-of-living": ("housing",),
    "recruitment": ("skilled-labour",),
    "growth-plans": ("access-to-finance",),
    "access-to-finance": ("investment-readiness",),
    "exporting": ("market-trends",),
    "apprenticeships": ("training-provision",),
    "training-provision": ("apprenticeships",),
    "research-development": ("university-links",),
    "university-links": ("research-development",),
}


def _fits(saying: Saying, organisation: Organisation) -> bool:
    """A saying whose quote rings true for this organisation's sector (or has no quote)."""
    sections = saying[3] if len(saying) > 3 else ""
    return not saying[2] or not sections or (organisation.sector_code or "") in sections


# Themes weighted as the area's officers hear them; premises, skills and housing loom large.
THEME_WEIGHTS = {
    "premises": 9,
    "skilled-labour": 9,
    "housing": 7,
    "transport": 6,
    "cost-of-living": 6,
    "recruitment": 6,
    "growth-plans": 5,
    "access-to-finance": 5,
    "market-trends": 4,
    "digital-connectivity": 3,
    "apprenticeships": 4,
    "training-provision": 3,
    "grants": 3,
    "university-links": 3,
    "technology-adoption": 3,
    "exporting": 3,
    "regulation": 3,
    "research-development": 3,
    "investment-readiness": 2,
    "local-suppliers": 2,
    "procurement": 2,
    "resilience": 2,
    "progression": 2,
    "innovation-support": 2,
}
ACTION_TEXTS = [
    "Send details of the local decarbonisation grant",
    "Introduce to the university's business partnerships team",
    "Share list of available commercial premises",
    "Refer to the county skills hub about apprenticeships",
    "Follow up on the planning application timeline",
    "Invite to the next networking breakfast",
    "Connect with the growth hub finance adviser",
    "Send the export support programme brochure",
    "Check progress on the site search",
]


@dataclass
class Summary:
    """What was created, for the command's output."""

    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, label: str, number: int) -> None:
        self.counts[label] = self.counts.get(label, 0) + number


def demo_area_exists() -> bool:
    return Organisation.objects.exists()


def seed_demo(*, stdout: Callable[[str], None] | None = None) -> Summary:
    """Create the demo area (see the module docstring). The database should hold no
    organisations yet; the caller checks (`--if-empty`)."""
    summary = Summary()
    with transaction.atomic():
        _Seeder(random.Random(SEED), timezone.localdate(), summary).run()
    _seed_summaries(summary)
    return summary


def _weighted(rng: random.Random, options: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([option for option, _ in options], [w for _, w in options])[0]


class _Seeder:
    def __init__(self, rng: random.Random, today: date, summary: Summary) -> None:
        self.rng = rng
        self.today = today
        self.summary = summary
        self.used_postcodes: set[str] = set()
        self.used_numbers: set[str] = set()
        self.used_names: set[str] = set()
        self.used_emails: set[str] = set()

    # --- contacts --------------------------------------------------------------------

    def run(self) -> None:
        self.staff = self._staff()
        self.officers = [self.staff["olivia"], self.staff["oscar"]]
        organisations, tag_links = self._organisations()
        self.organisations = organisations
        self._tags(tag_links)
        self.people = self._people(organisations)
        self.themes = {theme.slug: theme for theme in Theme.objects.all()}
        if not self.themes:
            self.summary.notes.append("No theme taxonomy found: insights were skipped")
        self._engagement()
        self._events()

    def _staff(self) -> dict[str, Any]:
        # The same logic as `manage.py create_user`, so demo logins behave like real ones.
        for username, role, first, last in STAFF:
            call_command(
                "create_user",
                username,
                role=role,
                password=DEMO_PASSWORD,
                email=f"{username}@council.example",
                first_name=first,
                last_name=last,
                stdout=_Null(),
            )
        users = {
            user.username: user
            for user in get_user_model().objects.filter(
                username__in=[username for username, *_ in STAFF]
            )
        }
        self.summary.add("staff logins", len(users))
        return users

    def _postcode(self, ward: Ward) -> str:
        while True:
            district = self.rng.choice(ward.districts)
            inward = (
                str(self.rng.randint(1, 9))
                + self.rng.choice(INWARD_LETTERS)
                + self.rng.choice(INWARD_LETTERS)
            )
            postcode = validators.normalise_postcode(f"{district}{inward}")
            if postcode not in self.used_postcodes:
                self.used_postcodes.add(postcode)
                return postcode

    def _company_number(self, prefix: str = "") -> str:
        while True:
            if prefix:
                number = prefix + f"{self.rng.randint(300000, 449999):06d}"
            else:
                number = f"{self.rng.randint(2000000, 15999999):08d}"
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                return number

    def _business_name(self, stems: tuple[str, ...], ward: Ward, ownership: str) -> str:
        for _ in range(50):
            stem = self.rng.choice(stems)
            style = self.rng.random()
            if style < 0.45:
                base = f"{self.rng.choice(PLACE_WORDS)} {stem}"
            elif style < 0.75:
                base = f"{self.rng.choice(SURNAMES)} {stem}"
            elif style < 0.9:
                base = f"{self.rng.choice(SURNAMES)} & {self.rng.choice(SURNAMES)} {stem}"
            else:
                base = f"{ward.town} {stem}"
            suffix = {"limited_company": " Ltd", "partnership": " LLP"}.get(ownership, "")
            name = base + suffix
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        raise RuntimeError("Ran out of demo business names")

    def _organisations(self) -> tuple[list[Organisation], list[tuple[Organisation, str]]]:
        rng = self.rng
        organisations: list[Organisation] = []
        tag_links: list[tuple[Organisation, str]] = []
        ward_options = [(ward, ward.weight) for ward in WARDS]
        for name, kind, code, staff_count, ward_name, ownership, tags, key in INSTITUTIONS:
            ward = WARDS_BY_NAME[ward_name]
            organisation = self._organisation(
                name=name,
                kind=kind,
                sic_code=code,
                employees=staff_count,
                ward=ward,
                ownership=ownership,
                company_number=self._company_number() if ownership == "limited_company" else "",
            )
            organisation.key_account = key
            organisations.append(organisation)
            tag_links += [(organisation, tag) for tag in tags]
        sector_options = [(letter, weight) for letter, (weight, _, _) in SECTORS.items()]
        while len(organisations) < ORGANISATIONS:
            ward = _weighted(rng, ward_options)
            letter = _weighted(rng, sector_options)
            if letter == "A" and not ward.rural and rng.random() < 0.8:
                continue  # farms are rural
            _, codes, cluster_tags = SECTORS[letter]
            code, stems = rng.choice(codes)
            band = _weighted(rng, SIZE_WEIGHTS)
            low, high = SIZE_RANGES[band]
            employees: int | None = rng.randint(max(low, 1), high)
            if band == "micro" and rng.random() < 0.08:
                employees = None  # not known yet
            ownership = _weighted(
                rng,
                [
                    ("limited_company", 70),
                    ("sole_trader", 12),
                    ("partnership", 8),
                    ("social_enterprise", 4),
                    ("cooperative", 2),
                    ("charity", 2),
                    ("other", 2),
                ],
            )
            if ownership == "sole_trader" and employees and employees > 9:
                ownership = "limited_company"
            number = ""
            if ownership == "limited_company":
                number = self._company_number()
            elif ownership == "partnership" and rng.random() < 0.7:
                number = self._company_number("OC")
            organisation = self._organisation(
                name=self._business_name(stems, ward, ownership),
                kind="business",
                sic_code=code,
                employees=employees,
                ward=ward,
                ownership=ownership,
                company_number=number,
            )
            if rng.random() < 0.06:
                extra = rng.choice(SECTORS[rng.choice(list(SECTORS))][1])[0]
                if extra != code:
                    organisation.sic_codes.append(extra)
            if rng.random() < 0.03:
                organisation.status = "dissolved"
            organisation.key_account = (band in ("medium", "large") and rng.random() < 0.5) or (
                band == "small" and rng.random() < 0.05
            )
            organisations.append(organisation)
            if cluster_tags and rng.random() < 0.6:
                tag_links.append((organisation, rng.choice(cluster_tags)))
        key_accounts = [org for org in organisations if org.key_account]
        for index, organisation in enumerate(key_accounts):
            organisation.account_manager = self.officers[index % 2]
        for organisation in organisations:
            organisation.refresh_derived()
        Organisation.objects.bulk_create(organisations)
        self.summary.add("organisations", len(organisations))
        self.summary.add("key accounts", len(key_accounts))
        return organisations, tag_links

    def _organisation(
        self,
        *,
        name: str,
        kind: str,
        sic_code: str,
        employees: int | None,
        ward: Ward,
        ownership: str,
        company_number: str,
    ) -> Organisation:
        street = f"{self.rng.randint(1, 120)} {self.rng.choice(STREETS)}"
        if employees and employees > 40 and self.rng.random() < 0.5:
            street = f"Unit {self.rng.randint(1, 30)}, {ward.town} Business Park"
        return Organisation(
            name=name,
            kind=kind,
            sic_codes=[sic_code],
            employees=employees,
            ownership=ownership,
            company_number=company_number,
            address=street,
            town=ward.town,
            postcode=self._postcode(ward),
            ward=ward.name,
            local_authority=ward.local_authority,
            rural_urban="rural" if ward.rural else "urban",
        )

    def _tags(self, links: list[tuple[Organisation, str]]) -> None:
        names = sorted({name for _, name in links})
        Tag.objects.bulk_create([Tag(name=name) for name in names], ignore_conflicts=True)
        ids = dict(Tag.objects.filter(name__in=names).values_list("name", "id"))
        through = Organisation.tags.through
        through.objects.bulk_create(
            [through(organisation_id=org.pk, tag_id=ids[name]) for org, name in links],
            ignore_conflicts=True,
        )
        self.summary.add("tags", len(names))

    def _people(self, organisations: list[Organisation]) -> dict[int, list[Person]]:
        rng = self.rng
        people: list[Person] = []
        by_organisation: dict[int, list[Person]] = {}
        now = timezone.now()
        for organisation in organisations:
            count = 3 if (organisation.employees or 0) >= 250 else rng.choice([1, 1, 2, 2, 3])
            domain = slugify(re.sub(r"\b(Ltd|LLP)\b", "", organisation.name))[:40].strip("-")
            titles = rng.sample(JOB_TITLES, count)
            for title in titles:
                first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
                email: str | None = f"{first}.{last}@{domain}.example".lower()
                if email in self.used_emails or rng.random() < 0.05:
                    email = None
                else:
                    self.used_emails.add(email or "")
                basis = _weighted(
                    rng,
                    [
                        (LawfulBasis.PUBLIC_TASK, 70),
                        (LawfulBasis.LEGITIMATE_INTERESTS, 15),
                        (LawfulBasis.CONSENT, 15),
                    ],
                )
                consent = basis == LawfulBasis.CONSENT or rng.random() < 0.3
                person = Person(
                    first_name=first,
                    last_name=last,
                    email=email,
                    phone=f"01865 {rng.randint(200000, 999999)}" if rng.random() < 0.6 else "",
                    job_title=title,
                    organisation=organisation,
                    lawful_basis=basis,
                    marketing_consent=consent,
                    consent_recorded_at=now - timedelta(days=rng.randint(10, 500))
                    if consent
                    else None,
                    consent_source="Event sign-up form" if consent else "",
                    do_not_contact=rng.random() < 0.03,
                )
                people.append(person)
                by_organisation.setdefault(organisation.pk, []).append(person)
        Person.objects.bulk_create(people)
        self.summary.add("people", len(people))
        return by_organisation

    # --- engagement and insights -----------------------------------------------------

    def _date_in_history(self) -> date:
        # Slightly more engagement in recent months, as a programme builds up.
        days = MONTHS * 30
        offset = int(days * (1 - self.rng.random() ** 0.8))
        return self.today - timedelta(days=max(1, offset))

    def _engagement(self) -> None:
        rng = self.rng
        organisations = [org for org in self.organisations if org.status == "active"]
        weights = [8 if org.key_account else 1 for org in organisations]
        interactions: list[Interaction] = []
        interaction_orgs: list[list[Organisation]] = []
        kinds = [
            (InteractionKind.MEETING, 70),
            (InteractionKind.CALL, 14),
            (InteractionKind.VISIT, 10),
            (InteractionKind.EMAIL, 6),
            (InteractionKind.WORKSHOP, 4),
            (InteractionKind.SURVEY, 4),
        ]
        levels = [
            (ParticipationLevel.CONSULT, 55),
            (ParticipationLevel.INVOLVE, 20),
            (ParticipationLevel.INFORM, 15),
            (ParticipationLevel.COLLABORATE, 8),
            (ParticipationLevel.EMPOWER, 2),
        ]
        titles = {
            InteractionKind.MEETING: "1-2-1 with {org}",
            InteractionKind.CALL: "Call with {org}",
            InteractionKind.VISIT: "Site visit to {org}",
            InteractionKind.EMAIL: "Email exchange with {org}",
            InteractionKind.WORKSHOP: "Workshop: {org} and neighbours",
            InteractionKind.SURVEY: "Business survey response from {org}",
        }
        target = INTERACTIONS - 60  # the rest come from event attendance
        for _ in range(target):
            organisation = rng.choices(organisations, weights)[0]
            kind = _weighted(rng, kinds)
            orgs = [organisation]
            if kind == InteractionKind.WORKSHOP:
                orgs += rng.sample(organisations, 3)
                orgs = list({org.pk: org for org in orgs}.values())
            officer = organisation.account_manager or rng.choice(self.officers)
            interactions.append(
                Interaction(
                    kind=kind,
                    occurred_on=self._date_in_history(),
                    title=titles[kind].format(org=organisation.name),
                    notes=f"Discussed {organisation.name}'s plans, challenges and support needs.",
                    officer=officer,
                    participation_level=_weighted(rng, levels),
                    confidential=rng.random() < 0.04,
                )
            )
            interaction_orgs.append(orgs)
        Interaction.objects.bulk_create(interactions)
        self._link_interactions(interactions, interaction_orgs)
        self.summary.add("interactions", len(interactions))
        self._insights(interactions, interaction_orgs)
        self._actions(interactions, interaction_orgs)

    def _link_interactions(
        self, interactions: list[Interaction], organisations: list[list[Organisation]]
    ) -> None:
        org_through = Interaction.organisations.through
        people_through = Interaction.people.through
        org_links, people_links = [], []
        for interaction, orgs in zip(interactions, organisations, strict=True):
            for org in orgs:
                org_links.append(org_through(interaction_id=interaction.pk, organisation_id=org.pk))
                contacts = self.people.get(org.pk, [])
                if contacts:
                    people_links.append(
                        people_through(
                            interaction_id=interaction.pk,
                            person_id=self.rng.choice(contacts).pk,
                        )
                    )
        org_through.objects.bulk_create(org_links, ignore_conflicts=True)
        people_through.objects.bulk_create(people_links, ignore_conflicts=True)

    def _insights(
        self, interactions: list[Interaction], organisations: list[list[Organisation]]
    ) -> None:
        if not self.themes:
            return
        rng = self.rng
        options = [(slug, weight) for slug, weight in THEME_WEIGHTS.items() if slug in self.themes]
        if not options:
            self.summary.notes.append("The taxonomy has none of the demo's themes")
            return
        insights: list[Insight] = []
        theme_sets: list[list[Theme]] = []
        recent = self.today - timedelta(days=180)
        for interaction, orgs in zip(interactions, organisations, strict=True):
            if interaction.kind == InteractionKind.EMAIL and rng.random() < 0.6:
                continue
            organisation = orgs[0]
            for _ in range(rng.choice([1, 1, 2, 2, 3])):
                slug = _weighted(rng, options)
                # Rural firms talk about broadband and buses; the cost of living has grown.
                if organisation.rural_urban == "rural" and rng.random() < 0.2:
                    slug = rng.choice(["digital-connectivity", "transport"])
                if interaction.occurred_on >= recent and rng.random() < 0.12:
                    slug = "cost-of-living"
                if slug not in self.themes:
                    continue
                sayings = [saying for saying in SAYINGS[slug] if _fits(saying, organisation)] or [
                    (saying[0], saying[1], "") for saying in SAYINGS[slug]
                ]
                kind, statement, quote = rng.choice(sayings)[:3]
                attribution = _weighted(
                    rng,
                    [
                        (Attribution.ANONYMOUS, 62),
                        (Attribution.NAMED, 28),
                        (Attribution.CONFIDENTIAL, 5),
                    ],
                )
                insights.append(
                    Insight(
                        organisation=organisation,
                        interaction=interaction,
                        kind=kind,
                        severity=rng.randint(2, 5) if kind == InsightKind.BARRIER else None,
                        statement=statement,
                        quote=quote if quote and rng.random() < 0.7 else "",
                        attribution=attribution,
                        # SPEC §2: kept as the services keep it.
                        confidential=(
                            attribution == Attribution.CONFIDENTIAL or interaction.confidential
                        ),
                        recorded_on=interaction.occurred_on,
                        created_by=interaction.officer,
                    )
                )
                theme = self.themes[slug]
                tagged = [theme]
                related = RELATED_SUB_THEMES.get(slug, ())
                if rng.random() < 0.25 and related:
                    other = self.themes.get(rng.choice(related))
                    if other is not None and other != theme:
                        tagged.append(other)
                theme_sets.append(tagged)
        Insight.objects.bulk_create(insights)
        through = Insight.themes.through
        through.objects.bulk_create(
            [
                through(insight_id=insight.pk, theme_id=theme.pk)
                for insight, themes in zip(insights, theme_sets, strict=True)
                for theme in themes
            ],
            ignore_conflicts=True,
        )
        self.summary.add("insights", len(insights))
        self.summary.add("confidential insights", sum(1 for i in insights if i.confidential))

    def _actions(
        self, interactions: list[Interaction], organisations: list[list[Organisation]]
    ) -> None:
        rng = self.rng
        actions = []
        for interaction, orgs in zip(interactions, organisations, strict=True):
            if rng.random() > 0.35:
                continue
            due = interaction.occurred_on + timedelta(days=rng.choice([7, 14, 28]))
            # Older promises are mostly kept; recent ones are still open (some overdue).
            done = due < self.today - timedelta(days=21) and rng.random() < 0.85
            completed = (
                timezone.make_aware(
                    datetime.combine(due - timedelta(days=rng.randint(0, 5)), time(15))
                )
                if done
                else None
            )
            actions.append(
                Action(
                    organisation=orgs[0],
                    interaction=interaction,
                    description=rng.choice(ACTION_TEXTS),
                    assignee=interaction.officer,
                    created_by=interaction.officer,
                    due_on=due,
                    status=ActionStatus.DONE if done else ActionStatus.OPEN,
                    completed_at=completed,
                )
            )
        Action.objects.bulk_create(actions)
        self.summary.add("actions", len(actions))
        self.summary.add("open actions", sum(1 for a in actions if a.status == ActionStatus.OPEN))

    # --- events --------------------------------------------------------------------

    def _at(self, days: int, hour: int) -> datetime:
        return timezone.make_aware(datetime.combine(self.today + timedelta(days=days), time(hour)))

    def _events(self) -> None:
        organiser = self.staff["omar"]
        specs = [
            # title, kind, days from today, hour, hours long, capacity, status, venue, signed up
            (
                "Life Sciences Breakfast Briefing",
                EventKind.BREAKFAST,
                -95,
                8,
                2,
                40,
                EventStatus.PUBLISHED,
                "Headington Innovation Centre",
                34,
            ),
            (
                "Net Zero for Small Manufacturers",
                EventKind.WORKSHOP,
                -180,
                10,
                3,
                30,
                EventStatus.PUBLISHED,
                "Cowley Enterprise Hub",
                27,
            ),
            (
                "Rural Business Roundtable",
                EventKind.ROUNDTABLE,
                -60,
                14,
                2,
                20,
                EventStatus.PUBLISHED,
                "Chipping Norton Town Hall",
                18,
            ),
            (
                "Skills and Apprenticeships Fair",
                EventKind.NETWORKING,
                21,
                16,
                3,
                25,
                EventStatus.PUBLISHED,
                "Cherwell Valley College, Banbury",
                29,
            ),
            (
                "Exporting Masterclass",
                EventKind.WEBINAR,
                42,
                11,
                1,
                100,
                EventStatus.PUBLISHED,
                "",
                12,
            ),
            (
                "Digital Connectivity Clinic",
                EventKind.WORKSHOP,
                70,
                10,
                2,
                15,
                EventStatus.DRAFT,
                "Witney Corn Exchange",
                0,
            ),
        ]
        contacts = [
            person
            for people in self.people.values()
            for person in people
            if person.email and not person.do_not_contact
        ]
        registrations: list[Registration] = []
        attended_links: list[tuple[Event, Person]] = []
        events = []
        for title, kind, days, hour, hours, capacity, status, venue, _ in specs:
            event = Event(
                title=title,
                description=f"{title}: hear from local businesses and experts, and tell us what "
                "would help your business grow.",
                kind=kind,
                starts_at=self._at(days, hour),
                ends_at=self._at(days, hour) + timedelta(hours=hours),
                venue_name=venue,
                venue_address=f"{venue}, Oxfordshire" if venue else "",
                online_url="https://meet.placevoice.example/exporting" if not venue else "",
                accessibility_info="Step-free access, hearing loop and accessible toilets."
                if venue
                else "Live captions are provided.",
                capacity=capacity,
                waitlist_enabled=True,
                registration_opens_at=self._at(days - 45, 9),
                registration_closes_at=self._at(days, hour) - timedelta(hours=2),
                slug=slugify(f"{title}-{(self.today + timedelta(days=days)):%Y-%m}"),
                status=status,
                organiser=organiser,
            )
            events.append(event)
        Event.objects.bulk_create(events)
        for event, spec in zip(events, specs, strict=True):
            signed_up = spec[-1]
            past = event.starts_at < timezone.now()
            waitlist = 0
            for index, person in enumerate(self.rng.sample(contacts, signed_up)):
                confirmed = index < event.capacity
                registration = Registration(
                    event=event,
                    person=person,
                    organisation=person.organisation,
                    email=person.email or "",
                    status=RegistrationStatus.CONFIRMED
                    if confirmed
                    else RegistrationStatus.WAITLISTED,
                    requirements="Vegetarian" if self.rng.random() < 0.1 else "",
                )
                if not confirmed:
                    waitlist += 1
                    registration.waitlist_position = waitlist
                if past and confirmed:
                    registration.attended = self.rng.random() < 0.8
                    if registration.attended:
                        registration.checked_in_at = event.starts_at + timedelta(minutes=10)
                        attended_links.append((event, person))
                registrations.append(registration)
        Registration.objects.bulk_create(registrations)
        self.summary.add("events", len(events))
        self.summary.add("registrations", len(registrations))
        self.summary.add(
            "waitlisted registrations",
            sum(1 for r in registrations if r.status == RegistrationStatus.WAITLISTED),
        )
        self._attendance(attended_links)

    def _attendance(self, attended: list[tuple[Event, Person]]) -> None:
        """SPEC §2: attendance of an organisation's people counts as an `event` interaction
        with that organisation (one per event and organisation)."""
        grouped: dict[tuple[int, int], tuple[Event, Organisation, list[Person]]] = {}
        for event, person in attended:
            organisation = person.organisation
            if organisation is None:
                continue
            key = (event.pk, organisation.pk)
            grouped.setdefault(key, (event, organisation, []))[2].append(person)
        interactions = []
        for event, _organisation, _ in grouped.values():
            interactions.append(
                Interaction(
                    kind=InteractionKind.EVENT,
                    occurred_on=timezone.localdate(event.starts_at),
                    title=f"Attended {event.title}",
                    officer=None,
                    participation_level=ParticipationLevel.INVOLVE,
                    event=event,
                )
            )
        Interaction.objects.bulk_create(interactions)
        org_through = Interaction.organisations.through
        people_through = Interaction.people.through
        org_through.objects.bulk_create(
            [
                org_through(interaction_id=interaction.pk, organisation_id=organisation.pk)
                for interaction, (_, organisation, _) in zip(
                    interactions, grouped.values(), strict=True
                )
            ]
        )
        people_through.objects.bulk_create(
            [
                people_through(interaction_id=interaction.pk, person_id=person.pk)
                for interaction, (_, _, people) in zip(interactions, grouped.values(), strict=True)
                for person in people
            ]
        )
        self.summary.add("interactions", len(interactions))


def _seed_summaries(summary: Summary) -> None:
    """Two evidence summaries, requested once the data is committed. Their job builds them:
    published here when it ran in-process (no broker) and finished; with a broker they are
    left for an officer to publish once the worker has built them."""
    if not Theme.objects.exists():
        return
    # The last three full months, and the last twelve.
    first_of_month = timezone.localdate().replace(day=1)
    period_end = first_of_month - timedelta(days=1)
    periods = [(_months_before(first_of_month, n), period_end) for n in (3, 12)]
    requester = get_user_model().objects.filter(username="olivia").first()
    made = []
    for start, end in periods:
        try:
            made.append(
                summary_services.summary_request(
                    requested_by=requester, period_start=start, period_end=end
                )
            )
        except Exception as exc:  # noqa: BLE001 - the demo works without summaries
            summary.notes.append(f"Evidence summary skipped: {exc}")
            return
    published = 0
    for item in made:
        item = EvidenceSummary.objects.get(pk=item.pk)
        if item.status == JobStatus.DONE:
            summary_services.summary_publish(summary=item, published_by=requester)
            published += 1
    summary.add("evidence summaries", len(made))
    summary.add("published evidence summaries", published)
    if published < len(made):
        summary.notes.append(
            "Evidence summaries are queued for the worker; publish them from the reports page"
        )


def _months_before(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


class _Null:
    def write(self, *args: Any, **kwargs: Any) -> None:
        pass

    def flush(self) -> None:
        pass
