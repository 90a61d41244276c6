"""Back-office admin for the accounts. Foreign keys use search boxes (autocomplete) rather
than dropdowns, which would list every organisation or user."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from contacts import services
from contacts.models import ImportJob, Organisation, Person, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    search_fields = ["name"]
    list_display = ["name"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
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
        # The same rule as every other path that writes an organisation.
        stored = Organisation.objects.filter(pk=obj.pk).first() if change else None
        services.account_fields_check(
            user=request.user,
            organisation=stored,
            data={"account_manager": obj.account_manager_id, "key_account": obj.key_account},
        )
        super().save_model(request, obj, form, change)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
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


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
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
