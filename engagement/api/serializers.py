"""API shapes for interactions, follow-up actions, events and registrations (SPEC §3). Writes
go through engagement.services (and insights.services for a whole 1-2-1)."""

from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework import serializers

from contacts.api.serializers import _as_drf
from contacts.models import Organisation, Person
from core import limits
from core.api.schema import NullOnRead
from core.types import User
from engagement import selectors
from engagement.filtersets import officers
from engagement.models import Action, Event, Interaction, Registration
from engagement.services import events as event_services
from engagement.services import interactions as services


class OfficerField(serializers.PrimaryKeyRelatedField[User]):
    def get_queryset(self) -> QuerySet[User]:
        return officers()


class InteractionOfficerField(NullOnRead, OfficerField):
    """The officer who held the interaction: null once their account is deleted."""


class ActionSerializer(serializers.ModelSerializer[Action]):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    interaction = serializers.PrimaryKeyRelatedField(
        queryset=Interaction.objects.all(), required=False, allow_null=True
    )
    assignee = OfficerField(required=False, allow_null=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "organisation",
            "interaction",
            "description",
            "assignee",
            "due_on",
            "status",
            "completed_at",
            "created_by",
            "created",
            "updated",
        ]
        read_only_fields = ["completed_at", "created_by", "created", "updated"]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            # An action may only be linked to an interaction its author may see.
            interaction = cast(
                serializers.RelatedField[Interaction, Any, Any], fields["interaction"]
            )
            interaction.queryset = selectors.interactions_visible_to(request.user)
        return fields

    def create(self, validated_data: dict[str, Any]) -> Action:
        status = validated_data.pop("status", None)
        try:
            action = services.action_create(
                organisation=validated_data["organisation"],
                interaction=validated_data.get("interaction"),
                description=validated_data.get("description", ""),
                assignee=validated_data.get("assignee"),
                due_on=validated_data.get("due_on"),
                created_by=self.context["request"].user,
            )
            if status == "done":
                action = services.action_complete(action=action)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        return action

    def update(self, instance: Action, validated_data: dict[str, Any]) -> Action:
        validated_data.pop("interaction", None)
        try:
            return services.action_update(action=instance, data=validated_data)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc


class InteractionSerializer(serializers.ModelSerializer[Interaction]):
    """An interaction's own fields; insights.api adds its insights and actions."""

    organisations = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), many=True
    )
    people = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), many=True, required=False
    )
    officer = InteractionOfficerField(required=False)
    event = serializers.PrimaryKeyRelatedField(
        queryset=Event.objects.all(), required=False, allow_null=True
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)

    class Meta:
        model = Interaction
        fields = [
            "id",
            "kind",
            "occurred_on",
            "title",
            "notes",
            "officer",
            "organisations",
            "people",
            "participation_level",
            "confidential",
            "event",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]

    def update(self, instance: Interaction, validated_data: dict[str, Any]) -> Interaction:
        organisations = validated_data.pop("organisations", None)
        people = validated_data.pop("people", None)
        try:
            return services.interaction_update(
                interaction=instance,
                data=validated_data,
                organisations=organisations,
                people=people,
            )
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc


class EventSerializer(serializers.ModelSerializer[Event]):
    slug = serializers.SlugField(max_length=120, required=False, allow_blank=True)
    organiser = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), required=False, allow_null=True
    )
    hosted_by = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    time_of_day = serializers.CharField(read_only=True)
    confirmed_count = serializers.IntegerField(read_only=True, default=0)
    waitlisted_count = serializers.IntegerField(read_only=True, default=0)
    attended_count = serializers.IntegerField(read_only=True, default=0)
    no_show_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Event
        fields = [
            "id",
            "title",
            "description",
            "kind",
            "starts_at",
            "ends_at",
            "time_of_day",
            "venue_name",
            "venue_address",
            "online_url",
            "accessibility_info",
            "capacity",
            "waitlist_enabled",
            "registration_opens_at",
            "registration_closes_at",
            "slug",
            "status",
            "organiser",
            "hosted_by",
            "confirmed_count",
            "waitlisted_count",
            "attended_count",
            "no_show_count",
            "reminder_sent_at",
            "created",
            "updated",
        ]
        read_only_fields = ["reminder_sent_at", "created", "updated"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Model validation (ends after start, unique slug…) runs in the service.
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Event:
        request = self.context.get("request")
        return event_services.event_create(data=validated_data, user=getattr(request, "user", None))

    def update(self, instance: Event, validated_data: dict[str, Any]) -> Event:
        return event_services.event_update(event=instance, data=validated_data)


class RegistrationSerializer(serializers.ModelSerializer[Registration]):
    first_name = serializers.CharField(source="person.first_name", read_only=True)
    last_name = serializers.CharField(source="person.last_name", read_only=True)
    organisation_name = serializers.CharField(
        source="organisation.name", read_only=True, default=""
    )

    class Meta:
        model = Registration
        fields = [
            "id",
            "event",
            "person",
            "organisation",
            "first_name",
            "last_name",
            "email",
            "organisation_name",
            "status",
            "waitlist_position",
            "requirements",
            "attended",
            "checked_in_at",
            "cancelled_at",
            "created",
            "updated",
        ]
        read_only_fields = fields


class PublicSignUpSerializer(serializers.Serializer[Any]):
    """SPEC §3 public sign-up. `website` is a honeypot: people never see it, bots fill it."""

    first_name = serializers.CharField(max_length=100, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=100, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, allow_blank=True, default="")
    organisation = serializers.CharField(max_length=255, allow_blank=True, default="")
    company_number = serializers.CharField(
        max_length=20, allow_blank=True, required=False, default=""
    )
    job_title = serializers.CharField(max_length=150, allow_blank=True, required=False, default="")
    requirements = serializers.CharField(
        max_length=limits.STATEMENT_MAX, allow_blank=True, required=False, default=""
    )
    marketing_consent = serializers.BooleanField(required=False, default=False)
    website = serializers.CharField(allow_blank=True, required=False, default="", write_only=True)

    def to_sign_up(self) -> event_services.SignUp:
        data = dict(self.validated_data)
        data.pop("website", None)
        return event_services.SignUp(**data)


class PublicRegistrationSerializer(serializers.Serializer[Any]):
    """What the public learns about their own registration: nothing about anyone else."""

    status = serializers.CharField()
    waitlist_position = serializers.IntegerField(allow_null=True)
