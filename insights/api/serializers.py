"""API shapes for themes, insights and whole interactions with their insights and actions
(SPEC §3: relations as ids, themes as slugs). Writes go through insights.services."""

from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from contacts.api.serializers import _as_drf
from contacts.models import Organisation
from core import limits
from engagement import selectors as engagement_selectors
from engagement.api.serializers import InteractionSerializer, OfficerField
from engagement.models import Action, Interaction
from insights import services
from insights.models import Insight, Theme


class ThemeSerializer(serializers.ModelSerializer[Theme]):
    slug = serializers.SlugField(max_length=64, required=False)
    # The field is named as the model's, and so hides Field.parent (the serializer holding
    # a field) in the stubs.
    parent = serializers.SlugRelatedField[Theme](  # type: ignore[assignment]
        slug_field="slug",
        queryset=Theme.objects.filter(parent__isnull=True),
        required=False,
        allow_null=True,
    )

    class Meta:
        model = Theme
        fields = ["slug", "name", "parent", "description", "active", "position"]

    def create(self, validated_data: dict[str, Any]) -> Theme:
        try:
            return services.theme_create(data=validated_data)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc

    def update(self, instance: Theme, validated_data: dict[str, Any]) -> Theme:
        try:
            return services.theme_update(theme=instance, data=validated_data)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc


class ThemeSlugsField(serializers.SlugRelatedField[Theme]):
    """Themes as slugs; unknown slugs are refused with the field named (SPEC §3)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="slug", queryset=Theme.objects.all(), **kwargs)


class ThemeSlugListField(serializers.ListField):
    """An insight's themes as slugs, written and read alike (SPEC §3: themes as slugs)."""

    def to_representation(self, data: Any) -> list[str]:
        return [theme.slug for theme in data.all()]


class InsightSerializer(serializers.ModelSerializer[Insight]):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    interaction = serializers.PrimaryKeyRelatedField(
        queryset=Interaction.objects.all(), required=False, allow_null=True
    )
    themes = ThemeSlugListField(child=serializers.SlugField(max_length=64), allow_empty=False)
    severity = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    recorded_on = serializers.DateField(required=False, validators=[limits.validate_date_in_range])

    class Meta:
        model = Insight
        fields = [
            "id",
            "organisation",
            "interaction",
            "themes",
            "kind",
            "severity",
            "statement",
            "quote",
            "attribution",
            "confidential",
            "recorded_on",
            "created_by",
            "created",
            "updated",
        ]
        read_only_fields = ["confidential", "created_by", "created", "updated"]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and "interaction" in fields:
            # An insight may only be added to an interaction its author may see.
            interaction = cast(
                serializers.RelatedField[Interaction, Any, Any], fields["interaction"]
            )
            interaction.queryset = engagement_selectors.interactions_visible_to(request.user)
        return fields

    def create(self, validated_data: dict[str, Any]) -> Insight:
        try:
            return services.insight_create(
                created_by=self.context["request"].user, **validated_data
            )
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc

    def update(self, instance: Insight, validated_data: dict[str, Any]) -> Insight:
        themes = validated_data.pop("themes", None)
        validated_data.pop("interaction", None)
        try:
            return services.insight_update(insight=instance, data=validated_data, themes=themes)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc


class InsightRowSerializer(InsightSerializer):
    """An insight inside a 1-2-1: its interaction and (usually) organisation are implied."""

    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False
    )

    class Meta(InsightSerializer.Meta):
        fields = [name for name in InsightSerializer.Meta.fields if name != "interaction"]


class ActionRowSerializer(serializers.ModelSerializer[Action]):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False
    )
    assignee = OfficerField(required=False, allow_null=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "organisation",
            "description",
            "assignee",
            "due_on",
            "status",
            "completed_at",
        ]
        read_only_fields = ["status", "completed_at"]


def _nested(exc: DjangoValidationError) -> dict[str, Any]:
    """The service's `insights-<n>-<field>` keys as DRF's nested errors:
    {"insights": [{}, {"themes": [...]}]}, like the serializer's own nested validation."""
    detail: dict[str, Any] = {}
    for key, messages in exc.message_dict.items():
        prefix, _, rest = key.partition("-")
        index, _, field = rest.partition("-")
        if prefix in ("insights", "actions") and index.isdigit() and field:
            rows = detail.setdefault(prefix, [])
            while len(rows) <= int(index):
                rows.append({})
            rows[int(index)].setdefault(field, []).extend(messages)
        else:
            detail.setdefault("non_field_errors" if key == "__all__" else key, []).extend(messages)
    return detail


class InteractionWithInsightsSerializer(InteractionSerializer):
    """An interaction with its insights and follow-up actions. POST records the whole 1-2-1
    in one transaction (`interaction_log`); the rows are edited at insights/ and actions/."""

    insights = InsightRowSerializer(many=True, required=False)
    actions = ActionRowSerializer(many=True, required=False)

    class Meta(InteractionSerializer.Meta):
        fields = [*InteractionSerializer.Meta.fields, "insights", "actions"]

    def create(self, validated_data: dict[str, Any]) -> Interaction:
        user = self.context["request"].user
        try:
            return services.interaction_log(
                officer=validated_data.pop("officer", None) or user,
                organisations=validated_data.pop("organisations"),
                people=validated_data.pop("people", []),
                insights=validated_data.pop("insights", []),
                actions=validated_data.pop("actions", []),
                **validated_data,
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(_nested(exc)) from exc

    def update(self, instance: Interaction, validated_data: dict[str, Any]) -> Interaction:
        if "insights" in validated_data or "actions" in validated_data:
            raise serializers.ValidationError(
                {"non_field_errors": ["Change insights at insights/ and actions at actions/"]}
            )
        return super().update(instance, validated_data)
