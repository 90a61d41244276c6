"""SPEC §1: confidential interactions and insights are visible only to their author, the
organisation's account manager and admins: in lists, detail, search, the timeline and the
admin. Organisers and the growth group see none of it (403)."""

import pytest
from django.test import RequestFactory

from contacts import timeline
from engagement.admin import ActionAdmin, InteractionAdmin
from engagement.models import Action, Interaction
from insights.admin import InsightAdmin
from insights.models import Insight
from tests.factories import OrganisationFactory, UserFactory
from tests.factories_capture import (
    ActionFactory,
    InsightFactory,
    InteractionFactory,
    taxonomy,  # noqa: F401  (fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]

SEES_ALL = {"author": True, "manager": True, "other_officer": False, "admin": True}


@pytest.fixture
def world(db):
    author = UserFactory(role="officer", username="author")
    manager = UserFactory(role="officer", username="manager")
    other = UserFactory(role="officer", username="other-officer")
    admin = UserFactory(role="admin", username="boss")
    organisation = OrganisationFactory(name="Secretive Widgets", account_manager=manager)
    secret = InteractionFactory(
        officer=author, organisations=[organisation], confidential=True, title="Takeover talks"
    )
    secret_insight = InsightFactory(
        organisation=organisation,
        interaction=secret,
        created_by=author,
        statement="Planning to relocate abroad",
        attribution="named",
    )
    secret_action = ActionFactory(
        organisation=organisation,
        interaction=secret,
        assignee=author,
        created_by=author,
        description="Confidential follow-up on relocation",
    )
    public = InteractionFactory(officer=author, organisations=[organisation], title="Open chat")
    private_insight = InsightFactory(
        organisation=organisation,
        interaction=public,
        created_by=author,
        statement="Margins are collapsing",
        attribution="confidential",
    )
    open_insight = InsightFactory(
        organisation=organisation, interaction=public, created_by=author, statement="Hiring"
    )
    return {
        "users": {"author": author, "manager": manager, "other_officer": other, "admin": admin},
        "organisation": organisation,
        "secret": secret,
        "secret_insight": secret_insight,
        "secret_action": secret_action,
        "public": public,
        "private_insight": private_insight,
        "open_insight": open_insight,
    }


@pytest.mark.parametrize("who", SEES_ALL)
def test_api_lists_and_details_follow_the_rule(api_client_for, world, who):
    client = api_client_for(world["users"][who])
    allowed = SEES_ALL[who]
    interactions = {row["id"] for row in client.get("/api/v1/interactions/").json()["results"]}
    assert (world["secret"].pk in interactions) is allowed
    assert world["public"].pk in interactions
    insights = {row["id"] for row in client.get("/api/v1/insights/").json()["results"]}
    assert (world["secret_insight"].pk in insights) is allowed
    assert (world["private_insight"].pk in insights) is allowed
    assert world["open_insight"].pk in insights
    actions = {row["id"] for row in client.get("/api/v1/actions/").json()["results"]}
    assert (world["secret_action"].pk in actions) is allowed
    expected = 200 if allowed else 404
    assert client.get(f"/api/v1/interactions/{world['secret'].pk}/").status_code == expected
    assert client.get(f"/api/v1/insights/{world['secret_insight'].pk}/").status_code == expected
    assert client.get(f"/api/v1/insights/{world['private_insight'].pk}/").status_code == expected
    # An open interaction lists only the insights the reader may see.
    nested = client.get(f"/api/v1/interactions/{world['public'].pk}/").json()["insights"]
    assert (world["private_insight"].pk in {row["id"] for row in nested}) is allowed


@pytest.mark.parametrize("who", SEES_ALL)
def test_pages_follow_the_rule(client_for, world, who):
    client = client_for(world["users"][who])
    allowed = SEES_ALL[who]
    expected = 200 if allowed else 404
    assert client.get(f"/interactions/{world['secret'].pk}/").status_code == expected
    assert client.get(f"/insights/{world['private_insight'].pk}/").status_code == expected
    insight_page = client.get("/insights/").content.decode()
    assert ("Planning to relocate abroad" in insight_page) is allowed
    assert ("Margins are collapsing" in insight_page) is allowed
    assert "Hiring" in insight_page
    # The count by theme counts only what the reader may see: three insights or one.
    counts = client.get("/insights/theme-counts/", HTTP_HX_REQUEST="true").context["theme_counts"]
    assert sum(row["count"] for row in counts) == (3 if allowed else 1)
    listing = client.get("/interactions/").content.decode()
    assert ("Takeover talks" in listing) is allowed
    detail = client.get(f"/interactions/{world['public'].pk}/").content.decode()
    assert ("Margins are collapsing" in detail) is allowed


@pytest.mark.parametrize("who", SEES_ALL)
def test_search_follows_the_rule(api_client_for, client_for, world, who):
    allowed = SEES_ALL[who]
    api = api_client_for(world["users"][who])
    found = api.get("/api/v1/interactions/?q=Takeover").json()["results"]
    assert bool(found) is allowed
    page = client_for(world["users"][who]).get("/interactions/?q=Takeover").content.decode()
    assert ("Takeover talks" in page) is allowed


@pytest.mark.parametrize("who", SEES_ALL)
def test_the_timeline_follows_the_rule(world, who):
    entries, _ = timeline.page(
        organisation=world["organisation"], user=world["users"][who], before=None, size=50
    )
    keys = {(entry.kind, entry.key) for entry in entries}
    allowed = SEES_ALL[who]
    assert (("interaction", world["secret"].pk) in keys) is allowed
    assert (("insight", world["secret_insight"].pk) in keys) is allowed
    assert (("insight", world["private_insight"].pk) in keys) is allowed
    assert (("action", world["secret_action"].pk) in keys) is allowed
    assert ("interaction", world["public"].pk) in keys
    assert ("insight", world["open_insight"].pk) in keys


@pytest.mark.parametrize("who", SEES_ALL)
def test_the_organisation_page_follows_the_rule(client_for, world, who):
    html = (
        client_for(world["users"][who])
        .get(f"/organisations/{world['organisation'].pk}/")
        .content.decode()
    )
    allowed = SEES_ALL[who]
    assert ("Takeover talks" in html) is allowed
    assert ("Margins are collapsing" in html) is allowed
    assert "Open chat" in html


@pytest.mark.parametrize("who", SEES_ALL)
def test_the_admin_querysets_follow_the_rule(world, who):
    from django.contrib.admin.sites import site

    request = RequestFactory().get("/admin/")
    request.user = world["users"][who]
    allowed = SEES_ALL[who]
    interactions = InteractionAdmin(Interaction, site).get_queryset(request)
    insights = InsightAdmin(Insight, site).get_queryset(request)
    actions = ActionAdmin(Action, site).get_queryset(request)
    assert interactions.filter(pk=world["secret"].pk).exists() is allowed
    assert insights.filter(pk=world["private_insight"].pk).exists() is allowed
    assert actions.filter(pk=world["secret_action"].pk).exists() is allowed


def test_the_admin_site_shows_confidential_records_to_admins(client_for, world):
    client = client_for(world["users"]["admin"])
    response = client.get("/admin/engagement/interaction/")
    assert response.status_code == 200
    assert "Takeover talks" in response.content.decode()
    assert client.get("/admin/insights/insight/").status_code == 200
    assert client.get("/admin/insights/theme/").status_code == 200


def test_an_assignee_sees_their_action_from_a_confidential_1_2_1(api_client_for, world):
    helper = UserFactory(role="officer", username="helper")
    action = ActionFactory(
        organisation=world["organisation"], interaction=world["secret"], assignee=helper
    )
    ids = {row["id"] for row in api_client_for(helper).get("/api/v1/actions/").json()["results"]}
    assert action.pk in ids and world["secret_action"].pk not in ids


@pytest.mark.parametrize("role", ["organiser", "growth_group"])
def test_organisers_and_the_growth_group_get_403_on_the_pages(client_for, users, world, role):
    client = client_for(users[role])
    for url in (
        "/insights/",
        "/insights/theme-counts/",
        f"/insights/{world['open_insight'].pk}/",
        "/interactions/",
        f"/interactions/{world['public'].pk}/",
        "/log/",
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(f"/actions/{world['secret_action'].pk}/status/", {"status": "done"})
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["organiser", "growth_group"])
def test_organisers_and_the_growth_group_see_no_timeline_entries(users, world, role):
    entries, _ = timeline.page(
        organisation=world["organisation"], user=users[role], before=None, size=50
    )
    assert not [e for e in entries if e.kind in ("interaction", "insight", "action")]
