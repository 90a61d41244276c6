"""API shapes for organisations, people and imports. Writes go through contacts.services."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contacts import services, validators
from contacts.imports import parsing
from contacts.models import ImportFormat, ImportJob, ImportKind, Organisation, Person
from core import limits


def _as_drf(exc: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(exc, "error_dict"):
        detail = dict(exc.message_dict)
        if "__all__" in detail:
            detail["non_field_errors"] = detail.pop("__all__")
        return serializers.ValidationError(detail)
    return serializers.ValidationError({"non_field_errors": exc.messages})


class TokenRequestSerializer(serializers.Serializer[Any]):
    """The token endpoint's body. Any username is accepted here so that a long one gets the
    same answer as a wrong one; NUL and non-strings are refused by CharField."""

    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False)


class TagsField(serializers.ListField):
    """Tags as a list of names; the prefetched `tags` relation on the way out."""

    def to_representation(self, data: Any) -> list[str]:
        return [tag.name for tag in data.all()]


# SPEC §2 `sector`: the section of the first SIC code, null when there is none.
SECTOR_SCHEMA = {
    "type": "object",
    "nullable": True,
    "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
    "required": ["code", "name"],
}


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    company_number = serializers.CharField(
        required=False, allow_blank=True, max_length=20, default=""
    )
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=20, default="")
    sic_codes = serializers.ListField(
        child=serializers.CharField(max_length=5, min_length=5), required=False, max_length=4
    )
    sector = serializers.SerializerMethodField()
    tags = TagsField(
        child=serializers.CharField(max_length=limits.TAG_MAX),
        required=False,
        max_length=limits.TAGS_MAX,
    )
    account_manager = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(),
        required=False,
        allow_null=True,
        help_text="Set by admins only, as is key_account: an officer's change to either is a 403",
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "company_number",
            "kind",
            "sic_codes",
            "sector",
            "employees",
            "size_band",
            "ownership",
            "address",
            "town",
            "postcode",
            "ward",
            "local_authority",
            "rural_urban",
            "tags",
            "key_account",
            "account_manager",
            "status",
            "created",
            "updated",
        ]
        read_only_fields = ["size_band", "created", "updated"]

    @extend_schema_field(SECTOR_SCHEMA)
    def get_sector(self, organisation: Organisation) -> dict[str, str] | None:
        return organisation.sector

    def validate_company_number(self, value: str) -> str:
        number = validators.normalise_company_number(value)
        try:
            validators.validate_company_number(number)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return number

    def validate_postcode(self, value: str) -> str:
        postcode = validators.normalise_postcode(value)
        try:
            validators.validate_postcode(postcode)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return postcode

    def validate_sic_codes(self, value: list[str]) -> list[str]:
        try:
            validators.validate_sic_codes(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value

    def _user(self) -> Any:
        request = self.context.get("request")
        # Without a request there is no one to trust: held to the officer's limits.
        return request.user if request is not None else AnonymousUser()

    def create(self, validated_data: dict[str, Any]) -> Organisation:
        tags = validated_data.pop("tags", None)
        try:
            return services.organisation_create(data=validated_data, tags=tags, user=self._user())
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc

    def update(self, instance: Organisation, validated_data: dict[str, Any]) -> Organisation:
        tags = validated_data.pop("tags", None)
        try:
            return services.organisation_update(
                organisation=instance, data=validated_data, tags=tags, user=self._user()
            )
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc


class PersonSerializer(serializers.ModelSerializer[Person]):
    email = serializers.EmailField(
        required=False, allow_blank=True, allow_null=True, max_length=254
    )
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "job_title",
            "organisation",
            "lawful_basis",
            "marketing_consent",
            "consent_recorded_at",
            "consent_source",
            "do_not_contact",
            "created",
            "updated",
        ]
        read_only_fields = ["created", "updated"]

    def create(self, validated_data: dict[str, Any]) -> Person:
        try:
            return services.person_create(data=validated_data)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc

    def update(self, instance: Person, validated_data: dict[str, Any]) -> Person:
        try:
            return services.person_update(person=instance, data=validated_data)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc


class MergeSerializer(serializers.Serializer[Any]):
    duplicate = serializers.IntegerField(help_text="Id of the record merged into this one")


class ImportJobSerializer(serializers.ModelSerializer[ImportJob]):
    """SPEC §3: {"id", "status", "progress", "created", "updated", "errors"}, where `created`
    and `updated` count records (those a dry run would create or update); the job's own
    timestamps are `created_at` and `updated_at`."""

    created = serializers.IntegerField(
        source="created_count", read_only=True, help_text="Records created (dry run: would be)"
    )
    updated = serializers.IntegerField(
        source="updated_count", read_only=True, help_text="Records updated (dry run: would be)"
    )
    unchanged = serializers.IntegerField(
        source="unchanged_count", read_only=True, help_text="Rows matching a record as it is"
    )
    created_at = serializers.DateTimeField(source="created", read_only=True)
    updated_at = serializers.DateTimeField(source="updated", read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "format",
            "dry_run",
            "file_name",
            "status",
            "progress",
            "total_rows",
            "created",
            "updated",
            "unchanged",
            "errors",
            "error",
            "created_at",
            "updated_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class ImportRequestSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    format = serializers.ChoiceField(choices=ImportFormat.choices, default=ImportFormat.GENERIC)
    dry_run = serializers.BooleanField(default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            parsing.check_kind_and_format(kind=attrs["kind"], format=attrs["format"])
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        return attrs
