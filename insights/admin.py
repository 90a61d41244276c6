"""Django admin for the theme taxonomy and insights (SPEC §1: confidential records are
filtered here exactly as everywhere else, through the selectors). Interactions are
engagement's; insights adds InsightInline to their admin page (InsightsConfig.ready)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from core.forms import add_service_errors
from engagement.models import Interaction
from insights import selectors, services
from insights.models import Insight, Theme


class ThemeAdminForm(forms.ModelForm[Theme]):
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
        add_service_errors(self, services.theme_errors(theme=candidate))
        return cleaned


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin[Theme]):
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


# Fields an admin may change through insight_update (the interaction of an insight is fixed).
UPDATABLE = services.INSIGHT_FIELDS | {"organisation"}


class InsightAdminForm(forms.ModelForm[Insight]):
    """The checks insights.services makes, as form errors rather than a failed save."""

    class Meta:
        model = Insight
        fields = [
            "organisation",
            "interaction",
            "themes",
            "kind",
            "severity",
            "statement",
            "quote",
            "attribution",
            "recorded_on",
            "created_by",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        current = (
            list(self.instance.themes.values_list("pk", flat=True)) if self.instance.pk else []
        )
        _, problems = services.themes_resolve(
            themes=cleaned.get("themes") or [], allowed_retired=current
        )
        errors = services.insight_errors(
            statement=cleaned.get("statement") or "",
            kind=cleaned.get("kind") or "",
            severity=cleaned.get("severity"),
            attribution=cleaned.get("attribution") or "",
            theme_problems=problems,
            recorded_on=cleaned.get("recorded_on"),
            organisation=cleaned.get("organisation"),
        )
        # The interaction is read-only once the insight exists: check against the stored one.
        interaction = self.instance.interaction if self.instance.pk else cleaned.get("interaction")
        problem = services.insight_organisation_problem(
            organisation=cleaned.get("organisation"), interaction=interaction
        )
        if problem:
            errors.setdefault("organisation", []).append(problem)
        add_service_errors(self, errors, once=True)
        return cleaned


@admin.register(Insight)
class InsightAdmin(admin.ModelAdmin[Insight]):
    list_display = ["statement", "organisation", "kind", "recorded_on", "confidential"]
    list_filter = ["kind", "attribution", "confidential"]
    search_fields = ["statement", "quote", "organisation__name"]
    raw_id_fields = ["organisation", "interaction", "created_by"]
    filter_horizontal = ["themes"]
    readonly_fields = ["confidential", "created", "updated"]
    list_select_related = ["organisation"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Insight]:
        return selectors.insights_visible_to(request.user).select_related("organisation")

    form = InsightAdminForm

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # insight_update keeps an insight on the interaction it was recorded in.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "interaction"] if obj is not None else fields

    def save_model(self, request: HttpRequest, obj: Insight, form: Any, change: bool) -> None:
        # Through insights.services, which alone derives the stored confidential flag.
        data = form.cleaned_data
        if change:
            fields = set(form.changed_data)
            services.insight_update(
                insight=Insight.objects.get(pk=obj.pk),
                data={name: data[name] for name in fields & UPDATABLE},
                themes=data["themes"] if "themes" in fields else None,
            )
        else:
            obj.pk = services.insight_create(
                organisation=data["organisation"],
                statement=data["statement"],
                themes=data["themes"],
                created_by=data.get("created_by") or request.user,
                kind=data["kind"],
                severity=data.get("severity"),
                quote=data.get("quote") or "",
                attribution=data["attribution"],
                interaction=data.get("interaction"),
                recorded_on=data.get("recorded_on"),
            ).pk
        obj.refresh_from_db()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The themes were written by the service in save_model.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class InsightInline(admin.TabularInline[Insight, Interaction]):
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
