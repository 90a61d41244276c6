"""The import pages (SPEC §2 Import): upload, follow, download the rejected rows."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from contacts import selectors
from contacts.imports import forms, jobs, parsing
from contacts.models import ImportFormat, ImportJob, ImportKind
from core import roles
from core.csv import csv_download
from core.forms import add_service_errors
from core.models import JobStatus
from core.permissions import RoleRequiredMixin

IMPORTERS = (roles.OFFICER,)
IMPORT_ERRORS_SHOWN = 500


class ImportUploadView(RoleRequiredMixin, TemplateView):
    """Upload a CSV file to import, and the recent imports."""

    template_name = "contacts/imports/upload.html"
    read_roles = IMPORTERS
    write_roles = IMPORTERS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", forms.ImportForm(initial={"format": ImportFormat.GENERIC}))
        context["recent"] = selectors.import_jobs_for(user=self.request.user)[:10]
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = forms.ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = jobs.import_request(
                    upload=form.cleaned_data["file"],
                    kind=form.cleaned_data["kind"],
                    format=form.cleaned_data["format"],
                    dry_run=form.cleaned_data["dry_run"],
                    user=request.user,
                )
                return redirect("contacts:import-detail", pk=job.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
        return self.render_to_response(self.get_context_data(form=form))


def _import_job(pk: int) -> ImportJob:
    return get_object_or_404(selectors.import_jobs_for(user=None), pk=pk)


class ImportDetailView(RoleRequiredMixin, TemplateView):
    """One import: its progress while it runs, then its counts and every rejected row."""

    template_name = "contacts/imports/detail.html"
    read_roles = IMPORTERS
    write_roles = IMPORTERS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        job = _import_job(self.kwargs["pk"])
        context.update(
            job=job,
            finished=job.status in (JobStatus.DONE, JobStatus.FAILED),
            errors_shown=job.errors[:IMPORT_ERRORS_SHOWN],
            errors_hidden=max(0, len(job.errors) - IMPORT_ERRORS_SHOWN),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Import for real the file a finished dry run checked."""
        job = get_object_or_404(ImportJob, pk=self.kwargs["pk"])
        try:
            repeat = jobs.import_repeat(job=job, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("contacts:import-detail", pk=job.pk)
        return redirect("contacts:import-detail", pk=repeat.pk)


class ImportProgressView(RoleRequiredMixin, TemplateView):
    """The progress panel, polled by htmx; once the job ends the page reloads itself."""

    template_name = "contacts/imports/progress.html"
    read_roles = IMPORTERS

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        job = _import_job(self.kwargs["pk"])
        response = self.render_to_response({"job": job})
        if job.status in (JobStatus.DONE, JobStatus.FAILED) and request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"
        response["Cache-Control"] = "no-store"
        return response


class ImportRejectedRowsView(RoleRequiredMixin, TemplateView):
    """Every rejected row of an import as CSV (line, problem)."""

    read_roles = IMPORTERS

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        job = _import_job(self.kwargs["pk"])
        rows = [["line", "problem"]] + [[e["line"], e["message"]] for e in job.errors]
        return csv_download(f"import-{job.pk}-rejected-rows.csv", rows)


class ImportTemplateView(RoleRequiredMixin, TemplateView):
    """The generic CSV template for organisations or people: header and an example row."""

    read_roles = IMPORTERS

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        kind = self.kwargs["kind"]
        if kind not in ImportKind.values:
            raise Http404("No such template")
        response = HttpResponse(parsing.template_csv(kind), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="placevoice-{kind}-template.csv"'
        return response
