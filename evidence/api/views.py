"""`/api/v1/summaries/` (SPEC §3): request (202, queued), follow, publish, export.

Officers and admins see and manage every summary; the growth group reads published ones only
(others are 404 to them); organisers get 403. A summary's detail answers the client's Accept
header: JSON, or the CSV / PDF export (`text/csv`, `application/pdf`).
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from core import roles
from core.api.schema import ErrorDetailSerializer
from core.models import JobStatus
from core.permissions import RoleAccess
from evidence import exports, selectors, services
from evidence.api.serializers import (
    EvidenceSummaryRequestSerializer,
    EvidenceSummarySerializer,
)
from evidence.filtersets import EvidenceSummaryFilterSet
from evidence.models import EvidenceSummary


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> Any:
        return data if isinstance(data, bytes | str) else b""


class PDFRenderer(renderers.BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> Any:
        return data if isinstance(data, bytes) else b""


class NotReady(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The summary has not finished yet: there is nothing to export."
    default_code = "not_ready"


class ExportTooSlow(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The PDF took too long to draw: download the CSV instead."
    default_code = "export_too_slow"


CSV_EXPORT = OpenApiResponse(OpenApiTypes.STR, description="CSV export, as a download")
PDF_EXPORT = OpenApiResponse(OpenApiTypes.BINARY, description="PDF export, as a download")
NOT_READY = OpenApiResponse(ErrorDetailSerializer, description=NotReady.default_detail)


def export_response(summary: EvidenceSummary, kind: str) -> HttpResponse:
    """The CSV or PDF of a finished summary, as a download."""
    if summary.status != JobStatus.DONE or not summary.result:
        raise NotReady()
    if kind == "csv":
        response = HttpResponse(
            exports.summary_csv(summary), content_type="text/csv; charset=utf-8"
        )
    else:
        try:
            pdf = exports.summary_pdf(summary)
        except exports.ExportTooSlow as exc:
            raise ExportTooSlow() from exc
        response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.export_filename(summary, kind)}"'
    )
    response["Vary"] = "Accept, Cookie"
    return response


class EvidenceSummaryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[EvidenceSummary],
):
    permission_classes = [RoleAccess]
    read_roles = (roles.OFFICER, roles.GROWTH_GROUP)
    write_roles = (roles.OFFICER,)
    serializer_class = EvidenceSummarySerializer
    filterset_class = EvidenceSummaryFilterSet

    def get_queryset(self) -> QuerySet[EvidenceSummary]:
        return selectors.summary_list(user=self.request.user)

    def get_renderers(self) -> list[renderers.BaseRenderer]:
        if self.action == "export_csv":
            return [CSVRenderer(), renderers.JSONRenderer()]
        if self.action == "export_pdf":
            return [PDFRenderer(), renderers.JSONRenderer()]
        found = super().get_renderers()
        if self.action == "retrieve":
            found += [CSVRenderer(), PDFRenderer()]
        return found

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        # Errors are JSON (SPEC §3) even when the client asked for a CSV or a PDF.
        accepted = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and isinstance(accepted, CSVRenderer | PDFRenderer):
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        request=EvidenceSummaryRequestSerializer,
        responses={202: EvidenceSummarySerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = EvidenceSummaryRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        summary = services.summary_request(requested_by=request.user, **incoming.validated_data)
        data = self.get_serializer(summary).data
        return Response(data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses={
            (200, "application/json"): EvidenceSummarySerializer,
            (200, "text/csv"): CSV_EXPORT,
            (200, "application/pdf"): PDF_EXPORT,
            409: NOT_READY,
        }
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        summary = self.get_object()
        accepted = getattr(request, "accepted_renderer", None)
        if isinstance(accepted, CSVRenderer):
            return export_response(summary, "csv")
        if isinstance(accepted, PDFRenderer):
            return export_response(summary, "pdf")
        return Response(self.get_serializer(summary).data)

    @extend_schema(request=None, responses={200: EvidenceSummarySerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        summary = services.summary_publish(summary=self.get_object(), published_by=request.user)
        return Response(self.get_serializer(summary).data)

    @extend_schema(request=None, responses={200: EvidenceSummarySerializer})
    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, pk: str | None = None) -> Response:
        summary = services.summary_unpublish(summary=self.get_object())
        return Response(self.get_serializer(summary).data)

    @extend_schema(responses={(200, "text/csv"): CSV_EXPORT, 409: NOT_READY})
    def export_csv(self, request: Request, pk: str | None = None) -> HttpResponse:
        return export_response(self.get_object(), "csv")

    @extend_schema(responses={(200, "application/pdf"): PDF_EXPORT, 409: NOT_READY})
    def export_pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        return export_response(self.get_object(), "pdf")
