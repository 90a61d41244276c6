"""The Django admin for events, registrations, interactions and actions: every page opens for
an admin, nobody else gets in, foreign keys are searched rather than listed, and saves go
through the services so they keep the rules of SPEC §1 and §2."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from engagement.models import Event, Registration
from tests.factories import OrganisationFactory, UserFactory
from tests.factories_capture import (
    ActionFactory,
    InsightFactory,
    InteractionFactory,
    taxonomy,  # noqa: F401 - fixture
)
from tests.factories_events import (
    EventFactory,
    RegistrationFactory,
    eager_tasks,  # noqa: F401 - fixture
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


@pytest.fixture
def event(admin_user):
    event = EventFactory(
        title="Growth breakfast at the Town Hall",
        capacity=1,
        organiser=admin_user,
        hosted_by=OrganisationFactory(),
    )
    RegistrationFactory(event=event, requirements="Step-free access")
    RegistrationFactory(event=event, status="waitlisted", waitlist_position=1)
    return event


def admin_pages(event):
    registration = event.registrations.order_by("id").first()
    return [
        "/admin/engagement/event/",
        "/admin/engagement/event/?q=breakfast",
        "/admin/engagement/event/add/",
        f"/admin/engagement/event/{event.pk}/change/",
        "/admin/engagement/registration/",
        f"/admin/engagement/registration/?event__id__exact={event.pk}",
        "/admin/engagement/registration/?q=breakfast",
        f"/admin/engagement/registration/{registration.pk}/change/",
    ]


def test_every_event_and_registration_admin_page_opens_for_an_admin(client_for, admin_user, event):
    client = client_for(admin_user)
    for url in admin_pages(event):
        response = client.get(url)
        assert response.status_code == 200, url
    listed = client.get(f"/admin/engagement/registration/?event__id__exact={event.pk}")
    assert listed.context["cl"].result_count == 2
    change = client.get(f"/admin/engagement/event/{event.pk}/change/").content.decode()
    assert f"?event__id__exact={event.pk}" in change  # the event links to its registrations
    assert "1 confirmed, 1 waitlisted" in change


def test_officers_and_organisers_without_staff_status_cannot_open_it(
    client_for, officer, organiser, event
):
    for user in (officer, organiser):
        for url in admin_pages(event):
            response = client_for(user).get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith("/admin/login/"), url


def test_foreign_keys_are_searched_not_listed_in_a_dropdown(client_for, admin_user, event):
    OrganisationFactory(name="Not Hosting Anything Ltd")
    UserFactory(username="not-the-organiser")
    html = client_for(admin_user).get(f"/admin/engagement/event/{event.pk}/change/").content
    assert html.count(b"admin-autocomplete") >= 2  # organiser and hosted_by
    assert event.hosted_by.name.encode() in html  # the current choice is shown...
    assert b"Not Hosting Anything Ltd" not in html  # ...but not every organisation
    assert b"not-the-organiser" not in html


def test_registrations_are_read_only_and_their_cancel_token_is_not_shown(
    client_for, admin_user, event
):
    registration = event.registrations.get(status="confirmed")
    client = client_for(admin_user)
    page = client.get(f"/admin/engagement/registration/{registration.pk}/change/")
    assert page.status_code == 200
    assert "Step-free access" in page.content.decode()
    assert registration.cancel_token not in page.content.decode()
    posted = client.post(
        f"/admin/engagement/registration/{registration.pk}/change/", {"status": "cancelled"}
    )
    assert posted.status_code == 403
    assert client.get("/admin/engagement/registration/add/").status_code == 403
    assert Registration.objects.get(pk=registration.pk).status == registration.status


def test_staff_in_the_growth_group_see_no_events_or_registrations(client_for, event):
    member = UserFactory(role="growth_group", is_staff=True)
    member.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_event", "view_registration"])
    )
    client = client_for(member)
    events = client.get("/admin/engagement/event/")
    registrations = client.get("/admin/engagement/registration/")
    assert events.status_code == registrations.status_code == 200
    assert events.context["cl"].result_count == 0
    assert registrations.context["cl"].result_count == 0
    registration = event.registrations.first()
    assert registration.email not in registrations.content.decode()
    hidden = client.get(f"/admin/engagement/registration/{registration.pk}/change/")
    assert hidden.status_code == 302  # "doesn't exist", back to the list


def _event_form(event, **changes):
    local = timezone.localtime
    data = {
        "title": event.title,
        "slug": event.slug,
        "kind": event.kind,
        "status": event.status,
        "description": event.description,
        "organiser": event.organiser_id or "",
        "hosted_by": event.hosted_by_id or "",
        "starts_at_0": local(event.starts_at).strftime("%Y-%m-%d"),
        "starts_at_1": local(event.starts_at).strftime("%H:%M:%S"),
        "ends_at_0": local(event.ends_at).strftime("%Y-%m-%d"),
        "ends_at_1": local(event.ends_at).strftime("%H:%M:%S"),
        "venue_name": event.venue_name,
        "venue_address": event.venue_address,
        "online_url": event.online_url,
        "accessibility_info": event.accessibility_info,
        "capacity": event.capacity,
        "waitlist_enabled": "on" if event.waitlist_enabled else "",
        "registration_opens_at_0": "",
        "registration_opens_at_1": "",
        "registration_closes_at_0": "",
        "registration_closes_at_1": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not False}


def test_raising_the_capacity_in_the_admin_promotes_from_the_waitlist(
    client_for, admin_user, event, django_capture_on_commit_callbacks
):
    waiting = event.registrations.get(status="waitlisted")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin_user).post(
            f"/admin/engagement/event/{event.pk}/change/", _event_form(event, capacity=2)
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    waiting.refresh_from_db()
    assert (waiting.status, waiting.waitlist_position) == ("confirmed", None)


def test_the_admin_adds_an_event_through_the_service(client_for, admin_user):
    starts = timezone.now() + datetime.timedelta(days=30)
    template = Event(
        title="Supply chain roundtable",
        slug="supply-chain-roundtable",
        kind="roundtable",
        status="draft",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        capacity=12,
        waitlist_enabled=True,
    )
    response = client_for(admin_user).post("/admin/engagement/event/add/", _event_form(template))
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Event.objects.get(slug="supply-chain-roundtable")
    assert made.organiser == admin_user  # the service's default: whoever created it


def test_a_cancelled_event_cannot_be_reopened_in_the_admin(client_for, admin_user, event):
    Event.objects.filter(pk=event.pk).update(status="cancelled")
    event.refresh_from_db()
    response = client_for(admin_user).post(
        f"/admin/engagement/event/{event.pk}/change/", _event_form(event, status="published")
    )
    assert response.status_code == 200
    assert "A cancelled event cannot be reopened" in response.content.decode()
    event.refresh_from_db()
    assert event.status == "cancelled"


def _interaction_form(interaction, **changes):
    data = {
        "kind": interaction.kind,
        "occurred_on": interaction.occurred_on.isoformat(),
        "title": interaction.title,
        "notes": interaction.notes,
        "officer": str(interaction.officer_id),
        "organisations": ",".join(str(o.pk) for o in interaction.organisations.all()),
        "people": "",
        "participation_level": interaction.participation_level,
        "event": "",
    }
    insights = list(interaction.insights.order_by("id"))
    data.update(
        {
            "insights-TOTAL_FORMS": str(len(insights)),
            "insights-INITIAL_FORMS": str(len(insights)),
            "insights-MIN_NUM_FORMS": "0",
            "insights-MAX_NUM_FORMS": "1000",
        }
    )
    for index, insight in enumerate(insights):
        data[f"insights-{index}-id"] = str(insight.pk)
        data[f"insights-{index}-interaction"] = str(interaction.pk)
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


@pytest.mark.usefixtures("taxonomy")
def test_marking_an_interaction_confidential_in_the_admin_makes_its_insights_confidential(
    client_for, admin_user
):
    interaction = InteractionFactory()
    named = InsightFactory(interaction=interaction, attribution="named")
    page = client_for(admin_user).get(f"/admin/engagement/interaction/{interaction.pk}/change/")
    assert named.statement[:20] in page.content.decode()  # insights' inline is on the page
    response = client_for(admin_user).post(
        f"/admin/engagement/interaction/{interaction.pk}/change/",
        _interaction_form(interaction, confidential="on"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    interaction.refresh_from_db()
    named.refresh_from_db()
    assert (interaction.confidential, named.confidential) == (True, True)


def test_the_interaction_admin_refuses_what_the_service_refuses(client_for, admin_user):
    interaction = InteractionFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(admin_user).post(
        f"/admin/engagement/interaction/{interaction.pk}/change/",
        _interaction_form(interaction, occurred_on=tomorrow.isoformat()),
    )
    assert response.status_code == 200
    assert "The date of the interaction must be today or in the past" in response.content.decode()
    interaction.refresh_from_db()
    assert interaction.occurred_on != tomorrow


def test_marking_an_action_done_in_the_admin_goes_through_the_service(client_for, admin_user):
    action = ActionFactory()
    data = {
        "organisation": str(action.organisation_id),
        "interaction": "",
        "description": action.description,
        "assignee": str(action.assignee_id),
        "due_on": "",
        "status": "done",
        "created_by": str(action.created_by_id),
    }
    url = f"/admin/engagement/action/{action.pk}/change/"
    response = client_for(admin_user).post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    action.refresh_from_db()
    assert action.status == "done" and action.completed_at is not None
    response = client_for(admin_user).post(url, {**data, "status": "open"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.completed_at) == ("open", None)
