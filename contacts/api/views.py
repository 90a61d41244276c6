"""API for organisations, people and imports (SPEC §3)."""

from typing import Any, TypeVar

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action, api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from contacts import selectors, services
from contacts.api import serializers as contact_serializers
from contacts.api.serializers import _as_drf
from contacts.filtersets import OrganisationFilterSet, PersonFilterSet
from contacts.models import ImportJob, Organisation, Person
from contacts.privacy.api import PersonPrivacyActions
from core import limits, roles
from core.permissions import RoleAccess
from core.proxies import client_address
from core.types import AnyUser

STAFF_READ_CONTACTS = (roles.OFFICER, roles.ORGANISER)

_Record = TypeVar("_Record", Organisation, Person)


class MergeAction(viewsets.GenericViewSet[_Record]):
    """The `merge` action of the organisations and people APIs: one implementation, so both
    answer the same way (the survivor, read again as the list reads it)."""

    def merge_records(self, *, survivor: _Record, duplicate_id: int, user: AnyUser) -> _Record:
        raise NotImplementedError

    @extend_schema(request=contact_serializers.MergeSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        """Merge the record `duplicate` into this one; every linked record moves here."""
        survivor = self.get_object()
        body = contact_serializers.MergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            merged = self.merge_records(
                survivor=survivor,
                duplicate_id=body.validated_data["duplicate"],
                user=request.user,
            )
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        merged = self.get_queryset().get(pk=merged.pk)
        return Response(self.get_serializer(merged).data)


class OrganisationViewSet(MergeAction[Organisation], viewsets.ModelViewSet[Organisation]):
    """Organisations: officers create and update, organisers read (to match sign-ups)."""

    serializer_class = contact_serializers.OrganisationSerializer
    filterset_class = OrganisationFilterSet
    permission_classes = [RoleAccess]
    read_roles = STAFF_READ_CONTACTS
    write_roles = (roles.OFFICER,)

    def get_queryset(self) -> QuerySet[Organisation]:
        return selectors.organisation_list()

    def merge_records(
        self, *, survivor: Organisation, duplicate_id: int, user: AnyUser
    ) -> Organisation:
        duplicate = get_object_or_404(Organisation, pk=duplicate_id)
        return services.organisation_merge(survivor=survivor, duplicate=duplicate, user=user)


class PersonViewSet(MergeAction[Person], PersonPrivacyActions, viewsets.ModelViewSet[Person]):
    """People: personal data, so never for the growth group."""

    serializer_class = contact_serializers.PersonSerializer
    filterset_class = PersonFilterSet
    permission_classes = [RoleAccess]
    read_roles = STAFF_READ_CONTACTS
    write_roles = (roles.OFFICER,)

    def get_queryset(self) -> QuerySet[Person]:
        return selectors.person_list()

    def merge_records(self, *, survivor: Person, duplicate_id: int, user: AnyUser) -> Person:
        duplicate = get_object_or_404(Person, pk=duplicate_id)
        return services.person_merge(survivor=survivor, duplicate=duplicate, user=user)


class ImportJobViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet[ImportJob],
):
    """CSV imports of organisations or people, run as background jobs."""

    serializer_class = contact_serializers.ImportJobSerializer
    permission_classes = [RoleAccess]
    read_roles = (roles.OFFICER,)
    write_roles = (roles.OFFICER,)

    def get_queryset(self) -> QuerySet[ImportJob]:
        return selectors.import_jobs_for(user=self.request.user)

    @extend_schema(
        request={"multipart/form-data": contact_serializers.ImportRequestSerializer},
        responses={202: contact_serializers.ImportJobSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from contacts.imports import jobs

        body = contact_serializers.ImportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            job = jobs.import_request(
                upload=body.validated_data["file"],
                kind=body.validated_data["kind"],
                format=body.validated_data["format"],
                dry_run=body.validated_data["dry_run"],
                user=request.user,
            )
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        job.refresh_from_db()
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)


class LoginThrottle(AnonRateThrottle):
    rate = "20/min"

    def get_ident(self, request: Request) -> str:
        # The same client as the lock-outs and the sign-up limit see (TRUSTED_PROXY_COUNT).
        return client_address(request._request) or "unknown"


@extend_schema(
    request=contact_serializers.TokenRequestSerializer,
    responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
)
@api_view(["POST"])
@permission_classes([AllowAny])
@throttle_classes([LoginThrottle])
def obtain_token(request: Request) -> Response:
    """SPEC §3: POST username and password, receive {"token": …}. Lock-outs apply (django-axes)."""
    body = contact_serializers.TokenRequestSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    username = body.validated_data["username"]
    password = body.validated_data["password"]
    # No account has a longer username: answer as for a wrong password, without a lookup.
    user = (
        authenticate(request._request, username=username, password=password)
        if len(username) <= limits.USERNAME_MAX
        else None
    )
    if user is None or not user.is_active:
        return Response(
            {"non_field_errors": ["Unable to sign in with those details."]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    token, _ = Token.objects.get_or_create(user=user)
    return Response({"token": token.key})
