"""Officer pages of insights: "Log a 1-2-1" (an interaction recorded with its insights and
actions), and insight browsing and editing. The interaction's own pages are engagement's;
insights adds its section to the interaction page (InsightsConfig.ready)."""

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from core import limits, roles
from core.forms import add_service_errors
from core.permissions import RoleRequiredMixin
from engagement.filtersets import officers
from engagement.models import InteractionKind, ParticipationLevel
from insights import forms, selectors, services
from insights.filtersets import InsightFilterSet
from insights.models import Attribution, InsightKind

PAGE_SIZE = 50


def error_summary(
    interaction_form: Any, insight_formset: Any, action_formset: Any
) -> list[dict[str, str]]:
    """Every error on the page, in page order, each linking to its field (GOV.UK pattern)."""
    items: list[dict[str, str]] = []
    for name in ("organisation_search", "kind", "occurred_on", "title", "people", "notes"):
        for message in interaction_form.errors.get(name, []):
            items.append({"text": message, "href": f"#id_{name}"})
    for name in ("participation_level", "confidential"):
        for message in interaction_form.errors.get(name, []):
            items.append({"text": message, "href": f"#id_{name}"})
    for message in interaction_form.non_field_errors():
        items.append({"text": message, "href": "#id_organisation_search"})
    for formset, label in ((insight_formset, "Insight"), (action_formset, "Action")):
        for number, form in enumerate(formset.forms, start=1):
            for name, errors in form.errors.items():
                href = f"#id_{form.prefix}-{name}" if name != "__all__" else f"#id_{form.prefix}"
                for message in errors:
                    items.append({"text": f"{label} {number}: {message}", "href": href})
        for message in formset.non_form_errors():
            items.append({"text": message, "href": f"#{formset.prefix}-rows"})
    return items


class LogInteractionView(RoleRequiredMixin, View):
    """SPEC §3 "log a 1-2-1": the interaction, its insights and follow-up actions in one
    submission. A failed validation shows everything the officer typed with the errors."""

    read_roles = (roles.OFFICER,)
    write_roles = (roles.OFFICER,)
    template_name = "engagement/log.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        organisation_id = limits.parse_id(request.GET.get("organisation"))
        parts = forms.build_forms(user=request.user, initial_organisation=organisation_id)
        organisation = (
            selectors.organisation_by_id(organisation_id=organisation_id)
            if organisation_id
            else None
        )
        if organisation is not None:
            parts[0].initial["organisation_search"] = organisation.name
        return self._render(request, parts, organisation=organisation, show_errors=False)

    def post(self, request: HttpRequest) -> HttpResponse:
        add = request.POST.get("add", "")
        parts = forms.build_forms(data=request.POST, user=request.user, add=add)
        interaction_form, insight_formset, action_formset = parts
        if add:
            # "Add another insight/action" without JavaScript: show the form again, one row
            # longer, with nothing saved and no errors yet.
            interaction_form.is_valid()
            return self._render(
                request,
                parts,
                organisation=interaction_form.chosen_organisation,
                show_errors=False,
            )
        valid = all(
            [interaction_form.is_valid(), insight_formset.is_valid(), action_formset.is_valid()]
        )
        if valid:
            data = interaction_form.cleaned_data
            insight_rows = forms.rows(insight_formset)
            action_rows = forms.rows(action_formset)
            try:
                interaction = services.interaction_log(
                    officer=request.user,
                    organisations=data["organisations"],
                    occurred_on=data["occurred_on"],
                    kind=data["kind"],
                    title=data["title"],
                    notes=data["notes"],
                    people=data["people"] or [],
                    participation_level=data["participation_level"],
                    confidential=data["confidential"],
                    insights=[form.cleaned_data for _, form in insight_rows],
                    actions=[form.cleaned_data for _, form in action_rows],
                )
            except ValidationError as error:
                forms.apply_service_errors(
                    error,
                    interaction_form=interaction_form,
                    insight_formset=insight_formset,
                    action_formset=action_formset,
                    insight_indexes=[index for index, _ in insight_rows],
                    action_indexes=[index for index, _ in action_rows],
                )
            else:
                counts = []
                if insight_rows:
                    counts.append(f"{len(insight_rows)} insight{'s'[: len(insight_rows) - 1]}")
                if action_rows:
                    counts.append(f"{len(action_rows)} action{'s'[: len(action_rows) - 1]}")
                extra = f" with {' and '.join(counts)}" if counts else ""
                messages.success(request, f"1-2-1 recorded{extra}")
                return HttpResponseRedirect(
                    reverse("engagement:interaction-detail", args=[interaction.pk])
                )
        return self._render(
            request,
            parts,
            organisation=interaction_form.chosen_organisation,
            show_errors=True,
            status=400,
        )

    def _render(
        self,
        request: HttpRequest,
        parts: tuple[Any, Any, Any],
        *,
        organisation: Any,
        show_errors: bool,
        status: int = 200,
    ) -> HttpResponse:
        interaction_form, insight_formset, action_formset = parts
        people = (
            list(selectors.organisation_people(organisation_id=organisation.pk))
            if organisation is not None
            else []
        )
        chosen_people = {str(value) for value in (interaction_form["people"].value() or [])}
        context = {
            "form": interaction_form,
            "insight_formset": insight_formset,
            "action_formset": action_formset,
            "organisation": organisation,
            "organisation_matches": interaction_form.organisation_matches,
            "people": people,
            "chosen_people": chosen_people,
            "theme_groups": selectors.theme_groups(),
            "officers": list(officers()),
            "interaction_kinds": InteractionKind.choices,
            "participation_levels": ParticipationLevel.choices,
            "insight_kinds": InsightKind.choices,
            "attributions": Attribution.choices,
            "severities": forms.SEVERITY_CHOICES,
            "show_errors": show_errors,
            "errors": (
                error_summary(interaction_form, insight_formset, action_formset)
                if show_errors
                else []
            ),
        }
        return render(request, self.template_name, context, status=status)


def _insight_filterset(request: HttpRequest) -> InsightFilterSet:
    return InsightFilterSet(
        request.GET, queryset=selectors.insight_list(user=request.user), request=request
    )


def _parse_cursor(value: str | None) -> tuple[datetime.date, int] | None:
    """The insight list's `before` cursor, `<date>.<id>`; anything malformed means the start."""
    day, _, key = (value or "").partition(".")
    number = limits.parse_id(key)
    try:
        return (datetime.date.fromisoformat(day), number) if number is not None else None
    except ValueError:
        return None


def _active_filters(request: HttpRequest) -> int:
    return sum(1 for key, value in request.GET.items() if key != "before" and value)


def _is_filtered(request: HttpRequest) -> bool:
    return _active_filters(request) > 0


class InsightListView(RoleRequiredMixin, View):
    """Insight browsing with the shared InsightFilterSet and keyset paging
    (`?before=<date>.<id>`).

    The count by theme of the whole filtered set is loaded after the page, from
    InsightThemeCountsView: it reads every matching insight (hundreds of thousands at a
    combined authority's volume), while the list reads fifty, so the list never waits
    for it."""

    read_roles = (roles.OFFICER,)

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = _insight_filterset(request)
        # Newest first by the date the view was given, then the last recorded first; the
        # cursor is the last row's (date, id), so paging follows the same order (the model's
        # insight_date_idx) without gaps or repeats.
        page = filterset.qs.order_by("-recorded_on", "-id")
        before = _parse_cursor(request.GET.get("before"))
        if before is not None:
            day, key = before
            page = page.filter(Q(recorded_on__lt=day) | Q(recorded_on=day, pk__lt=key))
        insights = list(page[: PAGE_SIZE + 1])
        more = len(insights) > PAGE_SIZE
        insights = insights[:PAGE_SIZE]
        query = request.GET.copy()
        query.pop("before", None)
        first_url = f"?{query.urlencode()}"
        counts_query = query.urlencode()
        if more:
            query["before"] = f"{insights[-1].recorded_on.isoformat()}.{insights[-1].pk}"
        return render(
            request,
            "insights/insight_list.html",
            {
                "filterset": filterset,
                "insights": insights,
                "counts_url": reverse("insights:insight-theme-counts")
                + (f"?{counts_query}" if counts_query else ""),
                "next_url": f"?{query.urlencode()}" if more else "",
                "first_url": first_url if before else "",
                "filtered": _is_filtered(request),
                "active_filters": _active_filters(request),
            },
        )


class InsightThemeCountsView(RoleRequiredMixin, View):
    """Insights by top-level theme for the insight list's filters (one GROUP BY). htmx
    fetches the table into the list page; without JavaScript it is a page of its own."""

    read_roles = (roles.OFFICER,)

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = _insight_filterset(request)
        counts = selectors.theme_counts(insights=filterset.qs)
        query = request.GET.copy()
        query.pop("before", None)
        list_query = query.urlencode()
        query.pop("theme", None)
        context = {
            "filterset": filterset,
            "theme_counts": counts,
            "largest_count": max((row["count"] for row in counts), default=0),
            "theme_query": query.urlencode(),
            "list_url": reverse("insights:insight-list") + (f"?{list_query}" if list_query else ""),
            "filtered": _is_filtered(request),
        }
        template = (
            "insights/_theme_counts.html"
            if request.headers.get("HX-Request")
            else "insights/theme_counts.html"
        )
        return render(request, template, context)


class InsightEditView(RoleRequiredMixin, View):
    """Edit one insight: statement, quote, themes, kind, severity and attribution. Retired
    themes already on it may stay; new tags come from the active taxonomy."""

    read_roles = (roles.OFFICER,)
    write_roles = (roles.OFFICER,)

    def _insight(self, request: HttpRequest, pk: int) -> Any:
        insight = selectors.insight_list(user=request.user).filter(pk=pk).first()
        if insight is None:
            raise Http404("No such insight")
        return insight

    def _form(self, insight: Any, data: Any = None) -> Any:
        groups = selectors.theme_groups()
        active = {t.slug for g in groups for t in [g.parent, *g.children]}
        retired = [theme for theme in insight.themes.all() if theme.slug not in active]
        slugs = sorted(active) + [theme.slug for theme in retired]
        initial = {
            "statement": insight.statement,
            "quote": insight.quote,
            "themes": [theme.slug for theme in insight.themes.all()],
            "kind": insight.kind,
            "severity": insight.severity,
            "attribution": insight.attribution,
        }
        form = forms.InsightRowForm(data, prefix="insight", theme_slugs=slugs, initial=initial)
        return form, groups, retired

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        insight = self._insight(request, pk)
        form, groups, retired = self._form(insight)
        return self._render(request, insight, form, groups, retired)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        insight = self._insight(request, pk)
        form, groups, retired = self._form(insight, request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            themes = data.pop("themes")
            try:
                services.insight_update(insight=insight, data=data, themes=themes)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Insight updated")
                if insight.interaction_id:
                    target = reverse("engagement:interaction-detail", args=[insight.interaction_id])
                    return HttpResponseRedirect(f"{target}#insight-{insight.pk}")
                return HttpResponseRedirect(reverse("insights:insight-detail", args=[insight.pk]))
        return self._render(request, insight, form, groups, retired, status=400)

    def _render(
        self,
        request: HttpRequest,
        insight: Any,
        form: Any,
        groups: Any,
        retired: Any,
        status: int = 200,
    ) -> HttpResponse:
        return render(
            request,
            "insights/insight_edit.html",
            {
                "insight": insight,
                "row": form,
                "theme_groups": groups,
                "retired_themes": retired,
                "insight_kinds": InsightKind.choices,
                "attributions": Attribution.choices,
                "severities": forms.SEVERITY_CHOICES,
                "show_errors": True,
            },
            status=status,
        )


class InsightDetailView(RoleRequiredMixin, View):
    read_roles = (roles.OFFICER,)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        insight = selectors.insight_list(user=request.user).filter(pk=pk).first()
        if insight is None:
            raise Http404("No such insight")
        return render(request, "insights/insight_detail.html", {"insight": insight})
