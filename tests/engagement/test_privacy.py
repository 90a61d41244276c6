"""UK GDPR (SPEC §4), engagement's side: what a subject-access export holds of registrations
and interactions, and what erasure does to them, without changing evidence counts."""

import datetime
import json

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import IntegrityError, transaction

from contacts import privacy
from engagement.models import Interaction, Registration
from engagement.services import events as event_services
from evidence.aggregation import Scope, build_result
from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from tests.factories_capture import InsightFactory, InteractionFactory
from tests.factories_events import (
    EventFactory,
    RegistrationFactory,
    eager_tasks,  # noqa: F401 - fixture
    in_days,
    sign_up_data,
)
from tests.factories_summaries import taxonomy

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


@pytest.fixture
def world(officer):
    """Ada and Charles at one business; both went to a past event and a 1-2-1, Ada to a
    confidential meeting too. Insights from those interactions carry themes."""
    themes = taxonomy()
    business = OrganisationFactory(name="Analytical Engines Ltd")
    other_business = OrganisationFactory(name="Difference Engines Ltd")
    ada = PersonFactory(first_name="Ada", last_name="Lovelace", organisation=business)
    charles = PersonFactory(first_name="Charles", last_name="Babbage", organisation=business)
    past_event = EventFactory(
        title="Spring growth breakfast", starts_at=in_days(-30), ends_at=in_days(-30, hour=11)
    )
    ada_place = RegistrationFactory(
        event=past_event, person=ada, requirements="Wheelchair space, vegan", attended=True
    )
    RegistrationFactory(event=past_event, person=charles, requirements="Hearing loop")
    meeting = InteractionFactory(
        title="1-2-1 about premises",
        notes="Ada wants a bigger workshop.",
        officer=officer,
        organisations=[business, other_business],
        people=[ada, charles],
    )
    secret = InteractionFactory(
        title="Confidential chat",
        notes="Thinking of relocating out of the county.",
        confidential=True,
        officer=officer,
        organisations=[business],
        people=[ada],
    )
    for interaction, slug in ((meeting, "premises"), (secret, "housing"), (meeting, "grants")):
        insight = InsightFactory(
            organisation=business, interaction=interaction, recorded_on=interaction.occurred_on
        )
        insight.themes.set([themes[slug]])
    InsightFactory(organisation=other_business).themes.set([themes["premises"]])
    return {
        "ada": ada,
        "charles": charles,
        "business": business,
        "event": past_event,
        "ada_place": ada_place,
        "meeting": meeting,
        "secret": secret,
    }


# --- Export -----------------------------------------------------------------------------------


def test_the_export_holds_the_persons_registrations_and_interactions(world, officer):
    export = privacy.person_export(world["ada"], user=officer)
    json.dumps(export)

    [registration] = export["registrations"]
    assert registration["email"] == world["ada"].email
    assert registration["requirements"] == "Wheelchair space, vegan"
    assert registration["event"]["title"] == "Spring growth breakfast"
    assert registration["attended"] is True
    assert "cancel_token" not in registration

    by_title = {i["title"]: i for i in export["interactions"]}
    assert set(by_title) == {"1-2-1 about premises", "Confidential chat"}
    meeting = by_title["1-2-1 about premises"]
    assert meeting["organisations"] == ["Analytical Engines Ltd", "Difference Engines Ltd"]
    assert meeting["notes"] == "Ada wants a bigger workshop."


def test_the_export_withholds_confidential_notes_but_lists_the_interaction(world, officer):
    # The officer wrote the confidential interaction, so may see that it happened.
    export = privacy.person_export(world["ada"], user=officer)
    [secret] = [i for i in export["interactions"] if i["confidential"]]
    assert secret["notes"] is None
    assert "data protection officer" in secret["notes_withheld"]
    assert "relocating" not in json.dumps(export)


def test_the_export_says_nothing_about_anyone_else(world, admin_user):
    charles = world["charles"]
    text = json.dumps(privacy.person_export(world["ada"], user=admin_user))
    assert "Babbage" not in text
    assert charles.email not in text
    assert "Hearing loop" not in text


def test_the_export_api_includes_engagement(world, officer, api_client_for):
    response = api_client_for(officer).get(f"/api/v1/people/{world['ada'].pk}/export/")
    assert response.status_code == 200
    body = response.json()
    assert [r["id"] for r in body["registrations"]] == [world["ada_place"].pk]
    assert len(body["interactions"]) == 2


def test_an_officers_export_leaves_out_the_confidential_interactions_they_cannot_see(world):
    someone_else = UserFactory(role="officer")
    export = privacy.person_export(world["ada"], user=someone_else)

    assert [i["title"] for i in export["interactions"]] == ["1-2-1 about premises"]
    assert export["withheld_confidential"] == 1
    assert export["withheld_confidential_note"].startswith(
        "1 confidential interaction is left out of this export"
    )
    assert world["secret"].pk not in [i["id"] for i in export["interactions"]]
    assert "Confidential chat" not in json.dumps(export)


def test_an_admins_export_is_complete(world, admin_user):
    export = privacy.person_export(world["ada"], user=admin_user)
    assert {i["title"] for i in export["interactions"]} == {
        "1-2-1 about premises",
        "Confidential chat",
    }
    assert export["withheld_confidential"] == 0
    assert export["withheld_confidential_note"] is None


def test_the_export_api_and_page_withhold_for_an_officer_who_cannot_see(
    world, api_client_for, client_for
):
    someone_else = UserFactory(role="officer")
    response = api_client_for(someone_else).get(f"/api/v1/people/{world['ada'].pk}/export/")
    assert response.status_code == 200
    body = response.json()
    assert body["withheld_confidential"] == 1
    assert "Confidential chat" not in response.content.decode()

    page = client_for(someone_else).get(f"/people/{world['ada'].pk}/export/")
    assert page.status_code == 200
    assert json.loads(page.content)["withheld_confidential"] == 1
    assert "Confidential chat" not in page.content.decode()


# --- Erasure ----------------------------------------------------------------------------------


def _evidence_counts():
    """What an evidence summary counts: organisations and insights per top-level theme, and
    engaged organisations, for the last year."""
    today = datetime.date.today()
    result = build_result(
        Scope(period_start=today - datetime.timedelta(days=365), period_end=today)
    )
    return result["engaged_organisations"], [
        (t["theme"], t["insights"], t["organisations"], t["barriers"]) for t in result["themes"]
    ]


def test_erasure_keeps_evidence_counts_interactions_and_organisations(world, admin_user):
    counts = _evidence_counts()
    assert counts[0] == 2 and any(t[1] for t in counts[1])  # the test has evidence to keep
    interactions = Interaction.objects.count()
    registrations = Registration.objects.count()

    privacy.person_erase(person=world["ada"], user=admin_user)

    assert _evidence_counts() == counts
    assert Interaction.objects.count() == interactions
    assert Registration.objects.count() == registrations
    assert world["meeting"].organisations.count() == 2


def test_erasure_takes_the_person_off_interactions_only(world, admin_user):
    privacy.person_erase(person=world["ada"], user=admin_user)
    assert list(world["meeting"].people.all()) == [world["charles"]]
    assert not world["secret"].people.exists()
    world["meeting"].refresh_from_db()
    assert world["meeting"].notes == "Ada wants a bigger workshop."  # the officer's record


def test_erasure_replaces_registration_emails_and_requirements(world, admin_user):
    ada_place = world["ada_place"]
    privacy.person_erase(person=world["ada"], user=admin_user)
    ada_place.refresh_from_db()
    assert ada_place.email == f"erased-{ada_place.pk}@erased.invalid"
    assert ada_place.requirements == ""
    assert ada_place.attended is True  # attendance still counts
    charles_place = Registration.objects.get(person=world["charles"])
    assert charles_place.requirements == "Hearing loop"


def test_erased_registrations_keep_the_one_email_per_event_constraint(world, admin_user):
    event = world["event"]
    privacy.person_erase(person=world["ada"], user=admin_user)
    privacy.person_erase(person=world["charles"], user=admin_user)
    emails = list(event.registrations.values_list("email", flat=True))
    assert len(set(emails)) == 2
    # The constraint still refuses a second row with the same email, ignoring case.
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(event=event, person=PersonFactory(), email=emails[0].upper())


def test_erasure_scrubs_registration_audit_entries(world, admin_user):
    place = world["ada_place"]
    place.requirements = "Step-free access please"
    place.save()
    privacy.person_erase(person=world["ada"], user=admin_user)
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration), object_pk=str(place.pk)
    )
    assert entries.count() >= 2
    text = json.dumps([[e.changes, e.object_repr] for e in entries])
    for value in (world["ada"].email, "Step-free access please", "Wheelchair", "Lovelace"):
        assert value not in text
    assert all(
        e.object_repr.startswith("Erased person at Spring growth breakfast") for e in entries
    )


def test_erasure_cancels_upcoming_places_quietly_and_promotes_the_waitlist(
    admin_user, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        booked, _ = event_services.registration_create(
            event=event, sign_up=event_services.SignUp(**sign_up_data(0))
        )
        waiting, _ = event_services.registration_create(
            event=event, sign_up=event_services.SignUp(**sign_up_data(1))
        )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        privacy.person_erase(person=booked.person, user=admin_user)

    booked.refresh_from_db()
    waiting.refresh_from_db()
    assert booked.status == "cancelled" and booked.cancelled_at is not None
    assert (waiting.status, waiting.waitlist_position) == ("confirmed", None)
    # The promoted person hears about it; nothing goes to the erased address.
    assert [m.to for m in mail.outbox] == [[waiting.email]]


def test_a_waitlisted_place_is_cancelled_and_the_queue_closes_up(admin_user):
    event = EventFactory(capacity=1)
    places = [
        event_services.registration_create(
            event=event, sign_up=event_services.SignUp(**sign_up_data(n))
        )[0]
        for n in range(4)
    ]
    privacy.person_erase(person=places[1].person, user=admin_user)
    queue = list(
        event.registrations.filter(status="waitlisted")
        .order_by("waitlist_position")
        .values_list("pk", "waitlist_position")
    )
    assert queue == [(places[2].pk, 1), (places[3].pk, 2)]


def test_the_same_email_can_sign_up_again_after_erasure(admin_user):
    event = EventFactory(capacity=5)
    first, _ = event_services.registration_create(
        event=event, sign_up=event_services.SignUp(**sign_up_data(7))
    )
    privacy.person_erase(person=first.person, user=admin_user)
    again, created = event_services.registration_create(
        event=event, sign_up=event_services.SignUp(**sign_up_data(7))
    )
    assert created and again.pk != first.pk and again.person_id != first.person_id
    assert again.status == "confirmed"
