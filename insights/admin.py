"""Django admin for the theme taxonomy, insights and interactions (SPEC §1: confidential
records are filtered here exactly as everywhere else, through the selectors)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from engagement import selectors as engagement_selectors
from engagement.models import Interaction
from insights import selectors, services
from insights.models import Insight, Theme


class ThemeAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Theme
        fields = ["name", "slug", "parent", "description", "active", "position"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        candidate = Theme(
            pk=self.instance.pk,
            slug=cleaned.get("slug") or "",
            name=cleaned.get("name") or "",
            parent=cleaned.get("parent"),
        )
        for field, messages in services.theme_errors(theme=candidate).items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return cleaned


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Admins add, rename and retire themes; retired themes stay on old insights."""

    form = ThemeAdminForm
    list_display = ["name", "slug", "parent", "active", "position"]
    list_filter = ["active", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ["parent"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A theme in use is retired (active off), never deleted: old insights keep it.
        if obj is not None and (obj.insights.exists() or obj.children.exists()):
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "parent":
            kwargs["queryset"] = Theme.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Insight)
class InsightAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["statement", "organisation", "kind", "recorded_on", "confidential"]
    list_filter = ["kind", "attribution", "confidential"]
    search_fields = ["statement", "quote", "organisation__name"]
    raw_id_fields = ["organisation", "interaction", "created_by"]
    filter_horizontal = ["themes"]
    readonly_fields = ["confidential", "created", "updated"]
    list_select_related = ["organisation"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Insight]:
        return selectors.insights_visible_to(request.user).select_related("organisation")

    def save_model(self, request: HttpRequest, obj: Insight, form: Any, change: bool) -> None:
        # The stored flag follows the rule of insights.services (SPEC §1).
        obj.confidential = obj.attribution == "confidential" or bool(
            obj.interaction is not None and obj.interaction.confidential
        )
        super().save_model(request, obj, form, change)


class InsightInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Insight
    fields = ("statement", "kind", "attribution", "confidential", "recorded_on")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Insight]:
        return selectors.insights_visible_to(request.user)


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "occurred_on", "kind", "officer", "confidential"]
    list_filter = ["kind", "confidential", "participation_level"]
    search_fields = ["title", "notes"]
    raw_id_fields = ["officer", "organisations", "people", "event"]
    readonly_fields = ["created", "updated"]
    inlines = [InsightInline]
    list_select_related = ["officer"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Interaction]:
        return engagement_selectors.interactions_visible_to(request.user).select_related("officer")

    def save_model(self, request: HttpRequest, obj: Interaction, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "confidential" in form.changed_data:
            services.insights_sync_confidential(interaction=obj)
