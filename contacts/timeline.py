"""The organisation timeline, assembled from contributions of the apps above contacts.

contacts may not import engagement or insights (STYLE.md), so those apps register a provider
here from their AppConfig.ready(); the organisation page asks every provider for its newest
entries before a cursor and merges them. Each provider runs a bounded number of queries,
so a page of the timeline costs the same whatever the organisation's history.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.types import AnyUser


@dataclass(frozen=True)
class TimelineEntry:
    """One item on an organisation's timeline."""

    date: datetime.date
    kind: str  # "interaction", "insight", "action", "registration"
    key: int  # the record's id; with `kind`, breaks ties in a stable order
    title: str
    url: str = ""
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    confidential: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    # Entries of this kind on one day read in the order they were recorded (the insights of
    # a 1-2-1: first above second) while the timeline runs newest first: the key is negated.
    oldest_first: bool = False

    @property
    def sort_key(self) -> tuple[datetime.date, str, int]:
        return (self.date, self.kind, -self.key if self.oldest_first else self.key)


# provider(organisation, user, before, limit) -> up to `limit` entries, newest first, strictly
# older than `before` (a sort key) when it is given, and only what `user` may see.
Provider = Callable[[Any, Any, tuple[datetime.date, str, int] | None, int], list[TimelineEntry]]
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    _providers[name] = provider


def page(
    *,
    organisation: Any,
    user: AnyUser,
    before: tuple[datetime.date, str, int] | None,
    size: int = 20,
) -> tuple[list[TimelineEntry], tuple[datetime.date, str, int] | None]:
    """The next `size` entries, newest first, and the cursor for the page after (or None)."""
    entries: list[TimelineEntry] = []
    for provider in _providers.values():
        entries.extend(provider(organisation, user, before, size + 1))
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    more = len(entries) > size
    entries = entries[:size]
    return entries, (entries[-1].sort_key if more and entries else None)


def encode_cursor(cursor: tuple[datetime.date, str, int] | None) -> str:
    if cursor is None:
        return ""
    return f"{cursor[0].isoformat()}.{cursor[1]}.{cursor[2]}"


def decode_cursor(value: str | None) -> tuple[datetime.date, str, int] | None:
    """Parse a cursor from the query string; anything malformed means 'from the start'."""
    try:
        day, kind, key = (value or "").split(".")
        return (datetime.date.fromisoformat(day), kind, int(key))
    except ValueError:
        return None
