"""Likely duplicates and the merge of several records into one (SPEC §2)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView

from contacts import forms as contact_forms
from contacts import selectors, services
from contacts.models import Organisation, Person
from contacts.views import common
from core import limits
from core.forms import add_service_errors
from core.permissions import RoleRequiredMixin


class DuplicatesView(RoleRequiredMixin, TemplateView):
    """Likely duplicates (SPEC §2), each group with a choice of the record to keep."""

    template_name = "contacts/duplicates.html"
    read_roles = common.CONTACT_WRITERS
    kind = "organisations"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if self.kind == "organisations":
            groups: list[tuple[str, list[Any]]] = list(selectors.organisation_duplicates())
        else:
            groups = list(selectors.person_duplicates())
        return {
            **super().get_context_data(**kwargs),
            "kind": self.kind,
            # Each group's radios get their own ids, so several choices share one page.
            "groups": [
                (
                    reason,
                    records,
                    contact_forms.MergeForm(
                        records=records, describe=_describe, auto_id=f"id_group{number}_%s"
                    ),
                )
                for number, (reason, records) in enumerate(groups, start=1)
            ],
        }


def _describe(record: Organisation | Person) -> str:
    """How a record is told apart from its duplicates in a merge choice."""
    if isinstance(record, Organisation):
        details = [
            record.company_number and f"company number {record.company_number}",
            record.town,
            record.postcode,
            f"added {record.created:%-d %B %Y}",
        ]
        return f"{record.name} ({', '.join(part for part in details if part)})"
    details = [
        record.email or "",
        record.job_title,
        record.organisation.name if record.organisation else "",
        f"added {record.created:%-d %B %Y}",
    ]
    return f"{record.full_name} ({', '.join(part for part in details if part)})"


class MergeView(RoleRequiredMixin, TemplateView):
    """Choose the survivor, see what moves, confirm: the others are merged into it through
    contacts.services, all in one transaction (SPEC §2)."""

    template_name = "contacts/merge.html"
    read_roles = common.CONTACT_WRITERS
    write_roles = common.CONTACT_WRITERS
    kind = "organisations"

    def records(self, data: Any) -> list[Any]:
        ids = limits.parse_ids(data.getlist("ids"))
        if self.kind == "organisations":
            return list(selectors.organisation_list().filter(pk__in=ids))
        return list(selectors.person_list().filter(pk__in=ids))

    def render_choice(self, records: list[Any], form: Any) -> HttpResponse:
        survivor = None
        moves: list[tuple[str, int]] = []
        if form.is_bound and form.is_valid():
            survivor = next(r for r in records if r.pk == form.cleaned_data["survivor"])
            totals: dict[str, int] = {}
            for record in records:
                if record.pk != survivor.pk:
                    for label, count in selectors.linked_records(record):
                        totals[label] = totals.get(label, 0) + count
            moves = sorted(totals.items())
        return self.render_to_response(
            {
                "kind": self.kind,
                "records": records,
                "form": form,
                "survivor": survivor,
                "duplicates": [r for r in records if survivor is None or r.pk != survivor.pk],
                "moves": moves,
            }
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        records = self.records(request.GET)
        if len(records) < 2:
            raise Http404("Choose at least two records to merge")
        data = request.GET if "survivor" in request.GET else None
        form = contact_forms.MergeForm(data, records=records, describe=_describe)
        return self.render_choice(records, form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        records = self.records(request.POST)
        if len(records) < 2:
            # Someone merged or deleted them meanwhile (or the page was sent twice).
            messages.info(request, "Those records have been merged or deleted already")
            duplicates = "organisation" if self.kind == "organisations" else "person"
            return redirect(f"contacts:{duplicates}-duplicates")
        form = contact_forms.MergeForm(request.POST, records=records, describe=_describe)
        if not form.is_valid():
            return self.render_choice(records, form)
        survivor = next(r for r in records if r.pk == form.cleaned_data["survivor"])
        merge = (
            services.organisations_merge if self.kind == "organisations" else services.people_merge
        )
        others = [record for record in records if record.pk != survivor.pk]
        try:
            survivor = merge(survivor=survivor, duplicates=others, user=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.render_choice(self.records(request.POST), form)
        except PermissionDenied as exc:
            # SPEC §1: refused with a 403 that says an admin must do it; nothing moved.
            form.add_error(None, str(exc))
            response = self.render_choice(self.records(request.POST), form)
            response.status_code = 403
            return response
        merged = len(records) - 1
        noun = "record" if merged == 1 else "records"
        messages.success(request, f"{merged} {noun} merged into {survivor}")
        detail = (
            "contacts:organisation-detail"
            if self.kind == "organisations"
            else "contacts:person-detail"
        )
        return redirect(detail, pk=survivor.pk)
