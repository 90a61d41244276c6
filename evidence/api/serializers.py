"""Evidence summaries over the API (SPEC §3): filters as top-level fields, themes as slugs."""

from typing import Any

from rest_framework import serializers

from core import limits, roles
from evidence.models import EvidenceSummary


class EvidenceSummarySerializer(serializers.ModelSerializer[EvidenceSummary]):
    class Meta:
        model = EvidenceSummary
        fields = [
            "id",
            "period_start",
            "period_end",
            "themes",
            "sectors",
            "size_bands",
            "local_authorities",
            "key_accounts_only",
            "status",
            "progress",
            "error",
            "result",
            "published",
            "published_at",
            "scheduled",
            "requested_by",
            "published_by",
            "created",
            "updated",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: EvidenceSummary) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not roles.has_role(request.user, roles.OFFICER):
            # The growth group sees the evidence, not which member of staff asked for it.
            data.pop("requested_by", None)
            data.pop("published_by", None)
        return data


class EvidenceSummaryRequestSerializer(serializers.Serializer[dict[str, Any]]):
    """Shapes and types the request; the rules (known themes, period length…) are the
    service's (evidence.services.summary_request)."""

    period_start = serializers.DateField(validators=[limits.validate_date_in_range])
    period_end = serializers.DateField(validators=[limits.validate_date_in_range])
    themes = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, default=list, max_length=100
    )
    sectors = serializers.ListField(
        child=serializers.CharField(max_length=1), required=False, default=list, max_length=21
    )
    size_bands = serializers.ListField(
        child=serializers.CharField(max_length=16), required=False, default=list, max_length=5
    )
    local_authorities = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, default=list, max_length=50
    )
    key_accounts_only = serializers.BooleanField(required=False, default=False)
