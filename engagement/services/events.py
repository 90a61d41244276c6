"""Writes to events and registrations (SPEC §2 Event, Registration).

Capacity is protected the way pretix protects quotas: every change to an event's places
(sign-up, cancellation, promotion) runs in a transaction that first locks the event's row
(`SELECT … FOR UPDATE`), so concurrent sign-ups for one event are serialised and the count of
confirmed places read inside the lock is exact. The partial unique constraint on
(event, waitlist_position) and the unique (event, lower(email)) are the database backstops.

Emails go out from Celery tasks queued with `transaction.on_commit`, so a sign-up is committed
before any email is attempted and a broker outage never loses it (see `_queue_email`).
"""

import datetime
import logging
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Model, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from contacts import services as contacts_services
from contacts import validators as contact_validators
from contacts.models import Organisation, Person, normalise_name
from engagement.models import (
    Event,
    EventStatus,
    Interaction,
    InteractionKind,
    ParticipationLevel,
    Registration,
    RegistrationStatus,
)

logger = logging.getLogger(__name__)
_M = TypeVar("_M", bound=Model)

EVENT_FIELDS = {
    "title",
    "description",
    "kind",
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
    "slug",
    "status",
    "organiser",
    "hosted_by",
}


class RegistrationRefused(ValidationError):
    """A sign-up the event cannot take. `code` is "closed", "cancelled", "not_open", "full"
    (no waitlist: the API answers 409) or "not_found" (a draft: the API answers 404)."""


@dataclass(frozen=True)
class SignUp:
    """What a member of the public gives on the sign-up form (SPEC §3 public sign-up)."""

    first_name: str
    last_name: str
    email: str
    organisation: str
    company_number: str = ""
    job_title: str = ""
    requirements: str = ""
    marketing_consent: bool = False


# --- Events ---------------------------------------------------------------------------------


def _unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = (slugify(title) or "event")[:100]
    slug, n = base, 1
    taken = Event.objects.exclude(pk=exclude_pk) if exclude_pk else Event.objects.all()
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def event_rules(event: Event, *, previous_status: str | None = None) -> dict[str, list[str]]:
    """The rules an event must keep beyond each field's own validation (SPEC §2), as
    {field: [messages]}: it ends after it starts, registration closes after it opens, at least
    one place, a web address of its own, and a cancelled event (`previous_status`) stays
    cancelled. The services and the admin's form both check them here."""
    errors: dict[str, list[str]] = {}
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        errors.setdefault("ends_at", []).append("The event must end after it starts")
    if event.capacity is not None and event.capacity < 1:
        errors.setdefault("capacity", []).append("Capacity must be at least 1")
    opens, closes = event.registration_opens_at, event.registration_closes_at
    if opens and closes and closes <= opens:
        errors.setdefault("registration_closes_at", []).append(
            "Registration must close after it opens"
        )
    if event.slug and Event.objects.filter(slug=event.slug).exclude(pk=event.pk).exists():
        errors.setdefault("slug", []).append("Another event already uses this web address")
    if previous_status == EventStatus.CANCELLED and event.status != EventStatus.CANCELLED:
        errors.setdefault("status", []).append("A cancelled event cannot be reopened")
    return errors


def _validate_event(event: Event, *, previous_status: str | None = None) -> None:
    errors: dict[str, list[str]] = {}
    try:
        event.full_clean(validate_constraints=False)
    except ValidationError as exc:
        errors = exc.message_dict
    for name, messages in event_rules(event, previous_status=previous_status).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _apply(event: Event, data: dict[str, Any]) -> None:
    unknown = set(data) - EVENT_FIELDS
    if unknown:
        raise ValidationError({name: "Unknown field" for name in sorted(unknown)})
    for name, value in data.items():
        setattr(event, name, value)


@transaction.atomic
def event_create(*, data: dict[str, Any], user: AbstractBaseUser | AnonymousUser | None) -> Event:
    """A new event; `status` may be given (SPEC §2), draft otherwise."""
    event = Event()
    _apply(event, data)
    if not event.slug:
        event.slug = _unique_slug(event.title or "")
    if event.organiser_id is None and user is not None and user.is_authenticated:
        event.organiser = user  # type: ignore[assignment]
    _validate_event(event)
    event.save()
    return event


@transaction.atomic
def event_update(*, event: Event, data: dict[str, Any]) -> Event:
    """Edit an event. Going to `cancelled` goes through `event_cancel` (it emails people);
    raising the capacity promotes from the waitlist at once."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    previous_status = locked.status
    wants_cancel = data.get("status") == EventStatus.CANCELLED
    data = {key: value for key, value in data.items() if key != "status" or not wants_cancel}
    _apply(locked, data)
    if not locked.slug:
        locked.slug = _unique_slug(locked.title, exclude_pk=locked.pk)
    _validate_event(locked, previous_status=previous_status)
    locked.save()
    _fill_from_waitlist(locked)
    if wants_cancel:
        locked = event_cancel(event=locked)
    return locked


@transaction.atomic
def event_publish(*, event: Event) -> Event:
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.status == EventStatus.CANCELLED:
        raise ValidationError({"status": "A cancelled event cannot be published"})
    locked.status = EventStatus.PUBLISHED
    locked.save(update_fields=["status", "updated"])
    return locked


@transaction.atomic
def event_cancel(*, event: Event) -> Event:
    """Cancel the event: no more sign-ups, and everyone holding a place or waiting is told."""
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.status == EventStatus.CANCELLED:
        return locked
    was_published = locked.status == EventStatus.PUBLISHED
    locked.status = EventStatus.CANCELLED
    locked.save(update_fields=["status", "updated"])
    if was_published:
        to_tell = list(
            locked.registrations.exclude(status=RegistrationStatus.CANCELLED).values_list(
                "pk", flat=True
            )
        )
        for registration_id in to_tell:
            _queue_email(registration_id, "event_cancelled")
    return locked


# --- Sign-up --------------------------------------------------------------------------------


def _lock_event(event_id: int) -> Event:
    """The event's row, locked until the transaction ends: the one place sign-ups for an
    event queue up behind each other. (Tests replace this with an unlocked read to show the
    concurrency test catches overbooking without it.)"""
    if connection.vendor == "sqlite":
        # SQLite has no row locks and ignores FOR UPDATE; a no-op write takes the database's
        # write lock now, so the reads that follow cannot race another sign-up's.
        Event.objects.filter(pk=event_id).update(capacity=F("capacity"))
    return Event.objects.select_for_update().get(pk=event_id)


def _clean_sign_up(sign_up: SignUp) -> SignUp:
    errors: dict[str, str] = {}
    first_name = sign_up.first_name.strip()
    last_name = sign_up.last_name.strip()
    email = sign_up.email.strip()
    organisation = sign_up.organisation.strip()
    company_number = contact_validators.normalise_company_number(sign_up.company_number)
    if not first_name:
        errors["first_name"] = "Enter your first name"
    elif len(first_name) > 100:
        errors["first_name"] = "First name must be 100 characters or fewer"
    if not last_name:
        errors["last_name"] = "Enter your last name"
    elif len(last_name) > 100:
        errors["last_name"] = "Last name must be 100 characters or fewer"
    if not email:
        errors["email"] = "Enter your email address"
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter an email address in the correct format, like name@example.com"
        if len(email) > 254:
            errors["email"] = "Email address must be 254 characters or fewer"
    if not organisation:
        errors["organisation"] = "Enter the name of your organisation"
    elif len(organisation) > 255:
        errors["organisation"] = "Organisation name must be 255 characters or fewer"
    try:
        contact_validators.validate_company_number(company_number)
    except ValidationError as exc:
        errors["company_number"] = exc.messages[0]
    if len(sign_up.job_title.strip()) > 150:
        errors["job_title"] = "Job title must be 150 characters or fewer"
    if len(sign_up.requirements) > 2000:
        errors["requirements"] = "Requirements must be 2000 characters or fewer"
    if errors:
        raise ValidationError(errors)
    return SignUp(
        first_name=first_name,
        last_name=last_name,
        email=email,
        organisation=organisation,
        company_number=company_number,
        job_title=sign_up.job_title.strip(),
        requirements=sign_up.requirements.strip(),
        marketing_consent=bool(sign_up.marketing_consent),
    )


def sign_up_refusal(*, event: Event, now: Any) -> RegistrationRefused | None:
    """Why `event` takes no sign-ups at `now` (SPEC §2), or None when it does. The sign-up
    service refuses with it and the public page explains it."""
    if event.status == EventStatus.DRAFT:
        return RegistrationRefused("This event is not open to the public", code="not_found")
    if event.status == EventStatus.CANCELLED:
        return RegistrationRefused(
            "This event has been cancelled, so it is not taking sign-ups", code="cancelled"
        )
    if event.registration_opens_at and now < event.registration_opens_at:
        opens = timezone.localtime(event.registration_opens_at)
        return RegistrationRefused(
            f"Registration for this event opens on {opens:%-d %B %Y at %H:%M}", code="not_open"
        )
    closes = event.registration_closes_at or event.starts_at
    if now >= closes:
        return RegistrationRefused("Registration for this event has closed", code="closed")
    return None


def _check_open(event: Event, now: Any) -> None:
    refusal = sign_up_refusal(event=event, now=now)
    if refusal is not None:
        raise refusal


def _match_organisation(*, name: str, company_number: str) -> Organisation:
    """By company number, then normalised name; created when new (SPEC §2)."""
    if company_number:
        found = Organisation.objects.filter(company_number=company_number).first()
        if found is not None:
            return found
    normalised = normalise_name(name)
    if normalised:
        by_name = Organisation.objects.filter(name_normalised=normalised).order_by("id").first()
        if by_name is not None:
            if company_number and not by_name.company_number:
                return contacts_services.organisation_update(
                    organisation=by_name, data={"company_number": company_number}, user=None
                )
            return by_name
    try:
        # A savepoint: a simultaneous sign-up (to another event) may create the same company.
        with transaction.atomic():
            return contacts_services.organisation_create(
                data={"name": name, "company_number": company_number}, user=None
            )
    except (IntegrityError, ValidationError) as exc:
        if not company_number or not _is_clash(exc, "company_number"):
            raise
        return Organisation.objects.get(company_number=company_number)


def _is_clash(exc: Exception, field: str) -> bool:
    """The other sign-up won the race: the database refused the row (IntegrityError), or the
    contacts service found it first and named the field."""
    if isinstance(exc, IntegrityError):
        return True
    return isinstance(exc, ValidationError) and field in getattr(exc, "error_dict", {})


def _by_email(queryset: QuerySet[_M], email: str) -> QuerySet[_M]:
    """Rows whose email equals `email` ignoring case, as LOWER(email) = lower(value) so the
    expression indexes behind the case-insensitive unique constraints are used (`iexact`
    compiles to UPPER(…) on PostgreSQL and would scan every person)."""
    matches: QuerySet[_M] = queryset.alias(email_lower=Lower("email")).filter(
        email_lower=email.lower()
    )
    return matches


def _match_person(*, sign_up: SignUp, organisation: Organisation, source: str) -> Person:
    """By email ignoring case; created when new. Marketing consent given here is recorded with
    its time and source; leaving the box unticked does not withdraw an earlier consent."""
    now = timezone.now()
    person = _by_email(Person.objects.all(), sign_up.email).order_by("id").first()
    if person is None:
        try:
            with transaction.atomic():
                return contacts_services.person_create(
                    data={
                        "first_name": sign_up.first_name,
                        "last_name": sign_up.last_name,
                        "email": sign_up.email,
                        "job_title": sign_up.job_title,
                        "organisation": organisation,
                        "marketing_consent": sign_up.marketing_consent,
                        "consent_recorded_at": now if sign_up.marketing_consent else None,
                        "consent_source": source if sign_up.marketing_consent else "",
                    }
                )
        except (IntegrityError, ValidationError) as exc:
            if not _is_clash(exc, "email"):
                raise
            person = _by_email(Person.objects.all(), sign_up.email).get()
    changed: dict[str, Any] = {}
    if person.organisation_id is None:
        changed["organisation"] = organisation
    if not person.job_title and sign_up.job_title:
        changed["job_title"] = sign_up.job_title
    if sign_up.marketing_consent and not person.marketing_consent:
        changed.update(marketing_consent=True, consent_recorded_at=now, consent_source=source)
    if changed:
        person = contacts_services.person_update(person=person, data=changed)
    return person


@transaction.atomic
def registration_create(
    *, event: Event, sign_up: SignUp, source: str = "public sign-up"
) -> tuple[Registration, bool]:
    """Sign someone up: confirmed while places remain, else waitlisted (or refused as full
    when the waitlist is off). The same email, ignoring case, gets its existing registration
    back (returns created=False) and its notice is sent again to the address on record
    (`registration_resend_notice`): whoever repeats a sign-up may not know the person, so
    callers must answer a repeat without the cancel token or any personal detail (SPEC §2).
    Raises ValidationError (bad input) or RegistrationRefused.
    """
    cleaned = _clean_sign_up(sign_up)
    active = Registration.objects.exclude(status=RegistrationStatus.CANCELLED)
    repeat = _by_email(active.filter(event_id=event.pk), cleaned.email).first()
    if repeat is not None:  # a repeat (double click, second visit) needs no lock
        registration_resend_notice(registration=repeat)
        return repeat, False
    _check_open(event, timezone.now())  # refuse early; checked again under the lock

    # People and organisations are matched (or created) before the event is locked, so the
    # lock is held only for the few statements that decide the place. Nothing waits for a
    # person or organisation row while holding an event lock, so this order cannot deadlock.
    consent_source = f"Sign-up to “{event.title}” ({source})"
    organisation = _match_organisation(
        name=cleaned.organisation, company_number=cleaned.company_number
    )
    person = _match_person(sign_up=cleaned, organisation=organisation, source=consent_source)

    # Under the event's row lock until commit: the confirmed count, the next waitlist
    # position and the duplicate-email check cannot race another sign-up.
    locked = _lock_event(event.pk)
    existing = _by_email(Registration.objects.filter(event=locked), cleaned.email).first()
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        registration_resend_notice(registration=existing)
        return existing, False
    _check_open(locked, timezone.now())

    confirmed = locked.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    if confirmed < locked.capacity:
        status, position = RegistrationStatus.CONFIRMED, None
    elif locked.waitlist_enabled:
        status, position = RegistrationStatus.WAITLISTED, _next_position(locked)
    else:
        raise RegistrationRefused("Sorry, this event is full", code="full")

    if existing is not None:
        # Signing up again after cancelling: the same row (one per email per event) comes back.
        registration = existing
        registration.cancelled_at = None
        registration.attended = None
        registration.checked_in_at = None
    else:
        registration = Registration(event=locked, email=cleaned.email)
    registration.person = person
    registration.organisation = organisation
    registration.status = status
    registration.waitlist_position = position
    registration.requirements = cleaned.requirements
    registration.confirmation_sent_at = None
    registration.save()
    _queue_email(
        registration.pk, "confirmation" if status == RegistrationStatus.CONFIRMED else "waitlist"
    )
    return registration, True


# A repeated sign-up re-sends the notice at most this often per registration, so the public
# form cannot be used to flood someone's inbox.
RESEND_INTERVAL = datetime.timedelta(minutes=10)


def registration_resend_notice(*, registration: Registration) -> bool:
    """Send the notice of the registration's current status (confirmation or waitlist, with
    its cancel link) again to the email on record, after the commit. Returns False when
    nothing is sent: the place is cancelled, the event is no longer on or has ended, or a
    re-send went out less than RESEND_INTERVAL ago."""
    kinds = {
        RegistrationStatus.CONFIRMED: "confirmation",
        RegistrationStatus.WAITLISTED: "waitlist",
    }
    kind = kinds.get(RegistrationStatus(registration.status))
    event = registration.event
    if kind is None or event.status != EventStatus.PUBLISHED or event.ends_at <= timezone.now():
        return False
    seconds = int(RESEND_INTERVAL.total_seconds())
    # add() is atomic (SET NX on Redis): of simultaneous repeats, exactly one re-sends.
    if not cache.add(f"pv:registration-resend:{registration.pk}", 1, timeout=seconds):
        return False
    _queue_email(registration.pk, kind, again=True)
    return True


def _next_position(event: Event) -> int:
    last = event.registrations.filter(status=RegistrationStatus.WAITLISTED).aggregate(
        last=Max("waitlist_position")
    )["last"]
    return (last or 0) + 1


def _close_gap(event: Event, position: int) -> None:
    """Move everyone behind `position` up one place, keeping positions gap-free.

    Done in two steps (out of range, then back) so no row ever takes a position another row
    still holds: the unique constraint is checked row by row, not at the end of the UPDATE.
    """
    behind = event.registrations.filter(
        status=RegistrationStatus.WAITLISTED, waitlist_position__gt=position
    )
    offset = (behind.aggregate(last=Max("waitlist_position"))["last"] or 0) + 1
    behind.update(waitlist_position=F("waitlist_position") + offset)
    event.registrations.filter(
        status=RegistrationStatus.WAITLISTED, waitlist_position__gt=offset
    ).update(waitlist_position=F("waitlist_position") - offset - 1)


def _fill_from_waitlist(event: Event) -> list[Registration]:
    """Promote from the front of the waitlist while places are free (event row locked). Never
    for a cancelled event, nor once it has ended: a place at a past event is no use to anyone,
    and a "you have a place" email for it would only confuse."""
    if event.status == EventStatus.CANCELLED or event.ends_at <= timezone.now():
        return []
    free = event.capacity - event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    if free <= 0:
        return []
    promoted = list(
        event.registrations.filter(status=RegistrationStatus.WAITLISTED).order_by(
            "waitlist_position"
        )[:free]
    )
    if not promoted:
        return []
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.waitlist_position = None
        registration.confirmation_sent_at = None
        registration.save(
            update_fields=["status", "waitlist_position", "confirmation_sent_at", "updated"]
        )
        _queue_email(registration.pk, "promotion")
    remaining = event.registrations.filter(status=RegistrationStatus.WAITLISTED)
    shift = len(promoted)
    offset = (remaining.aggregate(last=Max("waitlist_position"))["last"] or 0) + 1
    remaining.update(waitlist_position=F("waitlist_position") + offset)
    event.registrations.filter(
        status=RegistrationStatus.WAITLISTED, waitlist_position__gt=offset
    ).update(waitlist_position=F("waitlist_position") - offset - shift)
    return promoted


@transaction.atomic
def registration_cancel(*, registration: Registration, by_organiser: bool = False) -> Registration:
    """Cancel a place (or a place in the queue). A freed confirmed place goes at once to
    waitlist position 1, and everyone behind moves up (SPEC §2). Once the event has started
    only an organiser can cancel (attendance and no-show counts stay true)."""
    locked_event = _lock_event(registration.event_id)
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if current.status == RegistrationStatus.CANCELLED:
        return current
    if not by_organiser and locked_event.starts_at <= timezone.now():
        raise RegistrationRefused(
            "This event has already started, so the registration can no longer be cancelled",
            code="started",
        )
    was = current.status
    position = current.waitlist_position
    current.status = RegistrationStatus.CANCELLED
    current.waitlist_position = None
    current.cancelled_at = timezone.now()
    current.save(update_fields=["status", "waitlist_position", "cancelled_at", "updated"])
    if was == RegistrationStatus.WAITLISTED and position is not None:
        _close_gap(locked_event, position)
    elif was == RegistrationStatus.CONFIRMED:
        _fill_from_waitlist(locked_event)
    if locked_event.status != EventStatus.CANCELLED:
        _queue_email(current.pk, "cancellation")
    logger.info(
        "registration %s cancelled (%s)", current.pk, "organiser" if by_organiser else "self"
    )
    return current


# --- Merging people -------------------------------------------------------------------------

# Which of one person's registrations for an event a merge keeps: a place, then a place in the
# queue, then a cancelled one. A person holds one registration per event (SPEC §2: signing up
# again gets the existing one back, never a second).
_MERGE_KEEPS_FIRST = {
    RegistrationStatus.CONFIRMED: 0,
    RegistrationStatus.WAITLISTED: 1,
    RegistrationStatus.CANCELLED: 2,
}


def _merge_rank(registration: Registration) -> tuple[int, bool, int, Any, int]:
    return (
        _MERGE_KEEPS_FIRST[RegistrationStatus(registration.status)],
        registration.attended is not True,  # a checked-in place before one not yet used
        registration.waitlist_position or 0,  # the nearer the front of the queue
        registration.created,
        registration.pk,
    )


@transaction.atomic
def registration_merge(*, survivor: Person, duplicate: Person) -> list[int]:
    """Before a person merge moves `duplicate`'s registrations to `survivor`: for each event
    where the two hold more than one registration between them, keep the best (see
    `_merge_rank`; the earliest wins a tie) and delete the others, so the survivor ends with
    one. The places they held are given up as `registration_cancel` gives them up, under the
    event's row lock: the queue closes up behind a dropped waitlist position, and a dropped
    confirmed place goes to the front of the waitlist at once, unless the event has ended (no
    one is told of a place at an event that is over). The kept registration takes the dropped
    ones' requirements if it has none. Returns the ids deleted.

    Called from `contacts.services.person_merge` (registered in EngagementConfig.ready()),
    with both people's rows locked; events are locked here in key order, before any of their
    registrations is touched, as sign-ups and cancellations lock them.
    """
    people = [survivor.pk, duplicate.pk]
    clashing = list(
        Registration.objects.filter(person_id__in=people)
        .values("event_id")
        .annotate(registrations=Count("id"))
        .filter(registrations__gt=1)
        .order_by("event_id")
        .values_list("event_id", flat=True)
    )
    deleted: list[int] = []
    for event_id in clashing:
        locked_event = _lock_event(event_id)
        held = sorted(
            Registration.objects.select_for_update().filter(
                event=locked_event, person_id__in=people
            ),
            key=_merge_rank,
        )
        kept, dropped = held[0], held[1:]
        # From the back of the queue forwards, so closing one gap never moves a position
        # still to be dropped.
        dropped.sort(key=lambda registration: -(registration.waitlist_position or 0))
        freed_a_place = False
        for registration in dropped:
            if not kept.requirements and registration.requirements:
                kept.requirements = registration.requirements
                kept.save(update_fields=["requirements", "updated"])
            position = registration.waitlist_position
            was = registration.status
            deleted.append(registration.pk)
            registration.delete()
            if was == RegistrationStatus.WAITLISTED and position is not None:
                _close_gap(locked_event, position)
            elif was == RegistrationStatus.CONFIRMED:
                freed_a_place = True
        if freed_a_place:
            _fill_from_waitlist(locked_event)
        logger.info(
            "person merge %s into %s kept registration %s for event %s",
            duplicate.pk,
            survivor.pk,
            kept.pk,
            event_id,
        )
    return deleted


# --- Check-in -------------------------------------------------------------------------------

_PARTICIPATION = {
    "workshop": ParticipationLevel.INVOLVE,
    "roundtable": ParticipationLevel.CONSULT,
}


@transaction.atomic
def registration_check_in(
    *, registration: Registration, user: AbstractBaseUser | AnonymousUser | None
) -> Registration:
    """Mark the person as attended and record the attendance as one `event` interaction per
    event and organisation (SPEC §2), adding each attending person to it."""
    locked_event = _lock_event(registration.event_id)  # serialises the find-or-create below
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if current.status != RegistrationStatus.CONFIRMED:
        raise ValidationError(
            {"status": "Only people with a confirmed place can be checked in"}, code="invalid"
        )
    if current.attended:
        return current
    current.attended = True
    current.checked_in_at = timezone.now()
    current.save(update_fields=["attended", "checked_in_at", "updated"])
    if current.organisation_id is not None:
        interaction = (
            Interaction.objects.filter(
                kind=InteractionKind.EVENT,
                event=locked_event,
                organisations=current.organisation_id,
            )
            .order_by("id")
            .first()
        )
        if interaction is None:
            occurred_on = min(
                timezone.localdate(locked_event.starts_at), timezone.localdate(timezone.now())
            )
            interaction = Interaction.objects.create(
                kind=InteractionKind.EVENT,
                event=locked_event,
                occurred_on=occurred_on,
                title=f"Attended {locked_event.title}"[:200],
                officer=user if user is not None and user.is_authenticated else None,  # type: ignore[misc]
                participation_level=_PARTICIPATION.get(
                    locked_event.kind, ParticipationLevel.INFORM
                ),
            )
            interaction.organisations.add(current.organisation_id)
        interaction.people.add(current.person_id)
    return current


@transaction.atomic
def registration_check_in_undo(*, registration: Registration) -> Registration:
    """Undo a mistaken check-in at the door. The person leaves the event interaction, which
    goes too when nobody from that organisation attended and nothing was added to it."""
    locked_event = _lock_event(registration.event_id)
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if not current.attended:
        return current
    current.attended = None
    current.checked_in_at = None
    current.save(update_fields=["attended", "checked_in_at", "updated"])
    if current.organisation_id is None:
        return current
    interaction = (
        Interaction.objects.filter(
            kind=InteractionKind.EVENT, event=locked_event, organisations=current.organisation_id
        )
        .order_by("id")
        .first()
    )
    if interaction is None:
        return current
    still_attending = locked_event.registrations.filter(
        organisation_id=current.organisation_id, attended=True
    )
    if still_attending.filter(person_id=current.person_id).exists():
        return current  # the same person also holds another checked-in place
    interaction.people.remove(current.person_id)
    untouched = not interaction.notes and not interaction.actions.exists()
    if untouched and not still_attending.exists() and not interaction.people.exists():
        interaction.delete()
    return current


def no_show_count(event: Event) -> int:
    """Confirmed places not checked in, once the event has ended."""
    if event.ends_at > timezone.now():
        return 0
    return (
        event.registrations.filter(status=RegistrationStatus.CONFIRMED)
        .exclude(attended=True)
        .count()
    )


# --- Emails ---------------------------------------------------------------------------------


def _queue_email(registration_id: int, kind: str, *, again: bool = False) -> None:
    """Queue the email after the commit. If the broker is down the sign-up still stands: the
    error is logged, `confirmation_sent_at` stays empty and the periodic sweep
    (`engagement.tasks.resend_unsent_notices`) sends it later. `again` sends a status notice
    even though it went out before (a repeated sign-up asks for it)."""

    def send() -> None:
        from engagement import tasks  # the tasks module imports this one

        try:
            # One quick retry only: the person is waiting for the page, and the sweep
            # re-sends anything that could not be queued.
            tasks.send_registration_email.apply_async(
                (registration_id, kind),
                {"again": True} if again else None,
                retry=True,
                retry_policy={"max_retries": 1, "interval_start": 0.2, "interval_max": 0.2},
            )
        except Exception:  # noqa: BLE001 - kombu/redis/socket errors: never fail the sign-up
            logger.exception(
                "Could not queue the %s email for registration %s; the sweep will retry",
                kind,
                registration_id,
            )

    transaction.on_commit(send)


def registration_mark_notified(*, registration_id: int, status: str) -> bool:
    """Record that the email for the registration's current status went out. Conditional, so
    a notice for a status it no longer has does not count."""
    return bool(
        Registration.objects.filter(
            pk=registration_id, status=status, confirmation_sent_at__isnull=True
        ).update(confirmation_sent_at=timezone.now())
    )


def event_claim_reminder(*, event_id: int) -> bool:
    """Claim the day-before reminder for an event: True for exactly one caller, ever."""
    return bool(
        Event.objects.filter(pk=event_id, reminder_sent_at__isnull=True).update(
            reminder_sent_at=timezone.now()
        )
    )
