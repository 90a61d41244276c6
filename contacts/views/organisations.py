"""The organisation pages: the filtered list, an organisation with its people and timeline,
and the form that adds or edits one."""

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from contacts import forms as contact_forms
from contacts import selectors, services, timeline
from contacts.filtersets import OrganisationFilterSet
from contacts.models import Organisation, Tag
from contacts.views import common
from core import roles
from core.forms import add_service_errors
from core.permissions import RoleRequiredMixin

PEOPLE_ON_ORGANISATION_PAGE = 10
TIMELINE_PAGE_SIZE = 20
TIMELINE_TAG_CLASSES = {
    "interaction": "govuk-tag--blue",
    "insight": "govuk-tag--purple",
    "action": "govuk-tag--yellow",
    "registration": "govuk-tag--green",
}


def _organisation_filters(request: HttpRequest) -> OrganisationFilterSet:
    filterset = OrganisationFilterSet(
        request.GET or None, queryset=selectors.organisation_list(), request=request
    )
    fields = filterset.form.fields
    common.any_choice(fields["sector"], "Any sector")
    common.any_choice(fields["size_band"], "Any size")
    common.any_choice(fields["kind"], "Any kind")
    common.any_choice(fields["status"], "Active or dissolved")
    fields["key_account"].label = "Key account"
    fields["key_account"].widget = django_forms.Select(
        choices=[("", "Any"), ("true", "Key accounts only"), ("false", "Not key accounts")]
    )
    manager = fields["account_manager"]
    manager.queryset = contact_forms.staff_who_manage_accounts()
    manager.empty_label = "Anyone"
    manager.label_from_instance = lambda user: user.get_full_name() or user.get_username()
    authorities = selectors.local_authorities()
    fields["local_authority"].widget = django_forms.Select(
        choices=[("", "Any local authority"), *[(name, name) for name in authorities]]
    )
    fields["tag"].widget = django_forms.Select(
        choices=[
            ("", "Any tag"),
            *[(name, name) for name in Tag.objects.values_list("name", flat=True)],
        ]
    )
    return filterset


class OrganisationListView(RoleRequiredMixin, TemplateView):
    template_name = "contacts/organisation_list.html"
    read_roles = common.CONTACT_READERS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        filterset = _organisation_filters(self.request)
        # By the normalised name ("The Oxford Bakery Ltd" under O), which has an index, so the
        # first page reads 50 index entries instead of sorting every organisation.
        ordered = filterset.qs.order_by("name_normalised", "postcode", "id")
        page = common.page_of(self.request, ordered)
        filter_names = (
            "sector",
            "size_band",
            "kind",
            "key_account",
            "account_manager",
            "local_authority",
            "tag",
            "status",
            "ward",
        )
        active = sum(1 for name in filter_names if self.request.GET.get(name))
        return {
            **super().get_context_data(**kwargs),
            "filter": filterset,
            "form": filterset.form,
            "page_obj": page,
            "organisations": page.object_list,
            "active_filters": active,
            "selected_filters": common.selected_filters(self.request, filterset.form, filter_names),
            "searching": bool(self.request.GET.get("q", "").strip()) or active,
        }


class OrganisationDetailView(RoleRequiredMixin, TemplateView):
    template_name = "contacts/organisation_detail.html"
    read_roles = common.CONTACT_READERS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organisation = get_object_or_404(selectors.organisation_detail(), pk=self.kwargs["pk"])
        people = list(
            selectors.person_list().filter(organisation=organisation)[:PEOPLE_ON_ORGANISATION_PAGE]
        )
        before = timeline.decode_cursor(self.request.GET.get("before"))
        entries, older = timeline.page(
            organisation=organisation,
            user=self.request.user,
            before=before,
            size=TIMELINE_PAGE_SIZE,
        )
        return {
            **super().get_context_data(**kwargs),
            "organisation": organisation,
            "people": people,
            "more_people": organisation.people_count > len(people),  # type: ignore[attr-defined]
            "timeline": [
                (entry, TIMELINE_TAG_CLASSES.get(entry.kind, "govuk-tag--grey"))
                for entry in entries
            ],
            "timeline_older": timeline.encode_cursor(older),
            "timeline_paged": before is not None,
        }


class OrganisationFormView(RoleRequiredMixin, TemplateView):
    """Add an organisation, or edit one (`pk` given). Nothing is saved unless every rule in
    contacts.services passes."""

    template_name = "contacts/organisation_form.html"
    read_roles = common.CONTACT_WRITERS
    write_roles = common.CONTACT_WRITERS

    def get_organisation(self) -> Organisation | None:
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(selectors.organisation_list(), pk=self.kwargs["pk"])

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        organisation = self.get_organisation()
        initial = contact_forms.OrganisationForm.initial_for(organisation) if organisation else None
        form = contact_forms.OrganisationForm(
            initial=initial,
            organisation=organisation,
            manages_accounts=roles.is_admin(request.user),
        )
        return self.render_to_response({"form": form, "organisation": organisation})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        organisation = self.get_organisation()
        form = contact_forms.OrganisationForm(
            request.POST,
            organisation=organisation,
            manages_accounts=roles.is_admin(request.user),
        )
        if form.is_valid():
            data, tags = form.service_arguments()
            # A PermissionDenied from the service (a forged change to the account fields)
            # is left to become the 403 page: nothing has been saved.
            try:
                if organisation is None:
                    saved = services.organisation_create(data=data, tags=tags, user=request.user)
                    messages.success(request, f"{saved.name} was added")
                else:
                    saved = services.organisation_update(
                        organisation=organisation, data=data, tags=tags, user=request.user
                    )
                    messages.success(request, f"{saved.name} was updated")
                return redirect("contacts:organisation-detail", pk=saved.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
        # The failed update changed the instance in memory only; show the stored record.
        return self.render_to_response({"form": form, "organisation": self.get_organisation()})
