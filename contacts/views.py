from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from contacts import forms as contact_forms
from contacts import selectors, services, timeline
from contacts.filtersets import OrganisationFilterSet, PersonFilterSet
from contacts.models import Organisation, Person, Tag
from core import limits, roles
from core.permissions import RoleRequiredMixin

# --- Organisation and person pages (SPEC §3 web pages) ----------------------------------
# Officers create, read and update; organisers read (to match sign-ups); the growth group
# sees no personal data (SPEC §1). Lists page through a FilterSet shared with the API and
# run a fixed number of queries whatever the page size (the selectors prefetch).

CONTACT_READERS = (roles.OFFICER, roles.ORGANISER)
CONTACT_WRITERS = (roles.OFFICER,)
PAGE_SIZE = 50
COUNT_CAP = 10_000
LOCAL_AUTHORITIES_CACHE_KEY = "contacts:local-authorities"
MAX_PAGE_SIZE = 200
PEOPLE_ON_ORGANISATION_PAGE = 10
TIMELINE_PAGE_SIZE = 20
TIMELINE_TAG_CLASSES = {
    "interaction": "govuk-tag--blue",
    "insight": "govuk-tag--purple",
    "action": "govuk-tag--yellow",
    "registration": "govuk-tag--green",
}


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP rows, so neither the count nor a deep OFFSET ever walks a
    100,000-row table (SPEC §4): beyond the cap the page says "more than 10,000" and asks
    for a search or filter, and only the first 10,000 rows are reachable by page number."""

    capped = False

    @cached_property
    def count(self) -> int:
        counted = self.object_list.order_by()[: COUNT_CAP + 1].count()  # type: ignore[attr-defined]
        self.capped = counted > COUNT_CAP
        return min(counted, COUNT_CAP)


def _page_of(request: HttpRequest, queryset: QuerySet[Any]) -> Page:  # type: ignore[type-arg]
    """A page of `queryset` from ?page= and ?page_size= (1–200); bad values never fail."""
    try:
        size = min(max(int(request.GET.get("page_size", PAGE_SIZE)), 1), MAX_PAGE_SIZE)
    except ValueError:
        size = PAGE_SIZE
    return CappedPaginator(queryset, size).get_page(request.GET.get("page"))


def _local_authorities() -> list[str]:
    """The local authorities in use, for the filter panel. A DISTINCT over every organisation
    costs tens of milliseconds at 100,000 rows, so it is cached for a few minutes."""
    names = cache.get(LOCAL_AUTHORITIES_CACHE_KEY)
    if names is None:
        names = list(
            Organisation.objects.exclude(local_authority="")
            .order_by("local_authority")
            .values_list("local_authority", flat=True)
            .distinct()
        )
        cache.set(LOCAL_AUTHORITIES_CACHE_KEY, names, 300)
    return names


def _any_choice(field: Any, label: str) -> None:
    """Relabel a filter's empty choice ('---------') as, e.g., 'Any sector'."""
    # django-filter's choice fields add the empty choice themselves; setting the choices
    # again makes the widget use this field's label, not the one it was copied from.
    field.empty_label = label
    field.choices = [(value, name) for value, name in field.choices if value != ""]


def _organisation_filters(request: HttpRequest) -> OrganisationFilterSet:
    filterset = OrganisationFilterSet(
        request.GET or None, queryset=selectors.organisation_list(), request=request
    )
    fields = filterset.form.fields
    _any_choice(fields["sector"], "Any sector")
    _any_choice(fields["size_band"], "Any size")
    _any_choice(fields["kind"], "Any kind")
    _any_choice(fields["status"], "Active or dissolved")
    fields["key_account"].label = "Key account"
    fields["key_account"].widget = django_forms.Select(
        choices=[("", "Any"), ("true", "Key accounts only"), ("false", "Not key accounts")]
    )
    manager = fields["account_manager"]
    manager.queryset = contact_forms.staff_who_manage_accounts()
    manager.empty_label = "Anyone"
    manager.label_from_instance = lambda user: user.get_full_name() or user.get_username()  # type: ignore[method-assign]
    authorities = _local_authorities()
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


def _selected_filters(
    request: HttpRequest, form: django_forms.Form, names: tuple[str, ...]
) -> list[dict[str, str]]:
    """The filters in use, each with the address of the list without it."""
    selected = []
    for name in names:
        value = request.GET.get(name, "")
        if not value or name not in form.fields:
            continue
        field = form.fields[name]
        shown = value
        for key, label in getattr(field.widget, "choices", ()):
            if str(key) == value:
                shown = str(label)
                break
        query = request.GET.copy()
        query.pop(name, None)
        query.pop("page", None)
        selected.append({"label": str(field.label), "value": shown, "url": f"?{query.urlencode()}"})
    return selected


class OrganisationListView(RoleRequiredMixin, TemplateView):
    template_name = "contacts/organisation_list.html"
    read_roles = CONTACT_READERS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        filterset = _organisation_filters(self.request)
        # By the normalised name ("The Oxford Bakery Ltd" under O), which has an index, so the
        # first page reads 50 index entries instead of sorting every organisation.
        ordered = filterset.qs.order_by("name_normalised", "postcode", "id")
        page = _page_of(self.request, ordered)
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
            "selected_filters": _selected_filters(self.request, filterset.form, filter_names),
            "searching": bool(self.request.GET.get("q", "").strip()) or active,
        }


class OrganisationDetailView(RoleRequiredMixin, TemplateView):
    template_name = "contacts/organisation_detail.html"
    read_roles = CONTACT_READERS

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
    read_roles = CONTACT_WRITERS
    write_roles = CONTACT_WRITERS

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
                return redirect("pages-organisation-detail", pk=saved.pk)
            except ValidationError as exc:
                contact_forms.add_service_errors(form, exc)
        # The failed update changed the instance in memory only; show the stored record.
        return self.render_to_response({"form": form, "organisation": self.get_organisation()})


class PersonListView(RoleRequiredMixin, TemplateView):
    template_name = "contacts/person_list.html"
    read_roles = CONTACT_READERS

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
        page = _page_of(self.request, filterset.qs)
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
    read_roles = CONTACT_READERS

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        person = get_object_or_404(selectors.person_list(), pk=self.kwargs["pk"])
        return {**super().get_context_data(**kwargs), "person": person}


class PersonFormView(RoleRequiredMixin, TemplateView):
    """Add a person (optionally at ?organisation=<id>), or edit one (`pk` given)."""

    template_name = "contacts/person_form.html"
    read_roles = CONTACT_WRITERS
    write_roles = CONTACT_WRITERS

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
        return redirect("pages-person-detail", pk=person.pk)

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
                return redirect("pages-person-detail", pk=saved.pk)
            except ValidationError as exc:
                contact_forms.add_service_errors(form, exc)
        return self.render_to_response(
            {"form": form, "person": self.get_person(), "for_organisation": organisation}
        )


class DuplicatesView(RoleRequiredMixin, TemplateView):
    """Likely duplicates (SPEC §2), each group with a choice of the record to keep."""

    template_name = "contacts/duplicates.html"
    read_roles = CONTACT_WRITERS
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
    read_roles = CONTACT_WRITERS
    write_roles = CONTACT_WRITERS
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
            return redirect(f"pages-{duplicates}-duplicates")
        form = contact_forms.MergeForm(request.POST, records=records, describe=_describe)
        if not form.is_valid():
            return self.render_choice(records, form)
        survivor = next(r for r in records if r.pk == form.cleaned_data["survivor"])
        merge = (
            services.organisation_merge if self.kind == "organisations" else services.person_merge
        )
        try:
            with transaction.atomic():
                for duplicate in records:
                    if duplicate.pk != survivor.pk:
                        survivor = merge(survivor=survivor, duplicate=duplicate, user=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            contact_forms.add_service_errors(form, exc)
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
            "pages-organisation-detail" if self.kind == "organisations" else "pages-person-detail"
        )
        return redirect(detail, pk=survivor.pk)
