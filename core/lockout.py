"""Sign-in lock-outs (django-axes, SPEC §3): per (username, address) and per username.

Axes counts failures under each of AXES_LOCKOUT_PARAMETERS and compares the largest count
with one limit. A single limit cannot lock a pair after a few failures and a username only
after many more from all addresses together, so this handler reports the pair's count, and
the full limit once the username's own count reaches AXES_USERNAME_FAILURE_LIMIT.
"""

from http import HTTPStatus
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


# django-axes ships no type stubs, so its handler is Any.
class AccountAndAddressHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """Locks a (username, address) pair at AXES_FAILURE_LIMIT failures, and a username from
    every address at AXES_USERNAME_FAILURE_LIMIT, both within the cool-off."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        limit = get_failure_limit(request, credentials)
        failures = 0
        for parameter, attempts in zip(
            get_lockout_parameters(request, credentials),
            self.get_user_attempts(request, credentials),
            strict=True,
        ):
            count = int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)
            if parameter == "username":
                if count >= settings.AXES_USERNAME_FAILURE_LIMIT:
                    failures = max(failures, limit)
            else:
                failures = max(failures, count)
        return failures


LOCKED_OUT_MESSAGE = (
    "Too many sign-in attempts: signing in to this account is paused. Try again later."
)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """429 in the API's own error shape under /api/, the GOV.UK page everywhere else."""
    status = HTTPStatus.TOO_MANY_REQUESTS
    cool_off = get_cool_off(request)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": LOCKED_OUT_MESSAGE}, status=status)
    else:
        response = render(request, "registration/locked_out.html", status=status)
    if cool_off:
        # The longest wait: the cool-off runs from the last failure.
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
