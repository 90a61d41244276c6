"""The client's address, as every limit keyed on it must read it (`TRUSTED_PROXY_COUNT`).

X-Forwarded-For is written by whoever sends the request, so only the entries appended by our
own proxies can be believed: with N trusted proxies, the client is the Nth entry from the
right (the address the outermost proxy saw). With none, the header is ignored and the client
is REMOTE_ADDR. The rule is DRF's `NUM_PROXIES` one, so the throttles, the sign-up rate
limit and django-axes' lock-outs all count the same client.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, or None when the server was given none."""
    remote_address = request.META.get("REMOTE_ADDR") or None
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote_address
    entries = [entry.strip() for entry in forwarded.split(",")]
    candidate = entries[-min(proxies, len(entries))]
    try:
        # Stored by django-axes in an address column: anything else is a broken proxy.
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_address
