"""What engagement holds on a person, for subject access, erasure and retention (SPEC §4).

Registered with contacts.privacy from EngagementConfig.ready().

Export:
- registrations: every registration of the person, with the email given at sign-up and the
  requirements (access, dietary) they told us, status, attendance and times. The cancel
  token is left out: it is a secret that works as a credential, not information about them.
- interactions: the interactions they took part in (Interaction.people), with the names of
  the organisations involved and of the officer who recorded it, never the other people
  present. Notes of a non-confidential interaction are included. A confidential interaction
  is listed (that it happened is part of the person's record) with its date, kind and title,
  but its notes are withheld and marked so: confidential notes are visible in PlaceVoice only
  to their author, the account manager and admins (SPEC §1), may carry other businesses'
  commercially sensitive information, and are released only after the data protection
  officer has reviewed them, as a subject-access response may withhold third-party data.
  A confidential interaction the exporting user may not see (SPEC §1: only its officer, the
  account manager and admins) is left out altogether, since even its title and date are part
  of the confidential record; `withheld_confidential` counts those left out and
  `withheld_confidential_note` says so in a sentence. An admin's export leaves nothing out.

Erasure: places at events that have not ended are cancelled (a confirmed place goes to the
waitlist at once, without emailing the erased address); every registration's email becomes a
unique non-identifying placeholder (`erased-<id>@erased.invalid`: `.invalid` can never be
delivered, and one per registration keeps the (event, lower(email)) constraint), its
requirements are cleared, and its audit entries lose those values. Registrations stay, so
attendance numbers stay. The person is removed from interactions' people; the interactions
(and their insights) stay.

Activity (retention): a registration created or changed since the cutoff, or for an event that
ended since; or an interaction they took part in dated since the cutoff.
"""

import datetime
from typing import Any

from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from contacts import privacy
from contacts.models import Person
from core.types import AnyUser
from engagement.models import Interaction, Registration, RegistrationStatus
from engagement.selectors import interactions_visible_to
from engagement.services import events as event_services

ERASED_EMAIL_DOMAIN = "erased.invalid"
REGISTRATION_PERSONAL_FIELDS = ("email", "requirements")
NOTES_WITHHELD = (
    "Confidential interaction: its notes are withheld from this export and released only "
    "after review by the data protection officer."
)


def _officer_name(interaction: Interaction) -> str | None:
    officer = interaction.officer
    if officer is None:
        return None
    return officer.get_full_name() or officer.get_username()


def withheld_note(count: int) -> str | None:
    if not count:
        return None
    records = "interaction is" if count == 1 else "interactions are"
    return (
        f"{count} confidential {records} left out of this export, because only their officer, "
        "the organisation's account manager and administrators may see them. An "
        "administrator can produce the complete export."
    )


def export_person(person: Person, user: AnyUser) -> dict[str, Any]:
    registrations = (
        Registration.objects.filter(person=person)
        .select_related("event", "organisation")
        .order_by("created", "id")
    )
    theirs = Interaction.objects.filter(people=person)
    visible = interactions_visible_to(user).filter(pk=OuterRef("pk"))
    shown = Q(confidential=False) | Exists(visible)
    withheld = theirs.exclude(shown).count()
    interactions = (
        theirs.filter(shown)
        .select_related("officer", "event")
        .prefetch_related("organisations")
        .order_by("occurred_on", "id")
    )
    return {
        "registrations": [
            {
                "id": registration.pk,
                "event": {
                    "id": registration.event_id,
                    "title": registration.event.title,
                    "starts_at": privacy.iso(registration.event.starts_at),
                    "ends_at": privacy.iso(registration.event.ends_at),
                    "venue_name": registration.event.venue_name,
                },
                "organisation": (
                    registration.organisation.name if registration.organisation else None
                ),
                "email": registration.email,
                "requirements": registration.requirements,
                "status": registration.status,
                "waitlist_position": registration.waitlist_position,
                "attended": registration.attended,
                "checked_in_at": privacy.iso(registration.checked_in_at),
                "cancelled_at": privacy.iso(registration.cancelled_at),
                "created": privacy.iso(registration.created),
                "updated": privacy.iso(registration.updated),
            }
            for registration in registrations
        ],
        "interactions": [
            {
                "id": interaction.pk,
                "occurred_on": privacy.iso(interaction.occurred_on),
                "kind": interaction.kind,
                "title": interaction.title,
                "organisations": sorted(org.name for org in interaction.organisations.all()),
                "officer": _officer_name(interaction),
                "participation_level": interaction.participation_level,
                "event": interaction.event.title if interaction.event else None,
                "confidential": interaction.confidential,
                "notes": None if interaction.confidential else interaction.notes,
                **({"notes_withheld": NOTES_WITHHELD} if interaction.confidential else {}),
            }
            for interaction in interactions
        ],
        "withheld_confidential": withheld,
        "withheld_confidential_note": withheld_note(withheld),
    }


def _cancel_place_quietly(registration: Registration) -> None:
    """Cancel as engagement.services.events.registration_cancel does (event row locked, the
    waitlist promoted or closed up), but send no cancellation email: the address is being
    erased, and the person asked us to stop using it."""
    locked_event = event_services._lock_event(registration.event_id)
    current = Registration.objects.select_for_update().get(pk=registration.pk)
    if current.status == RegistrationStatus.CANCELLED:
        return
    was, position = current.status, current.waitlist_position
    current.status = RegistrationStatus.CANCELLED
    current.waitlist_position = None
    current.cancelled_at = timezone.now()
    current.save(update_fields=["status", "waitlist_position", "cancelled_at", "updated"])
    if was == RegistrationStatus.WAITLISTED and position is not None:
        event_services._close_gap(locked_event, position)
    elif was == RegistrationStatus.CONFIRMED:
        event_services._fill_from_waitlist(locked_event)


def erase_person(person: Person) -> None:
    now = timezone.now()
    upcoming = (
        Registration.objects.filter(person=person, event__ends_at__gt=now)
        .exclude(status=RegistrationStatus.CANCELLED)
        .order_by("event_id", "id")  # events locked in key order: no deadlock between erasures
    )
    for registration in upcoming:
        _cancel_place_quietly(registration)

    registrations = Registration.objects.filter(person=person)
    registrations.update(
        email=Concat(
            Value("erased-"),
            Cast("id", output_field=CharField()),
            Value(f"@{ERASED_EMAIL_DOMAIN}"),
            output_field=CharField(),
        ),
        requirements="",
        updated=now,
    )
    for registration in registrations.select_related("event", "person"):
        privacy.scrub_audit_entries(
            privacy.audit_entries(registration),
            fields=REGISTRATION_PERSONAL_FIELDS,
            object_repr=f"{privacy.ERASED_FIRST_NAME} {privacy.ERASED_LAST_NAME} at "
            f"{registration.event} ({registration.status})",
        )

    Interaction.people.through.objects.filter(person_id=person.pk).delete()


def recent_activity(cutoff: datetime.datetime) -> Q:
    registrations = Registration.objects.filter(person=OuterRef("pk")).filter(
        Q(updated__gte=cutoff) | Q(event__ends_at__gte=cutoff)
    )
    attended = Interaction.people.through.objects.filter(
        person_id=OuterRef("pk"),
        interaction__occurred_on__gte=timezone.localdate(cutoff),
    )
    return Q(Exists(registrations)) | Q(Exists(attended))
