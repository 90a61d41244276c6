"""Organiser pages under /events/ and the public pages /e/<slug>/ and /cancel/<token>/."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from engagement.models import Event, Interaction, Registration
from tests.factories import OrganisationFactory
from tests.factories_events import (
    EventFactory,
    RegistrationFactory,
    eager_tasks,  # noqa: F401 - fixture
    in_days,
    sign_up_data,
)

pytestmark = pytest.mark.django_db


def form_data(n=0, **overrides):
    data = sign_up_data(n, **overrides)
    if not data.get("marketing_consent"):
        data.pop("marketing_consent")
    return {k: v for k, v in data.items() if v is not None}


# --- Public -----------------------------------------------------------------------------------


def test_the_public_event_page_shows_the_event_and_the_form(client):
    event = EventFactory(title="Skills breakfast", capacity=3)
    response = client.get(f"/e/{event.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Skills breakfast" in html
    assert "3 places left" in html
    assert 'name="email"' in html
    assert "Step-free access" in html


def test_a_draft_event_page_is_404(client):
    assert client.get(f"/e/{EventFactory(status='draft').slug}/").status_code == 404
    assert client.get("/e/no-such-event/").status_code == 404


def test_signing_up_on_the_form_redirects_to_the_confirmation(client):
    event = EventFactory(capacity=1)
    response = client.post(f"/e/{event.slug}/", form_data(1))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Your place is confirmed" in page.content.decode()
    waiting = client.post(f"/e/{event.slug}/", form_data(2), follow=True)
    html = waiting.content.decode()
    assert "You are on the waiting list" in html
    assert "Your position is <strong>1</strong>" in html


@pytest.mark.usefixtures("eager_tasks")
def test_signing_up_again_shows_a_neutral_page_and_re_sends_the_email(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/e/{event.slug}/", form_data(1, first_name="Zebedee"))
    registration = Registration.objects.get()
    # Someone else who knows only the email address:
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            f"/e/{event.slug}/", form_data(1, first_name="Mallory", email="ADA1@engines.example")
        )
    assert response.status_code == 200  # an answer, not a redirect to a page with the token
    html = response.content.decode()
    assert "You are already registered" in html
    assert "we have sent your confirmation again" in html
    assert registration.cancel_token not in html
    assert registration.cancel_token not in str(response.headers)
    assert "Zebedee" not in html
    assert "Your place is confirmed" not in html
    assert Registration.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["ada1@engines.example"]] * 2
    assert registration.cancel_token in mail.outbox[1].body


def test_the_confirmation_page_of_an_event_back_in_draft_is_404(client):
    registration = RegistrationFactory()
    url = f"/e/{registration.event.slug}/registered/{registration.cancel_token}/"
    assert client.get(url).status_code == 200
    Event.objects.filter(pk=registration.event_id).update(status="draft")
    assert client.get(url).status_code == 404


def test_the_form_with_errors_says_what_to_fix(client):
    event = EventFactory()
    response = client.post(f"/e/{event.slug}/", form_data(email="nope", first_name=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_email"' in html
    assert "Enter your first name" in html
    assert not Registration.objects.exists()


def test_a_full_event_without_waitlist_says_so(client):
    event = EventFactory(capacity=1, waitlist_enabled=False)
    RegistrationFactory(event=event)
    page = client.get(f"/e/{event.slug}/").content.decode()
    assert "This event is full." in page
    response = client.post(f"/e/{event.slug}/", form_data(3))
    assert response.status_code == 409
    assert "Sorry, this event is full" in response.content.decode()


def test_a_closed_or_cancelled_event_page_says_why(client):
    closed = EventFactory(registration_closes_at=timezone.now() - datetime.timedelta(hours=1))
    cancelled = EventFactory(status="cancelled")
    assert (
        "Registration for this event has closed."
        in client.get(f"/e/{closed.slug}/").content.decode()
    )
    assert "This event has been cancelled" in client.get(f"/e/{cancelled.slug}/").content.decode()
    response = client.post(f"/e/{closed.slug}/", form_data())
    assert response.status_code == 400


def test_the_honeypot_refuses_bots(client):
    event = EventFactory()
    response = client.post(f"/e/{event.slug}/", form_data(website="buy now"))
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_the_form_is_rate_limited(client, settings):
    settings.SIGNUP_RATE_LIMIT = "2/m"
    event = EventFactory(capacity=10)
    codes = [client.post(f"/e/{event.slug}/", form_data(n)).status_code for n in range(3)]
    assert codes == [302, 302, 429]
    assert Registration.objects.count() == 2


@pytest.mark.usefixtures("eager_tasks")
def test_the_cancel_page_cancels_after_confirming(client, django_capture_on_commit_callbacks):
    registration = RegistrationFactory()
    page = client.get(f"/cancel/{registration.cancel_token}/")
    assert page.status_code == 200
    assert "Cancel my place" in page.content.decode()
    registration.refresh_from_db()
    assert registration.status == "confirmed"  # GET changes nothing (link previews)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/cancel/{registration.cancel_token}/")
    assert "Registration cancelled" in done.content.decode()
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert mail.outbox[0].subject.startswith("Your place is cancelled")
    again = client.get(f"/cancel/{registration.cancel_token}/")
    assert "already cancelled" in again.content.decode()


def test_the_cancel_page_names_nobody(client):
    # Signing up with the email of someone already held makes a registration linked to
    # their record: the page its link opens must not show their name to whoever signed up.
    registration = RegistrationFactory(person__first_name="Philippa", person__last_name="Quist")
    html = client.get(f"/cancel/{registration.cancel_token}/").content.decode()
    assert "Philippa" not in html and "Quist" not in html
    assert "Cancel my place" in html


def test_an_unknown_cancel_link_is_404(client):
    assert client.get("/cancel/not-a-token/").status_code == 404


def test_the_confirmation_page_needs_the_matching_event(client):
    registration = RegistrationFactory()
    other = EventFactory()
    url = f"/e/{other.slug}/registered/{registration.cancel_token}/"
    assert client.get(url).status_code == 404


# --- Organisers ------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get("/events/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_growth_group_cannot_see_events_or_registrations(client_for, growth_member):
    event = EventFactory()
    client = client_for(growth_member)
    for url in (
        "/events/",
        f"/events/{event.pk}/registrations/",
        f"/events/{event.pk}/check-in/",
        f"/events/{event.pk}/attendees.csv",
    ):
        assert client.get(url).status_code == 403, url


def test_the_list_shows_upcoming_events_with_time_of_day(client_for, organiser):
    EventFactory(title="Morning briefing", starts_at=in_days(3, hour=8))
    EventFactory(title="Evening mixer", starts_at=in_days(4, hour=18), kind="networking")
    EventFactory(
        title="Last year's conference",
        starts_at=in_days(-300, hour=10),
    )
    html = client_for(organiser).get("/events/").content.decode()
    assert "Morning briefing" in html and "Evening mixer" in html
    assert "Last year" not in html
    assert "Breakfast</strong>" in html and "Evening</strong>" in html


def test_past_events_show_attendance_and_no_shows(client_for, organiser):
    event = EventFactory(title="Done and dusted", starts_at=in_days(-10, hour=12))
    RegistrationFactory(event=event, attended=True)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event)
    html = client_for(organiser).get("/events/?when=past").content.decode()
    assert "Done and dusted" in html
    assert "No-shows" in html
    listed = client_for(organiser).get("/events/?when=past").context["page"].object_list
    assert [(e.attended_count, e.no_show_count) for e in listed] == [(1, 2)]


def test_the_calendar_shows_the_month_with_times(client_for, organiser):
    start = in_days(2, hour=18)
    EventFactory(title="Tech evening", starts_at=start)
    response = client_for(organiser).get(f"/events/calendar/?month={start:%Y-%m}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tech evening" in html
    assert f"{start:%H:%M} Tech evening" in html
    assert client_for(organiser).get("/events/calendar/?month=garbage").status_code == 200
    assert client_for(organiser).get("/events/calendar/?month=0-13").status_code == 200


def test_list_query_count_does_not_grow_with_events(
    client_for, organiser, django_assert_max_num_queries
):
    client = client_for(organiser)
    EventFactory()
    client.get("/events/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/events/")
    for _ in range(10):
        RegistrationFactory(event=EventFactory())
    with CaptureQueriesContext(connection) as many:
        client.get("/events/")
    assert len(many) == len(few)


def test_an_organiser_creates_and_publishes_an_event(client_for, organiser):
    start = in_days(20, hour=18)
    response = client_for(organiser).post(
        "/events/new/",
        {
            "title": "Supply chain evening",
            "kind": "networking",
            "description": "Meet local buyers.",
            "starts_at": f"{start:%Y-%m-%dT%H:%M}",
            "ends_at": f"{start + datetime.timedelta(hours=2):%Y-%m-%dT%H:%M}",
            "venue_name": "Guildhall",
            "capacity": "60",
            "waitlist_enabled": "on",
            "publish": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get()
    assert (event.status, event.slug, event.capacity) == ("published", "supply-chain-evening", 60)
    assert event.time_of_day == "evening"
    assert event.organiser == organiser


def test_the_create_form_shows_errors(client_for, organiser):
    start = in_days(5)
    response = client_for(organiser).post(
        "/events/new/",
        {
            "title": "",
            "kind": "workshop",
            "starts_at": f"{start:%Y-%m-%dT%H:%M}",
            "ends_at": f"{start - datetime.timedelta(hours=1):%Y-%m-%dT%H:%M}",
            "capacity": "0",
            "host": "Nobody We Know",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    for message in ("Enter a title", "The event must end after it starts", "at least 1 place"):
        assert message in html
    assert "No organisation has this name" in html
    assert not Event.objects.exists()


def test_an_officer_reads_but_cannot_create(client_for, officer):
    client = client_for(officer)
    assert client.get("/events/").status_code == 200
    assert client.get("/events/new/").status_code == 403


def test_edit_keeps_values_and_saves(client_for, organiser):
    event = EventFactory(capacity=5)
    client = client_for(organiser)
    page = client.get(f"/events/{event.pk}/edit/").content.decode()
    assert f'value="{timezone.localtime(event.starts_at):%Y-%m-%dT%H:%M}"' in page
    data = {
        "title": "Renamed",
        "kind": event.kind,
        "starts_at": f"{timezone.localtime(event.starts_at):%Y-%m-%dT%H:%M}",
        "ends_at": f"{timezone.localtime(event.ends_at):%Y-%m-%dT%H:%M}",
        "capacity": "7",
        "waitlist_enabled": "on",
    }
    assert client.post(f"/events/{event.pk}/edit/", data).status_code == 302
    event.refresh_from_db()
    assert (event.title, event.capacity) == ("Renamed", 7)


def test_the_event_page_shows_counts_and_links(client_for, organiser):
    with_organiser = EventFactory(
        organiser=organiser, hosted_by=OrganisationFactory(name="Host Co")
    )
    without = EventFactory(organiser=None, status="draft")
    RegistrationFactory(event=with_organiser)
    client = client_for(organiser)
    html = client.get(f"/events/{with_organiser.pk}/").content.decode()
    assert "Host Co" in html
    assert f"/e/{with_organiser.slug}/" in html
    draft = client.get(f"/events/{without.pk}/")
    assert draft.status_code == 200
    assert "Not public until published" in draft.content.decode()
    assert client.get("/events/999999/").status_code == 404


def test_publish_and_cancel_from_the_pages(client_for, organiser):
    event = EventFactory(status="draft")
    client = client_for(organiser)
    client.post(f"/events/{event.pk}/publish/")
    event.refresh_from_db()
    assert event.status == "published"
    assert "Yes, cancel the event" in client.get(f"/events/{event.pk}/cancel/").content.decode()
    client.post(f"/events/{event.pk}/cancel/")
    event.refresh_from_db()
    assert event.status == "cancelled"


def test_the_registrations_page_lists_booked_and_waiting(client_for, organiser):
    event = EventFactory(capacity=1)
    booked = RegistrationFactory(event=event, requirements="Vegetarian")
    waiting = RegistrationFactory(event=event, status="waitlisted", waitlist_position=1)
    html = client_for(organiser).get(f"/events/{event.pk}/registrations/").content.decode()
    # Names as the page escapes them: "O'Brien" is "O&#x27;Brien" in the HTML.
    assert escape(str(booked.person)) in html and "Vegetarian" in html
    assert escape(str(waiting.person)) in html
    assert "Waiting list (1)" in html


def test_manual_cancel_promotes(client_for, organiser):
    event = EventFactory(capacity=1)
    booked = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status="waitlisted", waitlist_position=1)
    client = client_for(organiser)
    url = f"/events/{event.pk}/registrations/{booked.pk}/cancel/"
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_check_in_without_javascript(client_for, organiser):
    event = EventFactory(starts_at=in_days(0, hour=0))
    ada = RegistrationFactory(event=event, person__first_name="Ada", person__last_name="Byron")
    RegistrationFactory(event=event, person__first_name="Charles", person__last_name="Babbage")
    client = client_for(organiser)
    found = client.get(f"/events/{event.pk}/check-in/?q=byr")
    assert [r.pk for r in found.context["people"]] == [ada.pk]
    response = client.post(f"/events/{event.pk}/check-in/", {"registration": ada.pk, "q": "byr"})
    assert response.status_code == 302
    assert response["Location"].endswith("?q=byr")
    ada.refresh_from_db()
    assert ada.attended is True
    assert Interaction.objects.filter(event=event, kind="event").count() == 1


def test_check_in_with_htmx_returns_the_row(client_for, organiser):
    event = EventFactory(starts_at=in_days(0, hour=0))
    registration = RegistrationFactory(event=event)
    response = client_for(organiser).post(
        f"/events/{event.pk}/check-in/", {"registration": registration.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Checked in" in html
    assert "<html" not in html
    assert 'id="check-in-count" aria-live="polite" hx-swap-oob="true">1 of 1 checked in' in html


def test_check_in_of_a_bad_id_is_404_not_500(client_for, organiser):
    event = EventFactory()
    client = client_for(organiser)
    assert client.post(f"/events/{event.pk}/check-in/", {"registration": "x"}).status_code == 404
    assert client.post(f"/events/{event.pk}/check-in/", {}).status_code == 404


def test_the_attendee_csv_export(client_for, organiser):
    event = EventFactory()
    RegistrationFactory(event=event, person__first_name="=cmd", requirements="Wheelchair")
    response = client_for(organiser).get(f"/events/{event.pk}/attendees.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert rows[0]["first_name"] == "'=cmd"  # defused for spreadsheets
    assert rows[0]["requirements"] == "Wheelchair"
    assert rows[0]["status"] == "confirmed"


def test_registrations_appear_on_the_organisation_timeline(officer, growth_member):
    from contacts import timeline

    registration = RegistrationFactory()
    entries, _ = timeline.page(organisation=registration.organisation, user=officer, before=None)
    assert any(e.kind == "registration" and e.key == registration.pk for e in entries)
    hidden, _ = timeline.page(
        organisation=registration.organisation, user=growth_member, before=None
    )
    assert not any(e.kind == "registration" for e in hidden)


def test_a_mistaken_check_in_can_be_undone(client_for, organiser):
    event = EventFactory(starts_at=in_days(0, hour=0))
    registration = RegistrationFactory(event=event)
    client = client_for(organiser)
    url = f"/events/{event.pk}/check-in/"
    client.post(url, {"registration": registration.pk})
    assert Interaction.objects.filter(event=event).count() == 1
    response = client.post(url, {"registration": registration.pk, "undo": "1"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.attended is None
    assert not Interaction.objects.filter(event=event).exists()


def test_undoing_one_check_in_keeps_the_interaction_of_colleagues(client_for, organiser):
    event = EventFactory(starts_at=in_days(0, hour=0))
    first = RegistrationFactory(event=event)
    colleague = RegistrationFactory(event=event, person__organisation=first.organisation)
    client = client_for(organiser)
    url = f"/events/{event.pk}/check-in/"
    for registration in (first, colleague):
        client.post(url, {"registration": registration.pk})
    client.post(url, {"registration": first.pk, "undo": "1"})
    interaction = Interaction.objects.get(event=event)
    assert list(interaction.people.all()) == [colleague.person]


@pytest.mark.parametrize("page", ["registrations/", "check-in/", "attendees.csv"])
def test_registration_pages_make_the_same_queries_for_1_or_50_people(client_for, organiser, page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(organiser)
    event = EventFactory(capacity=100)
    RegistrationFactory(event=event)
    url = f"/events/{event.pk}/{page}"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(49):
        RegistrationFactory(event=event)
    with CaptureQueriesContext(connection) as fifty:
        client.get(url)
    assert len(fifty) == len(one)


def test_the_confirmation_and_cancel_pages_are_not_cached(client):
    registration = RegistrationFactory()
    for url in (
        f"/e/{registration.event.slug}/registered/{registration.cancel_token}/",
        f"/cancel/{registration.cancel_token}/",
    ):
        assert "no-store" in client.get(url)["Cache-Control"]


def test_bad_ids_and_query_strings_never_give_a_500(client_for, api_client_for, organiser):
    event = EventFactory()
    client, api = client_for(organiser), api_client_for(organiser)
    huge = "9" * 25
    assert client.get(f"/events/{huge}/").status_code == 404
    assert client.post(f"/events/{event.pk}/check-in/", {"registration": huge}).status_code == 404
    assert api.get(f"/api/v1/events/{huge}/registrations/").status_code == 404
    assert api.post(f"/api/v1/events/{event.pk}/registrations/{huge}/check_in/").status_code == 404
    assert api.get("/api/v1/events/?starts_after=not-a-date").status_code == 400
    assert client.get("/events/?kind=nope&status=zzz&page=abc").status_code == 200
    assert client.get(f"/events/{event.pk}/check-in/?q={'x' * 5000}").status_code == 200


def test_the_timeline_pages_registrations_by_event_date(officer):
    from contacts import timeline

    organisation = OrganisationFactory()
    made = [
        RegistrationFactory(
            event=EventFactory(starts_at=in_days(-days)), person__organisation=organisation
        )
        for days in (30, 20, 10)
    ]
    first, cursor = timeline.page(organisation=organisation, user=officer, before=None, size=2)
    assert [e.key for e in first] == [made[2].pk, made[1].pk]
    assert cursor is not None
    rest, end = timeline.page(organisation=organisation, user=officer, before=cursor, size=2)
    assert [e.key for e in rest if e.kind == "registration"] == [made[0].pk]
    assert end is None


def test_the_cancel_page_after_the_start_says_it_is_too_late(client):
    event = EventFactory(
        starts_at=timezone.now() - datetime.timedelta(minutes=5),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
    )
    registration = RegistrationFactory(event=event)
    page = client.get(f"/cancel/{registration.cancel_token}/").content.decode()
    assert "This event has already started" in page
    assert "Cancel my place" not in page
    response = client.post(f"/cancel/{registration.cancel_token}/")
    assert response.status_code == 400
    registration.refresh_from_db()
    assert registration.status == "confirmed"
