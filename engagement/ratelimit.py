"""Per-client-address rate limit for the public sign-up (SPEC §4, `SIGNUP_RATE_LIMIT`).

A fixed-window counter in the cache (Redis when REDIS_CACHE_URL is set, so every web process
shares it). The client address is read as every other limit reads it
(`core.proxies.client_address`, `TRUSTED_PROXY_COUNT`).
"""

import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from core.proxies import client_address

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\w*\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int] | None:
    """ "20/m" → (20, 60); "100/5m" → (100, 300); empty, "0" or "none" → None (no limit)."""
    if not rate or rate.strip().lower() in {"0", "none", "off"}:
        return None
    match = _RATE.match(rate)
    if match is None:
        raise ValueError(f"SIGNUP_RATE_LIMIT must look like '20/m', not {rate!r}")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * _UNIT_SECONDS[unit]


def signup_limited(request: HttpRequest) -> bool:
    """Count this request against the client's allowance; True when it is over the limit."""
    limit = parse_rate(getattr(settings, "SIGNUP_RATE_LIMIT", ""))
    if limit is None:
        return False
    count, seconds = limit
    window = int(time.time() // seconds)
    key = f"pv:signup-rate:{client_address(request) or 'unknown'}:{seconds}:{window}"
    # add() is atomic (SET NX on Redis): the first request in the window creates the counter.
    if cache.add(key, 1, timeout=seconds + 1):
        return count < 1
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=seconds + 1)
        used = 1
    return used > count
