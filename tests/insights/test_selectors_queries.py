"""Every list costs a constant number of SQL queries, however long the page (STYLE.md)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts import timeline
from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from tests.factories_capture import (
    ActionFactory,
    InsightFactory,
    InteractionFactory,
    taxonomy,  # noqa: F401  (fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]


def queries(call):
    with CaptureQueriesContext(connection) as captured:
        response = call()
    return len(captured), response


@pytest.fixture
def busy(officer):
    """50 of everything, each with relations to load, some confidential."""
    organisations = [
        OrganisationFactory(account_manager=officer, key_account=True) for _ in range(5)
    ]
    for index in range(50):
        organisation = organisations[index % 5]
        interaction = InteractionFactory(
            officer=officer,
            organisations=[organisation],
            people=[PersonFactory(organisation=organisation)],
            confidential=index % 7 == 0,
        )
        InsightFactory(
            organisation=organisation,
            interaction=interaction,
            created_by=officer,
            themes=["premises", "skills", "grants"],
            attribution="confidential" if index % 5 == 0 else "named",
        )
        ActionFactory(
            organisation=organisation,
            interaction=interaction,
            assignee=officer,
            due_on=timezone.localdate() - datetime.timedelta(days=index - 25),
        )
    return organisations


@pytest.mark.parametrize(
    "url",
    ["/api/v1/interactions/", "/api/v1/insights/", "/api/v1/actions/", "/api/v1/themes/"],
)
def test_api_lists_cost_the_same_for_1_and_50_rows(api_client_for, officer, busy, url):
    client = api_client_for(officer)
    client.get(f"{url}?page_size=1")  # warm per-user caches
    small, response = queries(lambda: client.get(f"{url}?page_size=1"))
    assert response.status_code == 200 and len(response.json()["results"]) == 1
    large, response = queries(lambda: client.get(f"{url}?page_size=50"))
    assert response.status_code == 200 and len(response.json()["results"]) > 1
    assert small == large


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/interactions/?kind=meeting",
        "/api/v1/insights/?theme=growth-barriers",
        "/api/v1/actions/?status=open",
    ],
)
def test_filtered_api_lists_cost_the_same_for_1_and_50_rows(api_client_for, officer, busy, url):
    client = api_client_for(officer)
    joiner = "&" if "?" in url else "?"
    client.get(f"{url}{joiner}page_size=1")  # warm per-user caches
    small, response = queries(lambda: client.get(f"{url}{joiner}page_size=1"))
    assert len(response.json()["results"]) == 1
    large, response = queries(lambda: client.get(f"{url}{joiner}page_size=50"))
    assert len(response.json()["results"]) > 1
    assert small == large


def _page_queries(client, url, make_more):
    client.get(url)
    small, response = queries(lambda: client.get(url))
    assert response.status_code == 200
    make_more()
    large, response = queries(lambda: client.get(url))
    assert response.status_code == 200
    return small, large


def _more_of_everything(officer, count=49):
    organisation = OrganisationFactory(account_manager=officer, key_account=True)
    for _ in range(count):
        interaction = InteractionFactory(
            officer=officer,
            organisations=[
                organisation,
                OrganisationFactory(key_account=True, account_manager=officer),
            ],
            people=[PersonFactory(organisation=organisation)],
        )
        InsightFactory(
            organisation=organisation,
            interaction=interaction,
            created_by=officer,
            themes=["premises", "exporting"],
        )
        ActionFactory(organisation=organisation, interaction=interaction, assignee=officer)


@pytest.mark.parametrize(
    "url",
    [
        "/insights/",
        "/insights/?theme=growth-barriers&kind=barrier",
        "/insights/theme-counts/?theme=growth-barriers",
        "/interactions/",
        "/",
    ],
)
def test_pages_cost_the_same_for_1_and_50_rows(client_for, officer, url):
    _more_of_everything(officer, count=1)
    small, large = _page_queries(client_for(officer), url, lambda: _more_of_everything(officer))
    assert small == large


def test_the_interaction_page_costs_the_same_for_1_and_50_insights(client_for, officer):
    organisation = OrganisationFactory()
    interaction = InteractionFactory(officer=officer, organisations=[organisation])
    InsightFactory(organisation=organisation, interaction=interaction, themes=["premises"])
    ActionFactory(organisation=organisation, interaction=interaction)

    def more():
        for _ in range(49):
            InsightFactory(
                organisation=organisation, interaction=interaction, themes=["premises", "skills"]
            )
            ActionFactory(organisation=organisation, interaction=interaction)
            interaction.people.add(PersonFactory(organisation=organisation))

    small, large = _page_queries(client_for(officer), f"/interactions/{interaction.pk}/", more)
    assert small == large


def test_the_timeline_providers_cost_the_same_for_1_and_50_entries(officer):
    organisation = OrganisationFactory()
    interaction = InteractionFactory(officer=officer, organisations=[organisation])
    InsightFactory(organisation=organisation, interaction=interaction)
    ActionFactory(organisation=organisation, interaction=interaction, assignee=officer)
    user = UserFactory(role="officer")
    timeline.page(organisation=organisation, user=user, before=None, size=50)  # warm caches
    small, _ = queries(
        lambda: timeline.page(organisation=organisation, user=user, before=None, size=50)
    )
    for _ in range(49):
        other = InteractionFactory(officer=officer, organisations=[organisation])
        InsightFactory(organisation=organisation, interaction=other, themes=["skills", "grants"])
        ActionFactory(organisation=organisation, interaction=other, assignee=officer)
    large, (entries, _) = queries(
        lambda: timeline.page(organisation=organisation, user=user, before=None, size=50)
    )
    assert len(entries) == 50
    assert small == large
