"""API for interactions, actions, themes and insights (SPEC §3)."""

import datetime

import pytest
from django.utils import timezone

from engagement.models import Action, Interaction
from insights.models import Insight, Theme
from tests.factories import OrganisationFactory, PersonFactory
from tests.factories_capture import (
    ActionFactory,
    InsightFactory,
    InteractionFactory,
    taxonomy,  # noqa: F401  (fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


def one_to_one(organisation, **overrides):
    body = {
        "organisations": [organisation.pk],
        "occurred_on": YESTERDAY.isoformat(),
        "kind": "meeting",
        "notes": "Talked about premises",
        "insights": [
            {
                "statement": "Needs bigger premises",
                "themes": ["premises"],
                "kind": "barrier",
                "severity": 4,
                "quote": "We are bursting",
                "attribution": "named",
            },
            {
                "statement": "University spin-out links",
                "themes": ["innovation"],
                "kind": "opportunity",
            },
        ],
        "actions": [{"description": "Send the premises list", "due_on": TODAY.isoformat()}],
    }
    body.update(overrides)
    return body


def test_it_logs_a_whole_1_2_1_and_lists_its_insights_and_actions(api_client_for, officer):
    organisation = OrganisationFactory()
    person = PersonFactory(organisation=organisation)
    client = api_client_for(officer)
    response = client.post(
        "/api/v1/interactions/", one_to_one(organisation, people=[person.pk]), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["officer"] == officer.pk
    assert body["organisations"] == [organisation.pk]
    assert body["people"] == [person.pk]
    assert [i["themes"] for i in body["insights"]] == [["premises"], ["innovation"]]
    assert body["insights"][0]["recorded_on"] == YESTERDAY.isoformat()
    assert body["insights"][0]["organisation"] == organisation.pk
    assert body["actions"][0]["assignee"] == officer.pk
    listed = client.get("/api/v1/interactions/").json()
    assert set(listed) >= {"next", "previous", "results"}
    assert listed["results"][0]["id"] == body["id"]
    assert len(listed["results"][0]["insights"]) == 2
    assert len(listed["results"][0]["actions"]) == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"occurred_on": (TODAY + datetime.timedelta(days=1)).isoformat()}, "occurred_on"),
        ({"organisations": []}, "organisations"),
        ({"insights": [{"statement": "x", "themes": []}]}, "insights"),
        ({"insights": [{"statement": "x", "themes": ["not-a-theme"]}]}, "insights"),
        ({"insights": [{"statement": "x", "themes": ["skills"], "severity": 6}]}, "insights"),
        ({"insights": [{"statement": "x", "themes": ["skills"], "severity": 0}]}, "insights"),
    ],
)
def test_invalid_1_2_1s_get_a_400_naming_the_field_and_create_nothing(
    api_client_for, officer, change, field
):
    response = api_client_for(officer).post(
        "/api/v1/interactions/", one_to_one(OrganisationFactory(), **change), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert (Interaction.objects.count(), Insight.objects.count(), Action.objects.count()) == (
        0,
        0,
        0,
    )


def test_an_unknown_theme_is_named_in_the_error(api_client_for, officer):
    response = api_client_for(officer).post(
        "/api/v1/insights/",
        {"organisation": OrganisationFactory().pk, "statement": "x", "themes": ["nope"]},
        format="json",
    )
    assert response.status_code == 400
    assert "nope" in str(response.json()["themes"])


def test_insights_are_created_and_read_with_theme_slugs(api_client_for, officer):
    organisation = OrganisationFactory()
    client = api_client_for(officer)
    response = client.post(
        "/api/v1/insights/",
        {
            "organisation": organisation.pk,
            "statement": "Broadband is poor",
            "themes": ["digital-connectivity", "growth-barriers"],
            "kind": "barrier",
            "severity": 5,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = client.get(f"/api/v1/insights/{response.json()['id']}/").json()
    assert sorted(body["themes"]) == ["digital-connectivity", "growth-barriers"]
    assert body["recorded_on"] == TODAY.isoformat()
    assert body["created_by"] == officer.pk


def test_a_parent_theme_filter_matches_its_sub_themes_once(api_client_for, officer):
    both = InsightFactory(themes=["premises", "housing"])
    parent_only = InsightFactory(themes=["growth-barriers"])
    sub = InsightFactory(themes=["transport"])
    InsightFactory(themes=["grants"])
    client = api_client_for(officer)
    ids = [
        row["id"] for row in client.get("/api/v1/insights/?theme=growth-barriers").json()["results"]
    ]
    assert sorted(ids) == sorted([both.pk, parent_only.pk, sub.pk])
    ids = [row["id"] for row in client.get("/api/v1/insights/?theme=transport").json()["results"]]
    assert ids == [sub.pk]


def test_insight_filters_of_spec_section_3(api_client_for, officer):
    maker = OrganisationFactory(sic_codes=["25110"], employees=300)  # C, large
    shop = OrganisationFactory(sic_codes=["47110"], employees=3)  # G, micro
    old = InsightFactory(organisation=maker, kind="barrier", recorded_on=datetime.date(2025, 1, 5))
    new = InsightFactory(
        organisation=shop, kind="opportunity", recorded_on=datetime.date(2025, 6, 1)
    )
    client = api_client_for(officer)

    def ids(query):
        response = client.get(f"/api/v1/insights/?{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids("kind=barrier") == [old.pk]
    assert ids(f"organisation={shop.pk}") == [new.pk]
    assert ids("sector=C") == [old.pk]
    assert ids("size_band=micro") == [new.pk]
    assert ids("recorded_after=2025-03-01") == [new.pk]
    assert ids("recorded_before=2025-03-01") == [old.pk]


def test_interaction_filters_of_spec_section_3(api_client_for, officer):
    organisation = OrganisationFactory()
    other_officer_row = InteractionFactory(kind="call", occurred_on=datetime.date(2025, 1, 1))
    mine = InteractionFactory(
        officer=officer, organisations=[organisation], occurred_on=datetime.date(2025, 6, 1)
    )
    client = api_client_for(officer)

    def ids(query):
        response = client.get(f"/api/v1/interactions/?{query}")
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids(f"organisation={organisation.pk}") == [mine.pk]
    assert ids(f"officer={officer.pk}") == [mine.pk]
    assert ids("kind=call") == [other_officer_row.pk]
    assert ids("occurred_after=2025-03-01") == [mine.pk]
    assert ids("occurred_before=2025-03-01") == [other_officer_row.pk]


def test_bad_filter_values_get_a_400_not_a_500(api_client_for, officer):
    client = api_client_for(officer)
    assert client.get("/api/v1/insights/?recorded_after=yesterday").status_code == 400
    assert client.get("/api/v1/interactions/?organisation=abc").status_code == 400
    assert client.get("/api/v1/insights/?theme=not-a-theme").status_code == 400


def test_lists_use_cursor_pagination_with_page_size_up_to_200(api_client_for, officer):
    for _ in range(3):
        InsightFactory()
    client = api_client_for(officer)
    first = client.get("/api/v1/insights/?page_size=2").json()
    assert len(first["results"]) == 2 and "cursor=" in first["next"] and "count" not in first
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1


def test_insights_cap_the_page_size_at_200(api_client_for, officer):
    insight = InsightFactory()
    Insight.objects.bulk_create(
        Insight(
            organisation=insight.organisation,
            statement=f"Statement {n}",
            recorded_on=insight.recorded_on,
            created_by=officer,
        )
        for n in range(200)
    )
    body = api_client_for(officer).get("/api/v1/insights/?page_size=1000").json()
    assert len(body["results"]) == 200
    assert body["next"] is not None


def test_actions_are_listed_filtered_and_completed(api_client_for, officer):
    organisation = OrganisationFactory()
    action = ActionFactory(assignee=officer, organisation=organisation, due_on=YESTERDAY)
    ActionFactory()
    client = api_client_for(officer)
    rows = client.get(f"/api/v1/actions/?assignee={officer.pk}&overdue=true").json()["results"]
    assert [row["id"] for row in rows] == [action.pk]
    response = client.patch(f"/api/v1/actions/{action.pk}/", {"status": "done"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["completed_at"]
    created = client.post(
        "/api/v1/actions/",
        {"organisation": organisation.pk, "description": "Ring them"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["assignee"] == officer.pk


def test_themes_are_read_by_every_staff_role_and_written_by_admins_only(api_client_for, users):
    for role in ("officer", "organiser", "growth_group", "admin"):
        response = api_client_for(users[role]).get("/api/v1/themes/?page_size=100")
        assert response.status_code == 200, role
        slugs = {row["slug"] for row in response.json()["results"]}
        assert {"growth-barriers", "premises", "technology-adoption"} <= slugs
    premises = api_client_for(users["officer"]).get("/api/v1/themes/premises/").json()
    assert premises["parent"] == "growth-barriers"
    new = {"slug": "net-zero", "name": "Net zero", "parent": None}
    for role in ("officer", "organiser", "growth_group"):
        assert (
            api_client_for(users[role]).post("/api/v1/themes/", new, format="json").status_code
            == 403
        )
    assert api_client_for(users["anonymous"]).get("/api/v1/themes/").status_code in (401, 403)
    admin = api_client_for(users["admin"])
    assert admin.post("/api/v1/themes/", new, format="json").status_code == 201
    retire = admin.patch("/api/v1/themes/housing/", {"active": False}, format="json")
    assert retire.status_code == 200 and retire.json()["active"] is False
    three_levels = admin.post(
        "/api/v1/themes/", {"slug": "x", "name": "X", "parent": "premises"}, format="json"
    )
    assert three_levels.status_code == 400 and "parent" in three_levels.json()
    assert Theme.objects.filter(slug="net-zero", parent=None).exists()


@pytest.mark.parametrize("role", ["organiser", "growth_group"])
@pytest.mark.parametrize("url", ["/api/v1/interactions/", "/api/v1/insights/", "/api/v1/actions/"])
def test_organisers_and_the_growth_group_get_403(api_client_for, users, role, url):
    client = api_client_for(users[role])
    assert client.get(url).status_code == 403
    assert client.post(url, {}, format="json").status_code == 403


@pytest.mark.parametrize("url", ["/api/v1/interactions/", "/api/v1/insights/", "/api/v1/actions/"])
def test_anonymous_clients_are_refused(api_client_for, url):
    assert api_client_for(None).get(url).status_code in (401, 403)


def test_patching_an_interactions_confidentiality_reaches_its_insights(api_client_for, officer):
    interaction = InteractionFactory(officer=officer)
    insight = InsightFactory(interaction=interaction, attribution="named")
    response = api_client_for(officer).patch(
        f"/api/v1/interactions/{interaction.pk}/", {"confidential": True}, format="json"
    )
    assert response.status_code == 200, response.json()
    insight.refresh_from_db()
    assert insight.confidential is True


def test_a_theme_in_use_cannot_be_deleted_only_retired(api_client_for, admin_user):
    InsightFactory(themes=["housing"])
    client = api_client_for(admin_user)
    response = client.delete("/api/v1/themes/housing/")
    assert response.status_code == 400
    assert Theme.objects.filter(slug="housing").exists()
    assert client.delete("/api/v1/themes/regulation/").status_code == 204
    assert client.delete("/api/v1/themes/skills/").status_code == 400  # has sub-themes


def test_the_theme_filter_still_works_after_the_schema_was_generated(api_client_for, officer):
    from insights.filtersets import InsightFilterSet

    InsightFilterSet.base_filters["theme"].field  # noqa: B018  (what drf-spectacular does)
    insight = InsightFactory(themes=["transport"])
    response = api_client_for(officer).get("/api/v1/insights/?theme=growth-barriers")
    assert response.status_code == 200, response.json()
    assert [row["id"] for row in response.json()["results"]] == [insight.pk]
