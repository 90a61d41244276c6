"""Subject-access export and erasure of a person over the API (UK GDPR, SPEC §4).

Mixed into contacts.api.views.PersonViewSet:
- `GET /api/v1/people/{id}/export/`: officers and admins; everything held on the person as a
  JSON attachment. Each export is recorded in the audit trail ("access").
- `POST /api/v1/people/{id}/erase/`: admins only; anonymises the person (see
  contacts.privacy.services.person_erase) and answers with the erased record.
"""

from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from contacts.models import Person
from contacts.privacy import services
from core import roles


class _HasRoles(BasePermission):
    allowed: tuple[str, ...] = ()

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and roles.has_role(user, *self.allowed))


class OfficerOrAdmin(_HasRoles):
    allowed = (roles.OFFICER,)  # admins pass every role check


class AdminOnly(_HasRoles):
    allowed = (roles.ADMIN,)


def export_filename(person_id: int) -> str:
    return f"person-{person_id}-subject-access-{timezone.localdate().isoformat()}.json"


class PersonPrivacyActions(viewsets.GenericViewSet[Person]):
    """The `export` and `erase` actions of the people API."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"], permission_classes=[OfficerOrAdmin])
    def export(self, request: Request, pk: str | None = None) -> Response:
        """Everything held on the person (subject access), as a JSON attachment."""
        person = self.get_object()
        data = services.person_export_logged(person=person, user=request.user)
        response = Response(data)
        response["Content-Disposition"] = f'attachment; filename="{export_filename(person.pk)}"'
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "PersonErased",
            {"id": serializers.IntegerField(), "erased_at": serializers.DateTimeField()},
        ),
    )
    @action(detail=True, methods=["post"], permission_classes=[AdminOnly])
    def erase(self, request: Request, pk: str | None = None) -> Response:
        """Anonymise the person (admins only). Erasing someone already erased changes nothing."""
        person = services.person_erase(person=self.get_object(), user=request.user)
        return Response({"id": person.pk, "erased_at": services.iso(person.erased_at)})
