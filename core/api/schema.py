"""What every operation of the OpenAPI schema shares, said once (SPEC §3): the JSON error
responses each one can give, worked out from the view itself, so a client (or a fuzzer) knows
every status code it may get and the shape of its body."""

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorDetailSerializer(serializers.Serializer[Any]):
    """`{"detail": …}`: 401, 403, 404, 409 and 429, and the 400s that are not about a field."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False)


# Per-field messages: {"name": ["This field is required."], "insights": [{}, {"themes": […]}],
# "non_field_errors": […]}; nested rows give nested objects, so the values are left open.
VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Each invalid field with its messages; `non_field_errors` for the rest",
    "additionalProperties": {},
}

ERRORS = {
    "400": OpenApiResponse(VALIDATION_ERROR_SCHEMA, description="Invalid input"),
    "401": OpenApiResponse(ErrorDetailSerializer, description="Not signed in, or a bad token"),
    "403": OpenApiResponse(ErrorDetailSerializer, description="Not allowed for your role"),
    "404": OpenApiResponse(ErrorDetailSerializer, description="No such record that you may see"),
    "409": OpenApiResponse(ErrorDetailSerializer, description="Conflicts with the current state"),
    "429": OpenApiResponse(ErrorDetailSerializer, description="Too many requests: wait and retry"),
}

WRITES = ("POST", "PUT", "PATCH", "DELETE")


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code in self.error_codes():
            # A view's own description of a code (a 409 "full") wins over the generic one.
            if code not in responses:
                # drf-spectacular leaves this private hook unannotated.
                responses[code] = self._get_response_for_code(ERRORS[code], code)  # type: ignore[no-untyped-call]
        return responses

    def error_codes(self) -> list[str]:
        view = self.view
        authenticated = bool(getattr(view, "authentication_classes", ()))
        restricted = any(
            not issubclass(permission, AllowAny)
            for permission in getattr(view, "permission_classes", ())
        )
        has_path_parameters = "{" in self.path
        is_list = self.method == "GET" and self._is_list_view()
        codes = []
        # Bodies are validated; list filters too (an unknown choice, a bad date).
        if self.method in WRITES or is_list:
            codes.append("400")
        # A token that is wrong or revoked is refused wherever authentication runs at all.
        if authenticated:
            codes.append("401")
        if restricted:
            codes.append("403")
        # A detail that is not there or not visible; a page or cursor past the end of a list.
        if has_path_parameters or is_list:
            codes.append("404")
        # A unique value taken by a concurrent writer (contacts.api.errors), or a state that
        # refuses the change (a full event, an export of an unfinished summary).
        if self.method in WRITES:
            codes.append("409")
        # Throttled views, and the public endpoints, which have no sign-in and are limited per
        # client address (SIGNUP_RATE_LIMIT).
        if getattr(view, "throttle_classes", ()) or not authenticated:
            codes.append("429")
        return codes


class NullOnRead:
    """Mixed into a relation that must be given on the way in but reads as null once its
    target is gone (a user account deleted under a SET_NULL foreign key)."""


class NullOnReadSchema(OpenApiSerializerFieldExtension):
    target_class = NullOnRead
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return {**schema, "nullable": True} if direction == "response" else schema
