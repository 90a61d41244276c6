"""Pages for UK GDPR requests about a person (SPEC §4): subject-access export and erasure.

The export downloads the same JSON as `GET /api/v1/people/{id}/export/` (officers and admins);
erasure is for admins only, after a confirmation page that says what will happen.
"""

import json
from typing import Any

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from contacts import selectors
from contacts.privacy import services
from contacts.privacy.api import export_filename
from core import roles
from core.permissions import RoleRequiredMixin


class PersonExportView(RoleRequiredMixin, TemplateView):
    """Everything held on the person, as a JSON download (recorded in the audit trail)."""

    read_roles = (roles.OFFICER,)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person = get_object_or_404(selectors.person_list(), pk=self.kwargs["pk"])
        data = services.person_export_logged(person=person, user=request.user)
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{export_filename(person.pk)}"'
        response["Cache-Control"] = "no-store"
        return response


class PersonEraseView(RoleRequiredMixin, TemplateView):
    """Check, then erase: the person is anonymised and their records kept for the counts."""

    template_name = "contacts/person_erase.html"
    read_roles = (roles.ADMIN,)
    write_roles = (roles.ADMIN,)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        person = get_object_or_404(selectors.person_list(), pk=self.kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "person": person,
            "linked": selectors.linked_records(person),
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person = get_object_or_404(selectors.person_list(), pk=self.kwargs["pk"])
        if person.erased_at is not None:
            messages.info(request, "This person's data was erased already")
        else:
            services.person_erase(person=person, user=request.user)
            messages.success(request, "Personal data erased: the record now reads 'Erased person'")
        return redirect("contacts:person-detail", pk=person.pk)
