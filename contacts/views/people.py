"""The people pages: the filtered list, a person, and the form that adds or edits one."""

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import TemplateView

from contacts import forms as contact_forms
from contacts import selectors, services
from contacts.filtersets import PersonFilterSet
from contacts.models import Organisation, Person
from contacts.views import common
from core import limits
from core.forms import add_service_errors
from core.permissions import RoleRequiredMixin


class PersonListView(RoleRequiredMixin, TemplateView):
    template_name = "contacts/person_list.html"
    read_roles = common.CONTACT_READERS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        filterset = PersonFilterSet(
            self.request.GET or None, queryset=selectors.person_list(), request=self.request
        )
        fields = filterset.form.fields
        fields["marketing_consent"].label = "Marketing consent"
        fields["marketing_consent"].widget = django_forms.Select(
            choices=[("", "Any"), ("true", "Given"), ("false", "Not given")]
        )
        fields["do_not_contact"].label = "Do not contact"
        fields["do_not_contact"].widget = django_forms.Select(
            choices=[("", "Any"), ("true", "Do not contact"), ("false", "May be contacted")]
        )
        page = common.page_of(self.request, filterset.qs)
        active = sum(
            1 for name in ("marketing_consent", "do_not_contact") if self.request.GET.get(name)
        )
        organisation = None
        if (
            filterset.is_bound
            and filterset.is_valid()
            and filterset.form.cleaned_data.get("organisation")
        ):
            organisation = Organisation.objects.filter(
                pk=filterset.form.cleaned_data["organisation"]
            ).first()
        return {
            **super().get_context_data(**kwargs),
            "filter": filterset,
            "form": filterset.form,
            "page_obj": page,
            "people": page.object_list,
            "organisation": organisation,
            "active_filters": active,
            "searching": bool(self.request.GET.get("q", "").strip()) or active,
        }


class PersonDetailView(RoleRequiredMixin, TemplateView):
    template_name = "contacts/person_detail.html"
    read_roles = common.CONTACT_READERS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        person = get_object_or_404(selectors.person_list(), pk=self.kwargs["pk"])
        return {**super().get_context_data(**kwargs), "person": person}


class PersonFormView(RoleRequiredMixin, TemplateView):
    """Add a person (optionally at ?organisation=<id>), or edit one (`pk` given)."""

    template_name = "contacts/person_form.html"
    read_roles = common.CONTACT_WRITERS
    write_roles = common.CONTACT_WRITERS

    def get_person(self) -> Person | None:
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(selectors.person_list(), pk=self.kwargs["pk"])

    def given_organisation(self, person: Person | None) -> Organisation | None:
        if person is not None:
            return person.organisation
        raw = self.request.GET.get("organisation") or self.request.POST.get("for_organisation")
        if (organisation_id := limits.parse_id(raw)) is not None:
            return Organisation.objects.filter(pk=organisation_id).first()
        return None

    def refuse_erased(self, request: HttpRequest, person: Person | None) -> HttpResponse | None:
        """An erased person's record stays anonymised (SPEC §4): editing it would put personal
        data back on a record we were asked to forget, so the page sends the user back."""
        if person is None or person.erased_at is None:
            return None
        messages.info(
            request,
            f"This person's personal data was erased on "
            f"{timezone.localtime(person.erased_at):%-d %B %Y}, so the record cannot be edited",
        )
        return redirect("contacts:person-detail", pk=person.pk)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person = self.get_person()
        if refused := self.refuse_erased(request, person):
            return refused
        organisation = self.given_organisation(person)
        if person is not None:
            initial = contact_forms.PersonForm.initial_for(person)
        else:
            initial = {"organisation": organisation.name if organisation else ""}
        form = contact_forms.PersonForm(initial=initial, current_organisation=organisation)
        return self.render_to_response(
            {"form": form, "person": person, "for_organisation": organisation}
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person = self.get_person()
        if refused := self.refuse_erased(request, person):
            return refused
        organisation = self.given_organisation(person)
        form = contact_forms.PersonForm(request.POST, current_organisation=organisation)
        if form.is_valid():
            try:
                if person is None:
                    saved = services.person_create(data=form.cleaned_data)
                    messages.success(request, f"{saved.full_name} was added")
                else:
                    saved = services.person_update(person=person, data=form.cleaned_data)
                    messages.success(request, f"{saved.full_name} was updated")
                return redirect("contacts:person-detail", pk=saved.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
        return self.render_to_response(
            {"form": form, "person": self.get_person(), "for_organisation": organisation}
        )
