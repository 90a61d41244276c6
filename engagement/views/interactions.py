"""Officer pages of engagement: the home dashboard, the interaction list, and completing a
follow-up action. The log form and interaction page show insights, so they are in insights."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from core import limits, roles
from core.permissions import RoleRequiredMixin
from engagement import selectors
from engagement.filtersets import InteractionFilterSet
from engagement.models import ActionStatus
from engagement.services import interactions as services

PAGE_SIZE = 50


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
