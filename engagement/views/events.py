"""Pages for events: the organisers' pages under /events/ and the public pages (/e/<slug>/,
/cancel/<token>/) that need no account."""

import calendar
import csv
import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views import View
from django.views.decorators.cache import never_cache

from core import limits, roles
from core.forms import add_service_errors
from core.permissions import RoleRequiredMixin
from engagement import ratelimit, selectors
from engagement.filtersets import EventFilterSet
from engagement.forms import EventForm, SignUpForm
from engagement.models import Event, EventStatus, Registration, RegistrationStatus
from engagement.roles import EVENT_READERS, EVENT_WRITERS
from engagement.services import events as event_services


class OrganiserView(RoleRequiredMixin, View):
    read_roles: tuple[str, ...] = EVENT_READERS
    write_roles: tuple[str, ...] = EVENT_WRITERS

    def event(self, pk: int) -> Event:
        return get_object_or_404(selectors.event_list(), pk=pk)


def _error_list(errors: ValidationError) -> dict[str, list[str]]:
    if hasattr(errors, "error_dict"):
        return errors.message_dict
    return {"__all__": errors.messages}


# --- Organiser pages -------------------------------------------------------------------------


class EventListView(OrganiserView):
    """Upcoming events (soonest first) or past ones (latest first), with place counts."""

    def get(self, request: HttpRequest) -> HttpResponse:
        when = "past" if request.GET.get("when") == "past" else "upcoming"
        params = request.GET.copy()
        params["when"] = when
        filterset = EventFilterSet(params, queryset=selectors.event_list())
        queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        page = Paginator(queryset, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "engagement/events/list.html",
            {"filterset": filterset, "page": page, "when": when, "can_edit": _can_edit(request)},
        )


def _can_edit(request: HttpRequest) -> bool:
    return roles.has_role(request.user, *EVENT_WRITERS)


class EventCalendarView(OrganiserView):
    """A month at a glance, each event with its time of day, so organisers can vary it."""

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        try:
            year, month = (int(part) for part in request.GET.get("month", "").split("-"))
            first = datetime.date(year, month, 1)
        except ValueError:
            first = today.replace(day=1)
        if not 1900 < first.year < 3000:
            first = today.replace(day=1)
        by_day: dict[datetime.date, list[Event]] = {}
        for event in selectors.event_month(year=first.year, month=first.month):
            by_day.setdefault(timezone.localdate(event.starts_at), []).append(event)
        weeks = [
            [(day, day.month == first.month, by_day.get(day, [])) for day in week]
            for week in calendar.Calendar(firstweekday=0).monthdatescalendar(
                first.year, first.month
            )
        ]
        previous = (first - datetime.timedelta(days=1)).replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        return render(
            request,
            "engagement/events/calendar.html",
            {
                "month": first,
                "weeks": weeks,
                "today": today,
                "day_names": list(calendar.day_name),
                "previous": previous,
                "following": following,
                "event_days": sorted(by_day.items()),
                "can_edit": _can_edit(request),
            },
        )


class EventCreateView(OrganiserView):
    read_roles = EVENT_WRITERS

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "engagement/events/form.html", {"form": EventForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = EventForm(request.POST)
        if form.is_valid():
            data = form.event_data()
            if request.POST.get("publish"):
                data["status"] = EventStatus.PUBLISHED
            try:
                event = event_services.event_create(data=data, user=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Event “{event.title}” created")
                return redirect("engagement:event-detail", pk=event.pk)
        return render(request, "engagement/events/form.html", {"form": form})


class EventEditView(OrganiserView):
    read_roles = EVENT_WRITERS

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        return render(
            request,
            "engagement/events/form.html",
            {"form": EventForm(instance=event), "event": event},
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        form = EventForm(request.POST, instance=Event.objects.get(pk=pk))
        if form.is_valid():
            try:
                event_services.event_update(event=event, data=form.event_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Event updated")
                return redirect("engagement:event-detail", pk=pk)
        return render(request, "engagement/events/form.html", {"form": form, "event": event})


class EventDetailView(OrganiserView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        public_url = request.build_absolute_uri(
            reverse("engagement:public-event", kwargs={"slug": event.slug})
        )
        return render(
            request,
            "engagement/events/detail.html",
            {
                "event": event,
                "public_url": public_url,
                "can_edit": _can_edit(request),
                "now": timezone.now(),
            },
        )


class EventPublishView(OrganiserView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            event = event_services.event_publish(event=self.event(pk))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"“{event.title}” is published and open for sign-ups")
        return redirect("engagement:event-detail", pk=pk)


class EventCancelView(OrganiserView):
    read_roles = EVENT_WRITERS

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render(request, "engagement/events/cancel.html", {"event": self.event(pk)})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = event_services.event_cancel(event=self.event(pk))
        messages.success(request, f"“{event.title}” is cancelled; everyone registered is told")
        return redirect("engagement:event-detail", pk=pk)


class RegistrationListView(OrganiserView):
    """Confirmed places, the waitlist in order, and cancellations."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        registrations = list(selectors.registration_list(event=event))
        confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
        waitlisted = sorted(
            (r for r in registrations if r.status == RegistrationStatus.WAITLISTED),
            key=lambda r: r.waitlist_position or 0,
        )
        cancelled = [r for r in registrations if r.status == RegistrationStatus.CANCELLED]
        return render(
            request,
            "engagement/events/registrations.html",
            {
                "event": event,
                "confirmed": confirmed,
                "waitlisted": waitlisted,
                "cancelled": cancelled,
                "can_edit": _can_edit(request),
                "ended": event.ends_at <= timezone.now(),
            },
        )


class RegistrationCancelView(OrganiserView):
    read_roles = EVENT_WRITERS

    def registration(self, pk: int, registration_pk: int) -> Registration:
        return get_object_or_404(selectors.registration_list(), event_id=pk, pk=registration_pk)

    def get(self, request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
        registration = self.registration(pk, registration_pk)
        return render(
            request,
            "engagement/events/registration_cancel.html",
            {"registration": registration, "event": registration.event},
        )

    def post(self, request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
        registration = event_services.registration_cancel(
            registration=self.registration(pk, registration_pk), by_organiser=True
        )
        messages.success(request, f"{registration.person}’s registration is cancelled")
        return redirect("engagement:event-registrations", pk=pk)


class CheckInView(OrganiserView):
    """The door: search by name, one tap per person. Works as plain forms without JS; with
    htmx the tapped row is swapped in place."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        q = limits.without_nul(request.GET.get("q", ""))[:100]
        people = list(selectors.registration_check_in_list(event=event, q=q)[:200])
        return render(
            request,
            "engagement/events/check_in.html",
            {"event": event, "people": people, "q": q, "can_edit": _can_edit(request)},
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not _can_edit(request):
            raise Http404
        registration = get_object_or_404(
            selectors.registration_list(),
            event_id=pk,
            pk=limits.parse_id(request.POST.get("registration")) or 0,
        )
        error = ""
        undo = request.POST.get("undo") == "1"
        try:
            if undo:
                registration = event_services.registration_check_in_undo(registration=registration)
            else:
                registration = event_services.registration_check_in(
                    registration=registration, user=request.user
                )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        if request.headers.get("HX-Request"):
            # The tapped row, and the count at the top swapped out of band.
            registration = selectors.registration_list().get(pk=registration.pk)
            return render(
                request,
                "engagement/events/_check_in_row.html",
                {
                    "person": registration,
                    "event": self.event(pk),
                    "can_edit": True,
                    "error": error,
                    "out_of_band": True,
                },
            )
        if error:
            messages.error(request, error)
        elif undo:
            messages.success(request, f"{registration.person} is no longer checked in")
        else:
            messages.success(request, f"{registration.person} checked in")
        query = urlencode({"q": request.POST.get("q", "")}) if request.POST.get("q") else ""
        return redirect(
            reverse("engagement:event-check-in", kwargs={"pk": pk}) + (f"?{query}" if query else "")
        )


def _csv_cell(value: Any) -> str:
    # Spreadsheets run cells starting with these as formulas: defuse them (CSV injection).
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class AttendeeExportView(OrganiserView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = self.event(pk)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{event.slug}-attendees.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                "first_name",
                "last_name",
                "email",
                "organisation",
                "company_number",
                "job_title",
                "status",
                "waitlist_position",
                "requirements",
                "attended",
                "checked_in_at",
                "registered_at",
            ]
        )
        for r in selectors.registration_list(event=event).iterator(chunk_size=500):
            writer.writerow(
                [
                    _csv_cell(cell)
                    for cell in (
                        r.person.first_name,
                        r.person.last_name,
                        r.email,
                        r.organisation.name if r.organisation else "",
                        r.organisation.company_number if r.organisation else "",
                        r.person.job_title,
                        r.status,
                        r.waitlist_position or "",
                        r.requirements,
                        {True: "yes", False: "no"}.get(r.attended, ""),  # type: ignore[arg-type]
                        timezone.localtime(r.checked_in_at).isoformat() if r.checked_in_at else "",
                        timezone.localtime(r.created).isoformat(),
                    )
                ]
            )
        return response


# --- Public pages ---------------------------------------------------------------------------


def _public_event_or_404(slug: str) -> Event:
    event = selectors.public_event(slug=slug)
    if event is None:
        raise Http404("No such event")
    return event


def _sign_up_state(event: Event) -> tuple[bool, str]:
    """Whether the form is shown, and why not (the sign-up service's own reason)."""
    refusal = event_services.sign_up_refusal(event=event, now=timezone.now())
    if refusal is None:
        return True, ""
    return False, f"{refusal.message}."


def _public_page(
    request: HttpRequest, event: Event, form: SignUpForm, status: int = 200, refused: str = ""
) -> HttpResponse:
    open_, reason = _sign_up_state(event)
    confirmed = getattr(event, "confirmed_count", 0)
    return render(
        request,
        "public/event.html",
        {
            "event": event,
            "form": form,
            "open": open_,
            "reason": reason,
            "refused": refused,
            "full": confirmed >= event.capacity,
            "places_left": max(event.capacity - confirmed, 0),
            "starts_at": timezone.localtime(event.starts_at),
            "ends_at": timezone.localtime(event.ends_at),
        },
        status=status,
    )


def public_event(request: HttpRequest, slug: str) -> HttpResponse:
    """The public event page and its sign-up form (no account needed)."""
    event = _public_event_or_404(slug)
    if request.method != "POST":
        return _public_page(request, event, SignUpForm())
    if ratelimit.signup_limited(request):
        return render(request, "public/rate_limited.html", {"event": event}, status=429)
    form = SignUpForm(request.POST)
    if request.POST.get("website"):
        # Only a bot fills the hidden field: refuse without saying much.
        return render(request, "public/refused.html", {"event": event}, status=400)
    if not form.is_valid():
        return _public_page(request, event, form)
    try:
        registration, created = event_services.registration_create(
            event=event,
            sign_up=event_services.SignUp(
                **{k: v for k, v in form.cleaned_data.items() if k != "website"}
            ),
            source="public sign-up form",
        )
    except event_services.RegistrationRefused as exc:
        return _public_page(
            request, event, form, status=409 if exc.code == "full" else 400, refused=exc.messages[0]
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _public_page(request, event, form)
    if not created:
        # Whoever typed the email may not be its owner: the answer carries no token, name or
        # status, and the service has re-sent the notice to the address on record (SPEC §2).
        return render(
            request,
            "public/already_registered.html",
            {
                "event": event,
                "starts_at": timezone.localtime(event.starts_at),
                "ends_at": timezone.localtime(event.ends_at),
                "resend_minutes": int(event_services.RESEND_INTERVAL.total_seconds() // 60),
            },
        )
    # A new sign-up sees its own confirmation, whose address carries its own cancel token.
    return redirect(
        "engagement:public-registered", slug=event.slug, token=registration.cancel_token
    )


@never_cache
def public_registered(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """After signing up: confirmed, or waitlisted with the position."""
    registration = selectors.registration_by_token(token=token)
    if (
        registration is None
        or registration.event.slug != slug
        or registration.event.status == EventStatus.DRAFT
    ):
        raise Http404("No such registration")
    return render(
        request,
        "public/confirmation.html",
        {
            "registration": registration,
            "event": registration.event,
            "starts_at": timezone.localtime(registration.event.starts_at),
            "ends_at": timezone.localtime(registration.event.ends_at),
        },
    )


@never_cache
def public_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """The page the email's cancel link opens: confirm, then cancel."""
    registration = selectors.registration_by_token(token=token)
    if registration is None or registration.event.status == EventStatus.DRAFT:
        raise Http404("No such registration")
    just_cancelled = False
    refused = ""
    if request.method == "POST":
        if ratelimit.signup_limited(request):
            return render(
                request, "public/rate_limited.html", {"event": registration.event}, status=429
            )
        if registration.status != RegistrationStatus.CANCELLED:
            try:
                registration = event_services.registration_cancel(registration=registration)
                just_cancelled = True
            except event_services.RegistrationRefused as exc:
                refused = exc.messages[0]
    return render(
        request,
        "public/cancel.html",
        {
            "registration": registration,
            "event": registration.event,
            "just_cancelled": just_cancelled,
            "refused": refused,
            "started": registration.event.starts_at <= timezone.now(),
            "starts_at": timezone.localtime(registration.event.starts_at),
        },
        status=400 if refused else 200,
    )
