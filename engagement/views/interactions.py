"""Officer pages of engagement: the home dashboard, the interaction list, an interaction's
page and its edit page, and completing a follow-up action.

Apps above engagement add sections to the interaction page (insights shows the 1-2-1's
insights) with `register_detail_section`, called from their AppConfig.ready(), so engagement
never imports them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from core import limits, roles
from core.forms import add_service_errors
from core.permissions import RoleRequiredMixin
from core.types import AnyUser
from engagement import selectors
from engagement.filtersets import InteractionFilterSet
from engagement.forms import InteractionEditForm
from engagement.models import ActionStatus, InteractionKind, ParticipationLevel
from engagement.services import interactions as services

PAGE_SIZE = 50


@dataclass(frozen=True)
class DetailSection:
    """A part of the interaction page contributed by a higher app: the template included
    (with `interaction` in its context) and the prefetches it reads, so the page stays a
    fixed number of queries."""

    template: str
    prefetch: Callable[[AnyUser], list[Prefetch[str]]]


_detail_sections: dict[str, DetailSection] = {}


def register_detail_section(name: str, section: DetailSection) -> None:
    """Show `section` on every interaction page, after the interaction's own fields."""
    _detail_sections[name] = section


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own start page; officers get their dashboard:
    open actions (overdue first), key accounts by days since contact, recent 1-2-1s, and
    upcoming published events."""
    user = request.user
    if roles.has_role(user, roles.OFFICER):
        today = timezone.localdate()
        actions = selectors.actions_open_for(user=user)
        return render(
            request,
            "engagement/home.html",
            {
                "today": today,
                "actions": actions,
                "overdue_count": sum(
                    1 for action in actions if action.due_on and action.due_on < today
                ),
                "key_accounts": selectors.key_accounts_for(user=user, today=today),
                "recent_interactions": selectors.interactions_recent_for(user=user),
                "events": selectors.events_upcoming(),
                "warning_days": selectors.CONTACT_WARNING_DAYS,
                "overdue_days": selectors.CONTACT_OVERDUE_DAYS,
            },
        )
    if roles.has_role(user, roles.ORGANISER):
        return redirect("/events/")
    if roles.has_role(user, roles.GROWTH_GROUP):
        return redirect("/reports/")
    return render(request, "errors/403.html", status=403)


class InteractionListView(RoleRequiredMixin, View):
    """Interactions the officer may see, filtered with the shared InteractionFilterSet and
    paged by id (`?before=`) so every page costs the same queries."""

    read_roles = (roles.OFFICER,)

    def get(self, request: HttpRequest) -> HttpResponse:
        filterset = InteractionFilterSet(
            request.GET, queryset=selectors.interaction_list(user=request.user)
        )
        page = filterset.qs.order_by("-id")
        before = limits.parse_id(request.GET.get("before"))
        if before is not None:
            page = page.filter(pk__lt=before)
        interactions = list(page[: PAGE_SIZE + 1])
        more = len(interactions) > PAGE_SIZE
        interactions = interactions[:PAGE_SIZE]
        query = request.GET.copy()
        query.pop("before", None)
        first_url = f"?{query.urlencode()}"
        if more:
            query["before"] = str(interactions[-1].pk)
        return render(
            request,
            "engagement/interaction_list.html",
            {
                "filterset": filterset,
                "interactions": interactions,
                "next_url": f"?{query.urlencode()}" if more else "",
                "first_url": first_url if before else "",
            },
        )


class InteractionDetailView(RoleRequiredMixin, View):
    """One interaction with the insights and actions the officer may see; 404 for a
    confidential interaction they may not (SPEC §1)."""

    read_roles = (roles.OFFICER,)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        queryset = selectors.interaction_detail(user=request.user).prefetch_related(
            *(
                prefetch
                for section in _detail_sections.values()
                for prefetch in section.prefetch(request.user)
            )
        )
        interaction = queryset.filter(pk=pk).first()
        if interaction is None:
            raise Http404("No such interaction")
        return render(
            request,
            "engagement/interaction_detail.html",
            {
                "interaction": interaction,
                "sections": [s.template for s in _detail_sections.values()],
            },
        )


class InteractionEditView(RoleRequiredMixin, View):
    """Edit a 1-2-1's own fields (not its insights or actions). Marking it confidential
    makes its insights confidential too, in the same transaction (interaction_update)."""

    read_roles = (roles.OFFICER,)
    write_roles = (roles.OFFICER,)
    fields = ("title", "kind", "occurred_on", "notes", "participation_level", "confidential")

    def _interaction(self, request: HttpRequest, pk: int) -> Any:
        interaction = selectors.interaction_detail(user=request.user).filter(pk=pk).first()
        if interaction is None:
            raise Http404("No such interaction")
        return interaction

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        interaction = self._interaction(request, pk)
        form = InteractionEditForm(
            initial={name: getattr(interaction, name) for name in self.fields}
        )
        return self._render(request, interaction, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        interaction = self._interaction(request, pk)
        form = InteractionEditForm(request.POST)
        if form.is_valid():
            try:
                services.interaction_update(interaction=interaction, data=dict(form.cleaned_data))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Changes saved")
                return HttpResponseRedirect(
                    reverse("engagement:interaction-detail", args=[interaction.pk])
                )
        return self._render(request, interaction, form, status=400)

    def _render(
        self, request: HttpRequest, interaction: Any, form: Any, status: int = 200
    ) -> HttpResponse:
        return render(
            request,
            "engagement/interaction_edit.html",
            {
                "interaction": interaction,
                "form": form,
                "interaction_kinds": InteractionKind.choices,
                "participation_levels": ParticipationLevel.choices,
            },
            status=status,
        )


class ActionStatusView(RoleRequiredMixin, View):
    """POST: mark a follow-up action done (or open again), then go back where it was done."""

    read_roles = (roles.OFFICER,)
    write_roles = (roles.OFFICER,)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        action = selectors.actions_visible_to(request.user).filter(pk=pk).first()
        if action is None:
            raise Http404("No such action")
        if request.POST.get("status") == ActionStatus.OPEN:
            services.action_reopen(action=action)
            messages.success(request, "Action opened again")
        else:
            services.action_complete(action=action)
            messages.success(request, f"Action done: {action.description[:60]}")
        target = request.POST.get("next") or "/"
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "/"
        return HttpResponseRedirect(target)
