"""JSON errors for every API failure (SPEC §3): 400 with per-field messages, 401, 403, 404.

Database integrity errors that slip past validation (a race between two writers of the same
unique value) become a 400/409 with a message instead of a 500.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail: Any = dict(exc.message_dict)
            if "__all__" in detail:
                detail["non_field_errors"] = detail.pop("__all__")
        else:
            detail = {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, IntegrityError):
        return Response(
            {"non_field_errors": ["This conflicts with an existing record."]},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)
