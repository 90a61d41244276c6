"""Engagement: interactions (1-2-1s), follow-up actions, events and registrations (SPEC §2)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from contacts.models import Organisation, Person
from core import limits


class InteractionKind(models.TextChoices):
    MEETING = "meeting", "Meeting (1-2-1)"
    CALL = "call", "Call"
    EMAIL = "email", "Email"
    VISIT = "visit", "Visit"
    WORKSHOP = "workshop", "Workshop"
    EVENT = "event", "Event"
    SURVEY = "survey", "Survey"
    OTHER = "other", "Other"


class ParticipationLevel(models.TextChoices):
    """The IAP2 spectrum of public participation."""

    INFORM = "inform", "Inform"
    CONSULT = "consult", "Consult"
    INVOLVE = "involve", "Involve"
    COLLABORATE = "collaborate", "Collaborate"
    EMPOWER = "empower", "Empower"


class Interaction(models.Model):
    """One contact with one or more organisations: a 1-2-1, call, visit, event attendance…

    A confidential interaction is visible only to its officer, the organisations' account
    managers and admins (SPEC §1); its existence still counts as engagement.
    """

    kind = models.CharField(
        max_length=16, choices=InteractionKind.choices, default=InteractionKind.MEETING
    )
    occurred_on = models.DateField(validators=[limits.validate_date_in_range])
    title = models.CharField(max_length=200)
    notes = models.TextField(
        blank=True, default="", max_length=limits.NOTES_MAX, validators=[limits.notes_length]
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    organisations = models.ManyToManyField(Organisation, related_name="interactions")
    people = models.ManyToManyField(Person, blank=True, related_name="interactions")
    participation_level = models.CharField(
        max_length=16, choices=ParticipationLevel.choices, default=ParticipationLevel.CONSULT
    )
    confidential = models.BooleanField(default=False)
    event = models.ForeignKey(
        "engagement.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["-occurred_on", "-id"], name="interaction_date_idx"),
            models.Index(fields=["officer", "-occurred_on"], name="interaction_officer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.occurred_on:%d %b %Y})"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class Action(models.Model):
    """A follow-up promised to an organisation, often arising from an interaction."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="actions")
    interaction = models.ForeignKey(
        Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    description = models.TextField(
        max_length=limits.STATEMENT_MAX, validators=[limits.statement_length]
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_actions",
    )
    due_on = models.DateField(null=True, blank=True, validators=[limits.validate_date_in_range])
    status = models.CharField(max_length=8, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_actions",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["assignee", "status", "due_on"], name="action_assignee_idx"),
            models.Index(fields=["organisation", "-id"], name="action_organisation_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", completed_at__isnull=True)
                | Q(status="done", completed_at__isnull=False),
                name="action_completed_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]


class EventKind(models.TextChoices):
    WORKSHOP = "workshop", "Workshop"
    BREAKFAST = "breakfast", "Breakfast briefing"
    NETWORKING = "networking", "Networking"
    CONFERENCE = "conference", "Conference"
    ROUNDTABLE = "roundtable", "Roundtable"
    WEBINAR = "webinar", "Webinar"
    OTHER = "other", "Other"


class EventStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CANCELLED = "cancelled", "Cancelled"


def new_cancel_token() -> str:
    # 256 bits from the OS's CSPRNG: unguessable, safe in a URL.
    return secrets.token_urlsafe(32)


class Event(models.Model):
    """A workshop, breakfast, networking session… that businesses sign up to publicly."""

    title = models.CharField(max_length=200)
    description = models.TextField(
        blank=True, default="", max_length=limits.NOTES_MAX, validators=[limits.notes_length]
    )
    kind = models.CharField(max_length=16, choices=EventKind.choices, default=EventKind.WORKSHOP)
    starts_at = models.DateTimeField(validators=[limits.validate_date_in_range])
    ends_at = models.DateTimeField(validators=[limits.validate_date_in_range])
    venue_name = models.CharField(max_length=200, blank=True, default="")
    venue_address = models.CharField(max_length=300, blank=True, default="")
    online_url = models.URLField(blank=True, default="")
    accessibility_info = models.TextField(
        blank=True, default="", max_length=limits.NOTES_MAX, validators=[limits.notes_length]
    )
    capacity = models.PositiveIntegerField()
    waitlist_enabled = models.BooleanField(default=True)
    registration_opens_at = models.DateTimeField(
        null=True, blank=True, validators=[limits.validate_date_in_range]
    )
    registration_closes_at = models.DateTimeField(
        null=True, blank=True, validators=[limits.validate_date_in_range]
    )
    slug = models.SlugField(max_length=120, unique=True)
    status = models.CharField(max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organised_events",
    )
    hosted_by = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_events",
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity_positive"),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="event_status_start_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def time_of_day(self) -> str:
        """ "breakfast" (starts before 10:00), "daytime" or "evening" (from 17:00), local time,
        so organisers can see at a glance when their events run and vary it."""
        hour = timezone.localtime(self.starts_at).hour
        if hour < 10:
            return "breakfast"
        if hour < 17:
            return "daytime"
        return "evening"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    WAITLISTED = "waitlisted", "Waitlisted"
    CANCELLED = "cancelled", "Cancelled"


class Registration(models.Model):
    """A person's place (or place in the queue) at an event.

    `waitlist_position` is 1 for the next to be promoted, gap-free, and null unless waitlisted;
    it is kept so under the event's row lock (see engagement.services).
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="registrations")
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    email = models.EmailField(
        max_length=254, help_text="As given at sign-up, compared ignoring case"
    )
    status = models.CharField(max_length=16, choices=RegistrationStatus.choices)
    waitlist_position = models.PositiveIntegerField(null=True, blank=True)
    requirements = models.TextField(
        blank=True,
        default="",
        max_length=limits.STATEMENT_MAX,
        validators=[limits.statement_length],
    )
    cancel_token = models.CharField(
        max_length=64, unique=True, default=new_cancel_token, editable=False
    )
    attended = models.BooleanField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # When the email for the current status (confirmation, waitlist or promotion notice) went
    # out; null means not yet, and the periodic sweep re-queues it (e.g. after a broker outage).
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created", "id"]
        constraints = [
            # Backstop for SPEC §2: one registration per email per event, ignoring case.
            models.UniqueConstraint(
                "event", Lower("email"), name="registration_event_email_unique"
            ),
            # Backstop for the waitlist kept under the event's row lock: one registration per
            # position, and a position exactly when waitlisted.
            models.UniqueConstraint(
                fields=["event", "waitlist_position"],
                condition=Q(waitlist_position__isnull=False),
                name="registration_waitlist_position_unique",
            ),
            models.CheckConstraint(
                condition=Q(status="waitlisted", waitlist_position__gte=1)
                | (~Q(status="waitlisted") & Q(waitlist_position__isnull=True)),
                name="registration_waitlist_position_when_waitlisted",
            ),
        ]
        indexes = [
            models.Index(
                fields=["event", "status", "waitlist_position"], name="registration_queue_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.event} ({self.status})"
