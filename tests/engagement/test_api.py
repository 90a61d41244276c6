"""The events API (SPEC §3): public sign-up status codes, staff endpoints, permissions."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from engagement.models import Event, Interaction, Registration
from tests.factories import OrganisationFactory
from tests.factories_events import (
    EventFactory,
    RegistrationFactory,
    eager_tasks,  # noqa: F401 - fixture
    sign_up_data,
)

pytestmark = pytest.mark.django_db


def sign_up_url(slug: str) -> str:
    return f"/api/v1/public/events/{slug}/registrations/"


@pytest.fixture
def public(api_client_for):
    return api_client_for(None)


def test_it_confirms_a_new_sign_up_with_201(public):
    event = EventFactory(capacity=2)
    response = public.post(sign_up_url(event.slug), sign_up_data(1), format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {"status": "confirmed", "waitlist_position": None}


@pytest.mark.usefixtures("eager_tasks")
def test_it_returns_the_existing_registration_for_the_same_email_ignoring_case(
    public, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = public.post(sign_up_url(event.slug), sign_up_data(1), format="json")
    with django_capture_on_commit_callbacks(execute=True):
        again = public.post(
            sign_up_url(event.slug),
            sign_up_data(1, first_name="Mallory", email="ADA1@Engines.Example"),
            format="json",
        )
    assert first.status_code == 201
    assert again.status_code == 200
    # Only the status: no token, name or anything else of the person on record (SPEC §2).
    assert again.json() == {"status": "confirmed", "waitlist_position": None}
    registration = Registration.objects.get(event=event)
    assert registration.cancel_token not in again.content.decode()
    assert registration.cancel_token not in str(again.headers)
    # The confirmation, with its cancel link, goes again to the address on record.
    assert [m.to for m in mail.outbox] == [["ada1@engines.example"]] * 2
    assert registration.cancel_token in mail.outbox[1].body


@pytest.mark.usefixtures("eager_tasks")
def test_repeated_public_api_sign_ups_re_send_at_most_once_per_interval(
    public, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=1)
    public.post(sign_up_url(event.slug), sign_up_data(1), format="json")
    public.post(sign_up_url(event.slug), sign_up_data(2), format="json")  # waitlisted
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            public.post(sign_up_url(event.slug), sign_up_data(n), format="json")
            for n in (1, 2, 1, 2, 1, 2)
        ]
    assert {a.status_code for a in answers} == {200}
    assert [a.json()["waitlist_position"] for a in answers[:2]] == [None, 1]
    assert sorted(m.subject.split(":")[0] for m in mail.outbox) == [
        "You are on the waiting list",
        "Your place is confirmed",
    ]


def test_it_waitlists_in_order_once_full(public):
    event = EventFactory(capacity=1)
    results = [
        public.post(sign_up_url(event.slug), sign_up_data(n), format="json").json()
        for n in range(4)
    ]
    assert [r["status"] for r in results] == ["confirmed", "waitlisted", "waitlisted", "waitlisted"]
    assert [r["waitlist_position"] for r in results] == [None, 1, 2, 3]


def test_it_answers_409_when_full_without_a_waitlist(public):
    event = EventFactory(capacity=1, waitlist_enabled=False)
    assert public.post(sign_up_url(event.slug), sign_up_data(1), format="json").status_code == 201
    response = public.post(sign_up_url(event.slug), sign_up_data(2), format="json")
    assert response.status_code == 409
    assert "full" in response.json()["detail"]
    assert Registration.objects.filter(event=event).count() == 1


def test_it_answers_404_for_a_draft_or_unknown_event(public):
    draft = EventFactory(status="draft")
    assert public.post(sign_up_url(draft.slug), sign_up_data(), format="json").status_code == 404
    assert (
        public.post(sign_up_url("no-such-event"), sign_up_data(), format="json").status_code == 404
    )
    assert not Registration.objects.exists()


def test_it_answers_400_with_a_message_when_registration_has_closed(public):
    event = EventFactory(registration_closes_at=timezone.now() - datetime.timedelta(hours=1))
    response = public.post(sign_up_url(event.slug), sign_up_data(), format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Registration for this event has closed"


def test_it_answers_400_with_a_message_before_registration_opens(public):
    event = EventFactory(registration_opens_at=timezone.now() + datetime.timedelta(days=1))
    response = public.post(sign_up_url(event.slug), sign_up_data(), format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Registration for this event opens on")


def test_it_answers_400_with_a_message_for_a_cancelled_event(public):
    event = EventFactory(status="cancelled")
    response = public.post(sign_up_url(event.slug), sign_up_data(), format="json")
    assert response.status_code == 400
    assert "cancelled" in response.json()["detail"]


def test_it_answers_400_for_an_event_that_has_started(public):
    event = EventFactory(
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
    )
    response = public.post(sign_up_url(event.slug), sign_up_data(), format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Registration for this event has closed"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"first_name": ""}, "first_name"),
        ({"organisation": "   "}, "organisation"),
        ({"company_number": "12"}, "company_number"),
        ({"first_name": "x" * 500}, "first_name"),
        ({"marketing_consent": "perhaps"}, "marketing_consent"),
    ],
)
def test_it_answers_400_with_field_messages_for_bad_input(public, payload, field):
    event = EventFactory()
    response = public.post(sign_up_url(event.slug), sign_up_data(**payload), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Registration.objects.exists()


def test_it_answers_400_not_500_for_a_body_that_is_not_json(public):
    event = EventFactory()
    response = public.post(sign_up_url(event.slug), "{not json", content_type="application/json")
    assert response.status_code == 400


def test_it_refuses_a_sign_up_that_fills_the_honeypot(public):
    event = EventFactory()
    response = public.post(
        sign_up_url(event.slug), sign_up_data(website="http://spam.example"), format="json"
    )
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_it_rate_limits_sign_ups_per_client_address(public, settings):
    settings.SIGNUP_RATE_LIMIT = "3/m"
    event = EventFactory(capacity=50)
    codes = [
        public.post(sign_up_url(event.slug), sign_up_data(n), format="json").status_code
        for n in range(5)
    ]
    assert codes == [201, 201, 201, 429, 429]
    assert "Too many" in public.post(sign_up_url(event.slug), sign_up_data(9)).json()["detail"]
    other = public.post(
        sign_up_url(event.slug), sign_up_data(7), format="json", REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 201


def test_the_public_answer_says_nothing_about_other_registrants(public):
    event = EventFactory(capacity=5)
    RegistrationFactory(event=event)
    body = public.post(sign_up_url(event.slug), sign_up_data(), format="json").json()
    assert set(body) == {"status", "waitlist_position"}


@pytest.mark.usefixtures("eager_tasks")
def test_it_cancels_with_the_token_and_promotes_the_first_waiting(public):
    event = EventFactory(capacity=1)
    public.post(sign_up_url(event.slug), sign_up_data(1), format="json")
    public.post(sign_up_url(event.slug), sign_up_data(2), format="json")
    first = Registration.objects.get(email="ada1@engines.example")
    mail.outbox.clear()
    response = public.post(f"/api/v1/public/registrations/{first.cancel_token}/cancel/")
    assert response.status_code == 200
    assert response.json() == {"status": "cancelled", "waitlist_position": None}
    second = Registration.objects.get(email="ada2@engines.example")
    assert (second.status, second.waitlist_position) == ("confirmed", None)


def test_an_unknown_cancel_token_is_404(public):
    assert public.post("/api/v1/public/registrations/nope/cancel/").status_code == 404


# --- Staff endpoints -------------------------------------------------------------------------


def event_payload(**overrides):
    starts = timezone.now() + datetime.timedelta(days=10)
    data = {
        "title": "Life sciences roundtable",
        "kind": "roundtable",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + datetime.timedelta(hours=2)).isoformat(),
        "capacity": 20,
        "venue_name": "Science Park",
        "status": "published",
    }
    data.update(overrides)
    return data


def test_an_organiser_creates_an_event_with_a_status(api_client_for, organiser):
    response = api_client_for(organiser).post("/api/v1/events/", event_payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "published"
    assert body["slug"] == "life-sciences-roundtable"
    assert body["organiser"] == organiser.pk
    assert body["confirmed_count"] == 0


def test_it_refuses_an_event_that_ends_before_it_starts(api_client_for, organiser):
    starts = timezone.now() + datetime.timedelta(days=3)
    payload = event_payload(
        starts_at=starts.isoformat(), ends_at=(starts - datetime.timedelta(hours=1)).isoformat()
    )
    response = api_client_for(organiser).post("/api/v1/events/", payload, format="json")
    assert response.status_code == 400
    assert "ends_at" in response.json()


def test_it_refuses_a_capacity_below_one(api_client_for, organiser):
    response = api_client_for(organiser).post(
        "/api/v1/events/", event_payload(capacity=0), format="json"
    )
    assert response.status_code == 400
    assert "capacity" in response.json()


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [
        ("organiser", 200, 201),
        ("officer", 200, 403),
        ("growth_group", 403, 403),
        ("admin", 200, 201),
    ],
)
def test_event_access_by_role(api_client_for, users, role, read, write):
    client = api_client_for(users[role])
    assert client.get("/api/v1/events/").status_code == read
    assert client.post("/api/v1/events/", event_payload(), format="json").status_code == write


def test_the_public_cannot_list_events_or_registrations(api_client_for):
    event = EventFactory()
    client = api_client_for(None)
    assert client.get("/api/v1/events/").status_code in (401, 403)
    assert client.get(f"/api/v1/events/{event.pk}/registrations/").status_code in (401, 403)


def test_the_growth_group_cannot_list_registrations(api_client_for, growth_member):
    event = EventFactory()
    RegistrationFactory(event=event)
    response = api_client_for(growth_member).get(f"/api/v1/events/{event.pk}/registrations/")
    assert response.status_code == 403


def test_registrations_list_with_status_position_and_attendance(api_client_for, organiser):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event, attended=True)
    RegistrationFactory(event=event, status="waitlisted", waitlist_position=1)
    response = api_client_for(organiser).get(f"/api/v1/events/{event.pk}/registrations/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(r["status"], r["waitlist_position"], r["attended"]) for r in body["results"]] == [
        ("confirmed", None, True),
        ("waitlisted", 1, None),
    ]
    waiting = api_client_for(organiser).get(
        f"/api/v1/events/{event.pk}/registrations/?status=waitlisted"
    )
    assert waiting.json()["count"] == 1


def test_an_officer_reads_registrations_but_cannot_check_in(api_client_for, officer):
    registration = RegistrationFactory()
    client = api_client_for(officer)
    url = f"/api/v1/events/{registration.event_id}/registrations/"
    assert client.get(url).status_code == 200
    assert client.post(f"{url}{registration.pk}/check_in/").status_code == 403


def test_check_in_marks_attended_and_records_one_event_interaction(api_client_for, organiser):
    event = EventFactory(
        starts_at=timezone.now() - datetime.timedelta(minutes=10),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
    )
    organisation = OrganisationFactory()
    first = RegistrationFactory(event=event, person__organisation=organisation)
    second = RegistrationFactory(event=event, person__organisation=organisation)
    client = api_client_for(organiser)
    base = f"/api/v1/events/{event.pk}/registrations/"
    response = client.post(f"{base}{first.pk}/check_in/")
    assert response.status_code == 200
    assert response.json()["attended"] is True
    client.post(f"{base}{second.pk}/check_in/")
    client.post(f"{base}{second.pk}/check_in/")  # a double tap changes nothing
    interactions = Interaction.objects.filter(event=event)
    assert interactions.count() == 1
    interaction = interactions.get()
    assert interaction.kind == "event"
    assert list(interaction.organisations.all()) == [organisation]
    assert set(interaction.people.all()) == {first.person, second.person}


def test_checking_in_a_waitlisted_registration_is_400(api_client_for, organiser):
    registration = RegistrationFactory(status="waitlisted", waitlist_position=1)
    response = api_client_for(organiser).post(
        f"/api/v1/events/{registration.event_id}/registrations/{registration.pk}/check_in/"
    )
    assert response.status_code == 400
    assert registration.event.registrations.get().attended is None


def test_staff_cancel_promotes_from_the_waitlist(api_client_for, organiser):
    event = EventFactory(capacity=1)
    booked = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status="waitlisted", waitlist_position=1)
    response = api_client_for(organiser).post(
        f"/api/v1/events/{event.pk}/registrations/{booked.pk}/cancel/"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_a_registration_of_another_event_is_404(api_client_for, organiser):
    registration = RegistrationFactory()
    other = EventFactory()
    response = api_client_for(organiser).post(
        f"/api/v1/events/{other.pk}/registrations/{registration.pk}/cancel/"
    )
    assert response.status_code == 404


def test_publish_and_cancel_actions(api_client_for, organiser):
    event = EventFactory(status="draft")
    client = api_client_for(organiser)
    assert client.post(f"/api/v1/events/{event.pk}/publish/").json()["status"] == "published"
    assert client.post(f"/api/v1/events/{event.pk}/cancel/").json()["status"] == "cancelled"
    assert client.post(f"/api/v1/events/{event.pk}/publish/").status_code == 400


def test_raising_the_capacity_promotes_from_the_waitlist(api_client_for, organiser):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status="waitlisted", waitlist_position=1)
    later = RegistrationFactory(event=event, status="waitlisted", waitlist_position=2)
    response = api_client_for(organiser).patch(
        f"/api/v1/events/{event.pk}/", {"capacity": 2}, format="json"
    )
    assert response.status_code == 200, response.content
    waiting.refresh_from_db()
    later.refresh_from_db()
    assert (waiting.status, later.status, later.waitlist_position) == ("confirmed", "waitlisted", 1)


def _queries(client, url):
    client.get(url)  # warm up: the user's roles are read once and cached
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_event_list_queries_do_not_grow_with_the_page(api_client_for, organiser):
    client = api_client_for(organiser)
    for _ in range(6):
        event = EventFactory(hosted_by=OrganisationFactory())
        RegistrationFactory(event=event)
    assert _queries(client, "/api/v1/events/?page_size=1") == _queries(
        client, "/api/v1/events/?page_size=50"
    )


def test_registration_list_queries_do_not_grow_with_the_page(api_client_for, organiser):
    client = api_client_for(organiser)
    event = EventFactory(capacity=50)
    for _ in range(6):
        RegistrationFactory(event=event)
    url = f"/api/v1/events/{event.pk}/registrations/"
    assert _queries(client, url + "?page_size=1") == _queries(client, url + "?page_size=50")


def test_an_event_can_be_deleted_only_by_an_admin(api_client_for, organiser, admin_user):
    event = EventFactory()
    assert api_client_for(organiser).delete(f"/api/v1/events/{event.pk}/").status_code == 403
    assert api_client_for(admin_user).delete(f"/api/v1/events/{event.pk}/").status_code == 204
    assert not Event.objects.exists()


def test_the_public_cannot_cancel_once_the_event_has_started(public, api_client_for, organiser):
    event = EventFactory(
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
    )
    registration = RegistrationFactory(event=event)
    response = public.post(f"/api/v1/public/registrations/{registration.cancel_token}/cancel/")
    assert response.status_code == 400
    assert "already started" in response.json()["detail"]
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    staff = api_client_for(organiser).post(
        f"/api/v1/events/{event.pk}/registrations/{registration.pk}/cancel/"
    )
    assert staff.json()["status"] == "cancelled"
