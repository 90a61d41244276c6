"""API for interactions, follow-up actions, events and registrations (SPEC §3): staff
endpoints and the public sign-up."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action, api_view, authentication_classes, permission_classes
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import roles
from core.api.pagination import CursorPagination
from core.permissions import RoleAccess
from engagement import ratelimit, selectors
from engagement.api import serializers
from engagement.filtersets import (
    ActionFilterSet,
    EventFilterSet,
    InteractionFilterSet,
    RegistrationFilterSet,
)
from engagement.models import Action, Event, EventStatus, Interaction, Registration
from engagement.roles import EVENT_READERS, EVENT_WRITERS
from engagement.services import events as event_services

# Officers read events (the dashboard shows upcoming ones); organisers run them. The growth
# group sees no events or registrations: they hold personal data (SPEC §1).


class InteractionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Interaction],
):
    """Interactions: read, change and delete. Recording one is capture, which insights adds
    with its subclass at the same route (insights.api.views), where the nested insights and
    actions of a 1-2-1 are written in one transaction."""

    serializer_class = serializers.InteractionSerializer
    filterset_class = InteractionFilterSet
    pagination_class = CursorPagination
    permission_classes = [RoleAccess]
    read_roles = (roles.OFFICER,)
    write_roles = (roles.OFFICER,)

    def get_queryset(self) -> QuerySet[Interaction]:
        return selectors.interaction_detail(user=self.request.user)


class ActionViewSet(viewsets.ModelViewSet[Action]):
    """Follow-up actions: officers only; those of a confidential interaction only for those
    who may see it, plus the action's assignee and author."""

    serializer_class = serializers.ActionSerializer
    filterset_class = ActionFilterSet
    pagination_class = CursorPagination
    permission_classes = [RoleAccess]
    read_roles = (roles.OFFICER,)
    write_roles = (roles.OFFICER,)

    def get_queryset(self) -> QuerySet[Action]:
        return selectors.action_list(user=self.request.user)


RATE_LIMITED = {
    "detail": "Too many sign-ups from your network address. Please wait a minute and try again."
}


class EventViewSet(viewsets.ModelViewSet[Event]):
    """Events: organisers create, edit, publish and cancel; officers read."""

    serializer_class = serializers.EventSerializer
    filterset_class = EventFilterSet
    permission_classes = [RoleAccess]
    read_roles = EVENT_READERS
    write_roles = EVENT_WRITERS

    def get_queryset(self) -> QuerySet[Event]:
        return selectors.event_list()

    def _fresh(self, event: Event) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=event.pk)).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = serializer.save()
        data = self.get_serializer(self.get_queryset().get(pk=event.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return self._fresh(serializer.save())

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        return self._fresh(event_services.event_publish(event=self.get_object()))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self._fresh(event_services.event_cancel(event=self.get_object()))


class RegistrationAccess(RoleAccess):
    """Registrations are personal data: organisers (and officers, reading) only."""


class EventRegistrationList(ListAPIView[Registration]):
    """`GET /api/v1/events/{id}/registrations/`: page-numbered, with status, waitlist position
    and attendance; filter by `status`, `attended`, `q`."""

    serializer_class = serializers.RegistrationSerializer
    filterset_class = RegistrationFilterSet
    permission_classes = [RegistrationAccess]
    read_roles = EVENT_READERS
    write_roles = EVENT_WRITERS

    def get_queryset(self) -> QuerySet[Registration]:
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema generator
            return Registration.objects.none()
        event = get_object_or_404(Event, pk=self.kwargs["event_pk"])
        return selectors.registration_list(event=event)


class _RegistrationAction(APIView):
    permission_classes = [RegistrationAccess]
    read_roles = EVENT_READERS
    write_roles = EVENT_WRITERS
    serializer_class = serializers.RegistrationSerializer

    def registration(self, event_pk: int, pk: int) -> Registration:
        return get_object_or_404(selectors.registration_list(), event_id=event_pk, pk=pk)

    def respond(self, registration: Registration) -> Response:
        fresh = selectors.registration_list().get(pk=registration.pk)
        return Response(serializers.RegistrationSerializer(fresh).data)


class RegistrationCancel(_RegistrationAction):
    @extend_schema(request=None, responses=serializers.RegistrationSerializer)
    def post(self, request: Request, event_pk: int, pk: int) -> Response:
        """Cancel a registration; a freed place goes to the first on the waitlist."""
        registration = event_services.registration_cancel(
            registration=self.registration(event_pk, pk), by_organiser=True
        )
        return self.respond(registration)


class RegistrationCheckIn(_RegistrationAction):
    @extend_schema(request=None, responses=serializers.RegistrationSerializer)
    def post(self, request: Request, event_pk: int, pk: int) -> Response:
        """Mark as attended; records the `event` interaction with their organisation."""
        registration = event_services.registration_check_in(
            registration=self.registration(event_pk, pk), user=request.user
        )
        return self.respond(registration)


def _public_result(registration: Registration) -> dict[str, Any]:
    return {"status": registration.status, "waitlist_position": registration.waitlist_position}


@extend_schema(
    request=serializers.PublicSignUpSerializer,
    responses={
        201: serializers.PublicRegistrationSerializer,
        200: serializers.PublicRegistrationSerializer,
    },
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def public_sign_up(request: Request, slug: str) -> Response:
    """Sign up to a published event, no account needed: 201 new, 200 already registered,
    409 full with no waitlist, 400 closed / cancelled / invalid, 404 draft or unknown."""
    if ratelimit.signup_limited(request._request):
        return Response(RATE_LIMITED, status=status.HTTP_429_TOO_MANY_REQUESTS)
    event = selectors.public_event(slug=slug)
    if event is None:
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    body = serializers.PublicSignUpSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    if body.validated_data.get("website"):
        return Response(
            {"non_field_errors": ["Your sign-up could not be accepted."]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    try:
        registration, created = event_services.registration_create(
            event=event, sign_up=body.to_sign_up(), source="public sign-up API"
        )
    except event_services.RegistrationRefused as exc:
        code = {"full": 409, "not_found": 404}.get(exc.code or "", 400)
        return Response({"detail": exc.messages[0], "code": exc.code}, status=code)
    return Response(
        _public_result(registration),
        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
    )


@extend_schema(request=None, responses=serializers.PublicRegistrationSerializer)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
def public_cancel(request: Request, token: str) -> Response:
    """Cancel with the secret from the email link. Answers only about that registration."""
    if ratelimit.signup_limited(request._request):
        return Response(RATE_LIMITED, status=status.HTTP_429_TOO_MANY_REQUESTS)
    registration = selectors.registration_by_token(token=token)
    if registration is None or registration.event.status == EventStatus.DRAFT:
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    try:
        registration = event_services.registration_cancel(registration=registration)
    except event_services.RegistrationRefused as exc:
        return Response({"detail": exc.messages[0], "code": exc.code}, status=400)
    return Response(_public_result(registration))
