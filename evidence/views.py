"""Evidence reports pages (/reports/): the growth group reads published reports; officers and
admins also request reports, follow their progress, review and publish them. The users' word
for an EvidenceSummary is "evidence report", on every page."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from core import roles
from core.forms import add_service_errors
from core.models import JobStatus
from core.permissions import RoleRequiredMixin
from evidence import exports, selectors, services
from evidence.filtersets import EvidenceSummaryFilterSet
from evidence.forms import SummaryRequestForm
from evidence.models import EvidenceSummary

READERS = (roles.OFFICER, roles.GROWTH_GROUP)
MANAGERS = (roles.OFFICER,)
PAGE_SIZE = 25


def _visible_summary(request: HttpRequest, pk: int) -> EvidenceSummary:
    """A summary the user may see; unpublished ones are 404 to the growth group."""
    return get_object_or_404(selectors.summary_list(user=request.user), pk=pk)


def _download(summary: EvidenceSummary, kind: str) -> HttpResponse:
    if summary.status != JobStatus.DONE or not summary.result:
        raise Http404("This summary has not finished yet")
    if kind == "csv":
        response = HttpResponse(
            exports.summary_csv(summary), content_type="text/csv; charset=utf-8"
        )
    else:
        try:
            pdf = exports.summary_pdf(summary)
        except exports.ExportTooSlow:
            return HttpResponse(
                "The PDF took too long to draw: download the CSV instead.",
                content_type="text/plain; charset=utf-8",
                status=503,
            )
        response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.export_filename(summary, kind)}"'
    )
    return response


class SummaryListView(RoleRequiredMixin, View):
    read_roles = READERS

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = EvidenceSummaryFilterSet(
            request.GET, queryset=selectors.summary_list(user=request.user)
        )
        queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "evidence/summary_list.html",
            {
                "page_obj": page,
                "summaries": page.object_list,
                "filterset": filterset,
                "can_manage": selectors.can_manage(request.user),
            },
        )


class SummaryRequestView(RoleRequiredMixin, View):
    read_roles = MANAGERS
    write_roles = MANAGERS

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, SummaryRequestForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SummaryRequestForm(request.POST)
        if form.is_valid():
            try:
                summary = services.summary_request(requested_by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                # No flash message: the job may finish before the next page is drawn, and a
                # finished report must not say it is being built. The progress page, shown
                # only while queued or running, says so instead.
                return redirect("evidence:summary-detail", pk=summary.pk)
        return self._render(request, form, status=400)

    def _render(
        self, request: HttpRequest, form: SummaryRequestForm, status: int = 200
    ) -> HttpResponse:
        return render(request, "evidence/summary_form.html", {"form": form}, status=status)


class SummaryDetailView(RoleRequiredMixin, View):
    """The report when it is ready, its progress while it is built. Answers the Accept header
    with the CSV or PDF export (SPEC §3)."""

    read_roles = READERS

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        summary = _visible_summary(request, pk)
        wanted = request.get_preferred_type(["text/html", "text/csv", "application/pdf"])
        if wanted == "text/csv":
            return _download(summary, "csv")
        if wanted == "application/pdf":
            return _download(summary, "pdf")
        context: dict[str, Any] = {
            "summary": summary,
            "scope": selectors.describe_scope(summary),
            "can_manage": selectors.can_manage(request.user),
            "title": selectors.report_title(summary),
        }
        if summary.status != JobStatus.DONE:
            return render(request, "evidence/summary_progress.html", context)
        context["report"] = selectors.report_for(summary)
        context["employees_note"] = selectors.EMPLOYEES_NOTE
        response = render(request, "evidence/report.html", context)
        response["Vary"] = "Accept, Cookie"
        return response


class SummaryProgressView(RoleRequiredMixin, View):
    """The progress panel, polled by htmx; once the job ends the page reloads itself."""

    read_roles = MANAGERS

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        summary = _visible_summary(request, pk)
        response = render(request, "evidence/summary_progress_panel.html", {"summary": summary})
        if summary.status in (JobStatus.DONE, JobStatus.FAILED) and request.headers.get(
            "HX-Request"
        ):
            response["HX-Refresh"] = "true"
        response["Cache-Control"] = "no-store"
        return response


class SummaryPublishView(RoleRequiredMixin, View):
    read_roles = MANAGERS
    write_roles = MANAGERS
    publish = True

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        summary = _visible_summary(request, pk)
        try:
            if self.publish:
                services.summary_publish(summary=summary, published_by=request.user)
                messages.success(request, "Published: the growth group can now read this report")
            else:
                services.summary_unpublish(summary=summary)
                messages.success(request, "Unpublished: the growth group can no longer see it")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(reverse("evidence:summary-detail", kwargs={"pk": summary.pk}))


class SummaryExportView(RoleRequiredMixin, View):
    read_roles = READERS
    kind = "csv"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _download(_visible_summary(request, pk), self.kind)
