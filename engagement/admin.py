"""Django admin for interactions, follow-up actions, events and registrations, filtered by
the same rules as every other read and saved through engagement.services. Apps above add
inlines to the interaction page with `register_interaction_inline` (insights: its insights)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from core import roles
from core.forms import add_service_errors
from engagement import selectors
from engagement.models import Action, ActionStatus, Event, Interaction, Registration
from engagement.roles import EVENT_READERS
from engagement.services import events as event_services
from engagement.services import interactions as services

_interaction_inlines: list[type[InlineModelAdmin[Any, Interaction]]] = []


def register_interaction_inline(inline: type[InlineModelAdmin[Any, Interaction]]) -> None:
    """Show `inline` on every interaction's admin page (apps call this from ready())."""
    if inline not in _interaction_inlines:
        _interaction_inlines.append(inline)


class InteractionAdminForm(forms.ModelForm[Interaction]):
    """The checks engagement.services.interactions makes, as form errors, not a failed save."""

    class Meta:
        model = Interaction
        fields = [
            "kind",
            "occurred_on",
            "title",
            "notes",
            "officer",
            "organisations",
            "people",
            "participation_level",
            "confidential",
            "event",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        errors = services.interaction_errors(
            kind=cleaned.get("kind") or "",
            occurred_on=cleaned.get("occurred_on"),
            title=(cleaned.get("title") or "").strip(),
            organisations=list(cleaned.get("organisations") or []),
            participation_level=cleaned.get("participation_level") or "",
            officer=cleaned.get("officer"),
        )
        add_service_errors(self, errors, once=True)
        return cleaned


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin[Interaction]):
    """Interactions, saved through engagement.services so that what the pages and the API
    check holds here too, and the registered update steps run (an interaction marked
    confidential makes its insights confidential)."""

    form = InteractionAdminForm
    list_display = ["title", "occurred_on", "kind", "officer", "confidential"]
    list_filter = ["kind", "confidential", "participation_level"]
    search_fields = ["title", "notes"]
    raw_id_fields = ["officer", "organisations", "people", "event"]
    readonly_fields = ["created", "updated"]
    list_select_related = ["officer"]

    def get_inlines(
        self, request: HttpRequest, obj: Interaction | None
    ) -> list[type[InlineModelAdmin[Any, Interaction]]]:
        return [*self.inlines, *_interaction_inlines]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Interaction]:
        return selectors.interactions_visible_to(request.user).select_related("officer")

    def save_model(self, request: HttpRequest, obj: Interaction, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            fields = set(form.changed_data)
            services.interaction_update(
                interaction=Interaction.objects.get(pk=obj.pk),
                data={name: data[name] for name in fields & services.INTERACTION_FIELDS},
                organisations=data["organisations"] if "organisations" in fields else None,
                people=data["people"] if "people" in fields else None,
            )
        else:
            obj.pk = services.interaction_create(
                officer=data.get("officer"),
                organisations=data["organisations"],
                occurred_on=data["occurred_on"],
                kind=data["kind"],
                title=data.get("title") or "",
                notes=data.get("notes") or "",
                people=data.get("people") or [],
                participation_level=data["participation_level"],
                confidential=data.get("confidential", False),
                event=data.get("event"),
            ).pk
        obj.refresh_from_db()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The organisations and people were written by the service in save_model.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class ActionAdminForm(forms.ModelForm[Action]):
    """The checks engagement.services.interactions makes, as form errors, not a failed save."""

    class Meta:
        model = Action
        fields = [
            "organisation",
            "interaction",
            "description",
            "assignee",
            "due_on",
            "status",
            "created_by",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        errors = services.action_errors(
            description=cleaned.get("description") or "",
            assignee=cleaned.get("assignee") or cleaned.get("created_by"),
            organisation=cleaned.get("organisation"),
        )
        add_service_errors(self, errors, once=True)
        return cleaned


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin[Action]):
    form = ActionAdminForm
    list_display = ["description", "organisation", "assignee", "due_on", "status"]
    list_filter = ["status"]
    search_fields = ["description", "organisation__name"]
    raw_id_fields = ["organisation", "interaction", "assignee", "created_by"]
    readonly_fields = ["completed_at", "created", "updated"]
    list_select_related = ["organisation", "assignee"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Action]:
        return selectors.actions_visible_to(request.user).select_related("organisation", "assignee")

    def save_model(self, request: HttpRequest, obj: Action, form: Any, change: bool) -> None:
        # Through engagement.services, which keeps completed_at in step with the status.
        data = form.cleaned_data
        if change:
            fields = set(form.changed_data) & (services.ACTION_FIELDS | {"status"})
            action = services.action_update(
                action=Action.objects.get(pk=obj.pk), data={name: data[name] for name in fields}
            )
        else:
            action = services.action_create(
                organisation=data["organisation"],
                description=data["description"],
                created_by=data.get("created_by") or request.user,
                assignee=data.get("assignee"),
                due_on=data.get("due_on"),
                interaction=data.get("interaction"),
            )
            if data.get("status") == ActionStatus.DONE:
                action = services.action_complete(action=action)
        obj.pk = action.pk
        obj.refresh_from_db()


class EventAdminForm(forms.ModelForm[Event]):
    """The checks engagement.services.events makes, as form errors rather than a failed save."""

    online_url = forms.URLField(
        required=False, max_length=200, assume_scheme="https", label="Online URL"
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "slug",
            "kind",
            "status",
            "description",
            "organiser",
            "hosted_by",
            "starts_at",
            "ends_at",
            "venue_name",
            "venue_address",
            "online_url",
            "accessibility_info",
            "capacity",
            "waitlist_enabled",
            "registration_opens_at",
            "registration_closes_at",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The stored status, before the form applies its own to the instance.
        self.stored_status = self.instance.status if self.instance.pk else None

    def _post_clean(self) -> None:
        # Django's stubs leave out this private hook; after it the instance holds the form's
        # values.
        super()._post_clean()  # type: ignore[misc]
        rules = event_services.event_rules(self.instance, previous_status=self.stored_status)
        # One complaint per field (the slug's may be there already).
        add_service_errors(self, rules, once=True)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    """Events, saved through engagement.services.events so the rules of SPEC §2 hold here too:
    a raised capacity promotes from the waitlist at once, and cancelling tells everyone
    registered. Registrations are linked, not inlined, so a large event's page stays small."""

    form = EventAdminForm
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "status", "description"]}),
        ("Who", {"fields": ["organiser", "hosted_by"]}),
        (
            "When and where",
            {
                "fields": [
                    "starts_at",
                    "ends_at",
                    "venue_name",
                    "venue_address",
                    "online_url",
                    "accessibility_info",
                ]
            },
        ),
        (
            "Places",
            {
                "fields": [
                    "capacity",
                    "waitlist_enabled",
                    "registration_opens_at",
                    "registration_closes_at",
                    "registrations",
                ]
            },
        ),
        ("Record", {"fields": ["reminder_sent_at", "created", "updated"]}),
    ]
    list_display = [
        "title",
        "starts_at",
        "kind",
        "status",
        "capacity",
        "confirmed",
        "waitlisted",
        "organiser",
        "hosted_by",
    ]
    list_filter = ["status", "kind", "waitlist_enabled"]
    search_fields = ["title", "slug", "venue_name", "hosted_by__name"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at", "-id"]
    autocomplete_fields = ["organiser", "hosted_by"]
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ["registrations", "reminder_sent_at", "created", "updated"]
    list_select_related = ["organiser", "hosted_by"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        if not roles.has_role(request.user, *EVENT_READERS):
            return Event.objects.none()
        # With the place counts, aggregated in the same query as the page of events.
        return selectors.event_list()

    @admin.display(description="Confirmed")
    def confirmed(self, event: Event) -> int:
        return getattr(event, "confirmed_count", 0)

    @admin.display(description="Waitlisted")
    def waitlisted(self, event: Event) -> int:
        return getattr(event, "waitlisted_count", 0)

    @admin.display(description="Registrations")
    def registrations(self, event: Event) -> str:
        if event.pk is None:
            return "None yet"
        url = reverse("admin:engagement_registration_changelist")
        return format_html(
            '<a href="{}?event__id__exact={}">{} confirmed, {} waitlisted: see them all</a>',
            url,
            event.pk,
            getattr(event, "confirmed_count", 0),
            getattr(event, "waitlisted_count", 0),
        )

    def save_model(self, request: HttpRequest, obj: Event, form: Any, change: bool) -> None:
        fields = form.changed_data if change else list(form.cleaned_data)
        data = {
            name: form.cleaned_data[name] for name in fields if name in event_services.EVENT_FIELDS
        }
        if change:
            event_services.event_update(event=obj, data=data)
        else:
            obj.pk = event_services.event_create(data=data, user=request.user).pk
        obj.refresh_from_db()


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin[Registration]):
    """Registrations, to look at only: a change here would bypass the event's row lock that
    keeps places within capacity and the waitlist gap-free (engagement.services.events).
    Organisers cancel and check in on the event's pages. The cancel token is a secret that
    works as a credential, so it is not shown."""

    list_display = [
        "person",
        "event",
        "organisation",
        "email",
        "status",
        "waitlist_position",
        "attended",
        "created",
    ]
    list_filter = ["status", "attended", "event__status"]
    search_fields = [
        "email",
        "person__first_name",
        "person__last_name",
        "organisation__name",
        "event__title",
    ]
    fields = [
        "event",
        "person",
        "organisation",
        "email",
        "status",
        "waitlist_position",
        "requirements",
        "attended",
        "checked_in_at",
        "cancelled_at",
        "confirmation_sent_at",
        "created",
        "updated",
    ]
    raw_id_fields = ["event", "person", "organisation"]
    list_select_related = ["person", "event", "organisation"]
    ordering = ["-created", "-id"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Registration]:
        if not roles.has_role(request.user, *EVENT_READERS):
            return Registration.objects.none()
        return selectors.registration_list()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
