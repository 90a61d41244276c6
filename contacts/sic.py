"""UK SIC 2007: sections (A–U) and the divisions (first two digits) each one spans.

A code is five digits whose division exists in SIC 2007. Companies House adds 74990
(non-trading company) and 99999 (dormant company), both inside valid divisions.
"""

import re

SECTIONS: dict[str, str] = {
    "A": "Agriculture, forestry and fishing",
    "B": "Mining and quarrying",
    "C": "Manufacturing",
    "D": "Electricity, gas, steam and air conditioning supply",
    "E": "Water supply, sewerage, waste management and remediation activities",
    "F": "Construction",
    "G": "Wholesale and retail trade; repair of motor vehicles and motorcycles",
    "H": "Transportation and storage",
    "I": "Accommodation and food service activities",
    "J": "Information and communication",
    "K": "Financial and insurance activities",
    "L": "Real estate activities",
    "M": "Professional, scientific and technical activities",
    "N": "Administrative and support service activities",
    "O": "Public administration and defence; compulsory social security",
    "P": "Education",
    "Q": "Human health and social work activities",
    "R": "Arts, entertainment and recreation",
    "S": "Other service activities",
    "T": "Activities of households as employers; undifferentiated goods- and "
    "services-producing activities of households for own use",
    "U": "Activities of extraterritorial organisations and bodies",
}

# Section letter → the SIC 2007 divisions in it (divisions not listed do not exist).
_SECTION_DIVISIONS: dict[str, tuple[int, ...]] = {
    "A": (1, 2, 3),
    "B": (5, 6, 7, 8, 9),
    "C": tuple(range(10, 34)),
    "D": (35,),
    "E": (36, 37, 38, 39),
    "F": (41, 42, 43),
    "G": (45, 46, 47),
    "H": (49, 50, 51, 52, 53),
    "I": (55, 56),
    "J": (58, 59, 60, 61, 62, 63),
    "K": (64, 65, 66),
    "L": (68,),
    "M": (69, 70, 71, 72, 73, 74, 75),
    "N": (77, 78, 79, 80, 81, 82),
    "O": (84,),
    "P": (85,),
    "Q": (86, 87, 88),
    "R": (90, 91, 92, 93),
    "S": (94, 95, 96),
    "T": (97, 98),
    "U": (99,),
}
DIVISION_SECTION: dict[int, str] = {
    division: letter for letter, divisions in _SECTION_DIVISIONS.items() for division in divisions
}
SECTION_CHOICES = [(letter, f"{letter}: {name}") for letter, name in SECTIONS.items()]

# ASCII digits only (SPEC §4): `\d` alone also matches Arabic-Indic and other digits.
_CODE = re.compile(r"^\d{5}$", re.ASCII)
_LEADING_CODE = re.compile(r"^\s*(\d{4,5})\b", re.ASCII)


def is_valid_code(code: str) -> bool:
    return bool(_CODE.match(code)) and int(code[:2]) in DIVISION_SECTION


def section_of(code: str) -> str | None:
    """The section letter of a valid five-digit code, else None."""
    if not is_valid_code(code):
        return None
    return DIVISION_SECTION[int(code[:2])]


def sector_of(codes: list[str] | None) -> dict[str, str] | None:
    """SPEC §2 `sector`: the section of the first code, as {"code", "name"}; null without one."""
    if not codes:
        return None
    letter = section_of(codes[0])
    if letter is None:
        return None
    return {"code": letter, "name": SECTIONS[letter]}


def code_from_text(text: str) -> str | None:
    """The code in a Companies House SIC text such as '62012 - Business and domestic software
    development'. A four-digit code (a lost leading zero from a spreadsheet) is padded."""
    match = _LEADING_CODE.match(text or "")
    if not match:
        return None
    return match.group(1).zfill(5)
