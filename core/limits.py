"""What typed input may be (SPEC §4), said once for models, forms, serializers and filters:
text lengths, the range of dates, ids of ASCII digits only, and the username a sign-in
attempt is recorded under.

Long text is refused on the way in rather than cut: a cut statement would say something
the officer did not write. Exports still cut old rows that predate the limits."""

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible

NAME_MAX = 255  # names and titles
STATEMENT_MAX = 2_000  # statements, quotes and other short free text
NOTES_MAX = 20_000  # notes and long descriptions
TAGS_MAX = 50  # tags on one record
TAG_MAX = 100  # characters in one tag
# A sign-in attempt is recorded in django-axes' 255-character column; no username is longer
# than the user model's 150, so anything beyond this cannot sign in anyway.
USERNAME_MAX = 150

EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)

statement_length = MaxLengthValidator(STATEMENT_MAX)
notes_length = MaxLengthValidator(NOTES_MAX)

# ASCII digits only: `str.isdigit()` also accepts '²' (which int() refuses) and '١٢٣' (which
# int() reads as 123); eighteen digits keep the value inside a 64-bit primary key.
_ID = re.compile(r"[0-9]{1,18}")


@deconstructible
class DateInRange:
    """Dates lie between 1900 and 2100: outside that they are typing mistakes, and dates near
    the ends of Python's range overflow when a period is widened or compared."""

    message = "Enter a date between 1900 and 2100"
    code = "date_out_of_range"

    def __call__(self, value: datetime.date | None) -> None:
        if value is None:
            return
        if isinstance(value, datetime.datetime):
            value = value.date()
        if not EARLIEST_DATE <= value <= LATEST_DATE:
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateInRange)

    def __hash__(self) -> int:
        return hash(self.code)


validate_date_in_range = DateInRange()


def parse_id(value: object) -> int | None:
    """A record id (or any count) from a query string, form or file: ASCII digits, else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    return int(value)


def parse_ids(values: list[str]) -> list[int]:
    """The valid ids among `values`, sorted, each once."""
    return sorted({number for value in values if (number := parse_id(value)) is not None})


def without_nul(value: str) -> str:
    """Free text for a search: PostgreSQL refuses a NUL in any string, and no name holds one."""
    return value.replace("\x00", "")


def axes_username(request: Any, credentials: dict[str, Any] | None = None) -> str | None:
    """The username django-axes records a sign-in attempt under (AXES_USERNAME_CALLABLE).

    Whatever was typed, it fits axes' column and holds no NUL, so a junk username is an
    ordinary failed sign-in on every login form (the admin's included), never a database
    error."""
    from django.conf import settings

    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    raw: object = None
    if credentials:
        raw = credentials.get(field)
    elif request is not None:
        raw = getattr(request, "data", request.POST).get(field)
    if raw is None:
        return None
    return without_nul(str(raw))[:255]
