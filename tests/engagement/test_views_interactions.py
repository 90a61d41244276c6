"""The officer's home page: open actions overdue first, key accounts by days since
last contact (flagged at 90 and 180 days), recent 1-2-1s and upcoming events."""

import datetime

import pytest
from django.utils import timezone

from engagement import selectors
from engagement.models import Event
from tests.factories import OrganisationFactory
from tests.factories_capture import (
    ActionFactory,
    InteractionFactory,
    taxonomy,  # noqa: F401  (fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]

TODAY = timezone.localdate()


def days_ago(days):
    return TODAY - datetime.timedelta(days=days)


def test_open_actions_come_overdue_first_then_by_due_date_then_undated(officer):
    later = ActionFactory(assignee=officer, due_on=TODAY + datetime.timedelta(days=10))
    undated = ActionFactory(assignee=officer, due_on=None)
    overdue = ActionFactory(assignee=officer, due_on=days_ago(3))
    ActionFactory(assignee=officer, due_on=days_ago(5), status="done", completed_at=timezone.now())
    ActionFactory(due_on=days_ago(9))  # someone else's
    assert selectors.actions_open_for(user=officer) == [overdue, later, undated]


def test_key_accounts_are_flagged_at_90_and_180_days(officer):
    fresh = OrganisationFactory(name="Fresh", key_account=True, account_manager=officer)
    amber = OrganisationFactory(name="Amber", key_account=True, account_manager=officer)
    red = OrganisationFactory(name="Red", key_account=True, account_manager=officer)
    OrganisationFactory(name="Never", key_account=True, account_manager=officer)
    OrganisationFactory(name="Not key", key_account=False, account_manager=officer)
    InteractionFactory(organisations=[fresh], occurred_on=days_ago(89))
    InteractionFactory(organisations=[amber], occurred_on=days_ago(90))
    InteractionFactory(organisations=[amber], occurred_on=days_ago(150))
    InteractionFactory(organisations=[red], occurred_on=days_ago(180), confidential=True)
    rows = selectors.key_accounts_for(user=officer, today=TODAY)
    summary = [(row["organisation"].name, row["days"], row["flag"]) for row in rows]
    assert summary == [
        ("Never", None, "overdue"),
        ("Red", 180, "overdue"),
        ("Amber", 90, "warning"),
        ("Fresh", 89, ""),
    ]


def test_the_home_page_shows_the_officers_work(client_for, officer):
    organisation = OrganisationFactory(
        name="Blackbird Leys Bakery", key_account=True, account_manager=officer
    )
    InteractionFactory(
        officer=officer,
        organisations=[organisation],
        title="Ovens and energy",
        occurred_on=days_ago(100),
    )
    ActionFactory(
        assignee=officer,
        organisation=organisation,
        description="Send energy grant",
        due_on=days_ago(1),
    )
    Event.objects.create(
        title="Skills breakfast",
        slug="skills-breakfast",
        starts_at=timezone.now() + datetime.timedelta(days=7),
        ends_at=timezone.now() + datetime.timedelta(days=7, hours=2),
        capacity=30,
        status="published",
    )
    Event.objects.create(
        title="Secret draft",
        slug="draft",
        starts_at=timezone.now() + datetime.timedelta(days=7),
        ends_at=timezone.now() + datetime.timedelta(days=7, hours=2),
        capacity=30,
    )
    html = client_for(officer).get("/").content.decode()
    assert "Send energy grant" in html and "Overdue" in html
    assert "Blackbird Leys Bakery" in html and "Over 90 days" in html and ">100<" in html
    assert "Ovens and energy" in html
    assert "Skills breakfast" in html and "Secret draft" not in html


def test_an_officer_marks_an_action_done_from_home(client_for, officer):
    action = ActionFactory(assignee=officer, due_on=days_ago(2))
    response = client_for(officer).post(
        f"/actions/{action.pk}/status/", {"status": "done", "next": "/#actions"}
    )
    assert response.status_code == 302 and response["Location"] == "/#actions"
    action.refresh_from_db()
    assert action.status == "done" and action.completed_at is not None
    assert "Send the grant" not in client_for(officer).get("/").content.decode()


def test_the_action_redirect_never_leaves_the_site(client_for, officer):
    action = ActionFactory(assignee=officer)
    response = client_for(officer).post(
        f"/actions/{action.pk}/status/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


@pytest.mark.parametrize("role, target", [("organiser", "/events/"), ("growth_group", "/reports/")])
def test_other_roles_are_sent_to_their_own_start_page(client_for, users, role, target):
    response = client_for(users[role]).get("/")
    assert response.status_code == 302 and response["Location"] == target
