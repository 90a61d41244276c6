"""API shapes for interactions and follow-up actions (SPEC §3). Writes go through
engagement.services (and insights.services for a whole 1-2-1)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from contacts.api.serializers import _as_drf
from contacts.models import Organisation, Person
from core.api.schema import NullOnRead
from engagement.filtersets.interactions import officers
from engagement.models import Action, Event, Interaction
from engagement.selectors import interactions as selectors
from engagement.services import interactions as services


class OfficerField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    def get_queryset(self) -> Any:
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
            fields["interaction"].queryset = selectors.interactions_visible_to(  # type: ignore[attr-defined]
                request.user
            )
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
