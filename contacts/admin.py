"""Back-office admin for the accounts. Foreign keys use search boxes (autocomplete) rather
than dropdowns, which would list every organisation or user."""

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from contacts import services
from contacts.models import ImportJob, Organisation, Person, Tag


def _service_data(obj: Model, fields: set[str]) -> dict[str, Any]:
    """The values the admin's form has put on `obj`, for the fields the service writes. A
    read-only field keeps its stored value, which the service sees as no change."""
    return {name: getattr(obj, name) for name in sorted(fields)}


def _saved_as(obj: Model, stored: Model) -> None:
    """Make the admin's instance the row the service saved, so the admin's redirect, message
    and many-to-many save see it."""
    obj.pk = stored.pk
    obj._state.adding = False
    obj.refresh_from_db()


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    search_fields = ["name"]
    list_display = ["name"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = [
        "name",
        "company_number",
        "sector_code",
        "size_band",
        "town",
        "ward",
        "local_authority",
        "key_account",
        "account_manager",
        "status",
    ]
    list_filter = [
        "kind",
        "sector_code",
        "size_band",
        "key_account",
        "status",
        "rural_urban",
        "local_authority",
    ]
    search_fields = ["name", "company_number", "postcode"]
    list_select_related = ["account_manager"]
    autocomplete_fields = ["account_manager", "tags"]
    readonly_fields = ["sector_code", "size_band", "name_normalised", "created", "updated"]
    show_full_result_count = False  # no second COUNT(*) over the whole table on every page

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if not services.is_unrestricted(request.user):
            fields += list(services.ACCOUNT_FIELDS)  # SPEC §1: admins only
        return fields

    def save_model(self, request: HttpRequest, obj: Organisation, form: Any, change: bool) -> None:
        # Through the service, as every other path that writes an organisation, so its rules
        # (only admins change the account fields) hold here too. The form's tags are saved
        # after this by save_related.
        data = _service_data(obj, services.ORGANISATION_FIELDS)
        if change:
            stored = Organisation.objects.get(pk=obj.pk)
            services.organisation_update(organisation=stored, data=data, user=request.user)
        else:
            stored = services.organisation_create(data=data, user=request.user)
        _saved_as(obj, stored)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = [
        "full_name",
        "email",
        "job_title",
        "organisation",
        "lawful_basis",
        "marketing_consent",
        "do_not_contact",
    ]
    list_filter = ["lawful_basis", "marketing_consent", "do_not_contact"]
    search_fields = ["first_name", "last_name", "email", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["created", "updated"]
    show_full_result_count = False

    @admin.display(description="Name", ordering="last_name")
    def full_name(self, person: Person) -> str:
        return person.full_name

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An erased person's record stays anonymised (SPEC §4): the admin shows it read-only.
        if obj is not None and obj.erased_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        # Through the service, as every other path that writes a person: it refuses an erased
        # person and records when marketing consent changed. The stored row is passed, not
        # the instance the form has already changed, so the service sees what changes.
        data = _service_data(obj, services.PERSON_FIELDS)
        if change:
            stored = Person.objects.get(pk=obj.pk)
            services.person_update(person=stored, data=data)
        else:
            stored = services.person_create(data=data)
        _saved_as(obj, stored)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin[ImportJob]):
    list_display = [
        "id",
        "kind",
        "format",
        "file_name",
        "dry_run",
        "status",
        "progress",
        "created_count",
        "updated_count",
        "created_by",
        "created",
    ]
    list_filter = ["kind", "format", "status", "dry_run"]
    search_fields = ["file_name", "created_by__username"]
    list_select_related = ["created_by"]
    autocomplete_fields = ["created_by"]
    readonly_fields = [
        "status",
        "progress",
        "total_rows",
        "created_count",
        "updated_count",
        "unchanged_count",
        "errors",
        "error",
        "created",
        "updated",
        "started_at",
        "finished_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if (
            request.resolver_match
            and request.resolver_match.url_name == "contacts_importjob_changelist"
        ):
            return queryset.defer("content")  # the uploaded file can be megabytes
        return queryset
