"""Logging a 1-2-1: interaction, insights and actions in one transaction."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from engagement.models import Action, Interaction
from engagement.services import interactions as interaction_services
from insights import services
from insights.models import Insight
from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from tests.factories_capture import (
    InsightFactory,
    InteractionFactory,
    log_post_data,
    taxonomy,  # noqa: F401  (fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def counts():
    return (Interaction.objects.count(), Insight.objects.count(), Action.objects.count())


# --- the service --------------------------------------------------------------------------


def test_it_records_the_interaction_its_insights_and_actions(officer):
    organisation = OrganisationFactory()
    person = PersonFactory(organisation=organisation)
    interaction = services.interaction_log(
        officer=officer,
        organisations=[organisation],
        occurred_on=YESTERDAY,
        people=[person],
        notes="Expansion plans",
        insights=[
            {"statement": "No premises", "themes": ["premises"], "kind": "barrier", "severity": 4},
            {"statement": "Wants to export", "themes": ["growth-markets"], "kind": "opportunity"},
        ],
        actions=[{"description": "Send export guidance", "due_on": YESTERDAY}],
    )
    assert interaction.title == f"1-2-1 with {organisation.name}"
    assert list(interaction.people.all()) == [person]
    insights = list(interaction.insights.order_by("id"))
    assert [i.statement for i in insights] == ["No premises", "Wants to export"]
    assert all(i.recorded_on == YESTERDAY for i in insights)  # defaults to the 1-2-1's date
    assert all(i.organisation == organisation and i.created_by == officer for i in insights)
    assert [t.slug for t in insights[0].themes.all()] == ["premises"]
    action = interaction.actions.get()
    assert action.assignee == officer and action.organisation == organisation


def test_it_saves_nothing_when_one_insight_is_invalid(officer):
    organisation = OrganisationFactory()
    with pytest.raises(ValidationError) as caught:
        services.interaction_log(
            officer=officer,
            organisations=[organisation],
            occurred_on=YESTERDAY,
            insights=[
                {"statement": "Fine", "themes": ["premises"]},
                {"statement": "Bad", "themes": ["premises"], "severity": 9},
            ],
            actions=[{"description": "Call back"}],
        )
    assert "insights-1-severity" in caught.value.message_dict
    assert counts() == (0, 0, 0)


def test_it_refuses_a_future_date(officer):
    with pytest.raises(ValidationError) as caught:
        services.interaction_log(
            officer=officer, organisations=[OrganisationFactory()], occurred_on=TOMORROW
        )
    assert "occurred_on" in caught.value.message_dict
    assert counts() == (0, 0, 0)


def test_it_refuses_an_interaction_without_an_organisation(officer):
    with pytest.raises(ValidationError) as caught:
        services.interaction_log(officer=officer, organisations=[], occurred_on=YESTERDAY)
    assert "organisations" in caught.value.message_dict


@pytest.mark.parametrize(
    "themes, message",
    [([], "at least one theme"), (["no-such-theme"], "not a known theme")],
)
def test_it_refuses_missing_or_unknown_themes(officer, themes, message):
    with pytest.raises(ValidationError) as caught:
        services.interaction_log(
            officer=officer,
            organisations=[OrganisationFactory()],
            occurred_on=YESTERDAY,
            insights=[{"statement": "Said something", "themes": themes}],
        )
    assert message in " ".join(caught.value.message_dict["insights-0-themes"])
    assert counts() == (0, 0, 0)


def test_it_refuses_a_retired_theme_for_a_new_insight_but_keeps_it_on_old_ones(officer):
    from insights.models import Theme

    old = InsightFactory(themes=["housing"])
    Theme.objects.filter(slug="housing").update(active=False)
    with pytest.raises(ValidationError):
        services.insight_create(
            organisation=OrganisationFactory(),
            statement="Housing is dear",
            themes=["housing"],
            created_by=officer,
        )
    # The retired theme stays on the old insight, and editing it keeps it.
    services.insight_update(insight=old, data={"statement": "Edited"}, themes=["housing"])
    assert [t.slug for t in old.themes.all()] == ["housing"]


def test_an_insight_is_confidential_when_attributed_so_or_its_interaction_is(officer):
    organisation = OrganisationFactory()
    open_one = services.interaction_log(
        officer=officer,
        organisations=[organisation],
        occurred_on=YESTERDAY,
        insights=[
            {"statement": "A", "themes": ["skills"], "attribution": "named"},
            {"statement": "B", "themes": ["skills"], "attribution": "confidential"},
        ],
    )
    flags = list(open_one.insights.order_by("id").values_list("confidential", flat=True))
    assert flags == [False, True]
    secret = services.interaction_log(
        officer=officer,
        organisations=[organisation],
        occurred_on=YESTERDAY,
        confidential=True,
        insights=[{"statement": "C", "themes": ["skills"], "attribution": "named"}],
    )
    assert secret.insights.get().confidential is True


def test_changing_an_interactions_confidentiality_updates_its_insights(officer):
    interaction = InteractionFactory(officer=officer)
    named = InsightFactory(interaction=interaction, attribution="named")
    private = InsightFactory(interaction=interaction, attribution="confidential")
    interaction_services.interaction_update(interaction=interaction, data={"confidential": True})
    named.refresh_from_db()
    assert named.confidential is True
    interaction_services.interaction_update(interaction=interaction, data={"confidential": False})
    named.refresh_from_db()
    private.refresh_from_db()
    assert (named.confidential, private.confidential) == (False, True)


def test_an_action_must_go_to_an_officer(officer, organiser):
    with pytest.raises(ValidationError) as caught:
        services.interaction_log(
            officer=officer,
            organisations=[OrganisationFactory()],
            occurred_on=YESTERDAY,
            actions=[{"description": "Do it", "assignee": organiser}],
        )
    assert "actions-0-assignee" in caught.value.message_dict


# --- the page -----------------------------------------------------------------------------


def test_the_log_page_records_everything_and_shows_the_interaction(client_for, officer):
    organisation = OrganisationFactory(name="Cowley Components Ltd")
    colleague = UserFactory(role="officer")
    data = log_post_data(
        organisation,
        insights=[
            {"statement": "Short of welders", "themes": ["skilled-labour", "recruitment"]},
            {"statement": "New export market", "themes": ["exporting"], "kind": "opportunity"},
        ],
        actions=[{"description": "Introduce the college", "assignee": str(colleague.pk)}],
    )
    response = client_for(officer).post("/log/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    interaction = Interaction.objects.get()
    assert response["Location"] == f"/interactions/{interaction.pk}/"
    assert interaction.insights.count() == 2
    assert interaction.actions.get().assignee == colleague
    page = client_for(officer).get(response["Location"])
    assert "Short of welders" in page.content.decode()
    assert "Introduce the college" in page.content.decode()


def test_an_invalid_insight_saves_nothing_and_reshows_what_was_typed(client_for, officer):
    organisation = OrganisationFactory(name="Headington Bakery")
    data = log_post_data(
        organisation,
        notes="A long conversation about ovens",
        insights=[
            {"statement": "Energy prices hurt", "themes": ["cost-of-living"], "quote": "Ouch"},
            {"statement": "Needs bakers", "themes": []},
        ],
        actions=[{"description": "Send the energy grant link", "due_on": "2026-01-31"}],
    )
    response = client_for(officer).post("/log/", data)
    assert response.status_code == 400
    assert counts() == (0, 0, 0)
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'href="#id_insights-1-themes"' in html
    assert "Insight 2: Choose at least one theme" in html
    for typed in (
        "A long conversation about ovens",
        "Energy prices hurt",
        "Ouch",
        "Needs bakers",
        "Send the energy grant link",
        'value="2026-01-31"',
        'value="cost-of-living" checked',
        "Headington Bakery",
    ):
        assert typed in html, typed


def test_a_future_date_is_refused_on_the_page(client_for, officer):
    data = log_post_data(OrganisationFactory(), occurred_on=TOMORROW.isoformat())
    response = client_for(officer).post("/log/", data)
    assert response.status_code == 400
    assert "today or in the past" in response.content.decode()
    assert counts() == (0, 0, 0)


def test_blank_rows_are_ignored(client_for, officer):
    data = log_post_data(
        OrganisationFactory(),
        insights=[{"statement": "", "themes": []}],
        actions=[{"description": "", "assignee": str(officer.pk), "due_on": ""}],
    )
    response = client_for(officer).post("/log/", data)
    assert response.status_code == 302
    assert counts() == (1, 0, 0)


def test_without_javascript_a_typed_name_finds_the_organisation(client_for, officer):
    organisation = OrganisationFactory(name="Jericho Printing Ltd")
    data = log_post_data(organisation, organisation="", organisation_search="jericho print")
    response = client_for(officer).post("/log/", data)
    assert response.status_code == 302
    assert list(Interaction.objects.get().organisations.all()) == [organisation]


def test_without_javascript_several_matches_are_offered_as_choices(client_for, officer):
    first = OrganisationFactory(name="Oxford Widgets North")
    OrganisationFactory(name="Oxford Widgets South")
    data = log_post_data(first, organisation="", organisation_search="Oxford Widgets")
    response = client_for(officer).post("/log/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Which organisation did you mean?" in html
    assert f'value="{first.pk}"' in html
    assert counts() == (0, 0, 0)


def test_without_javascript_add_another_insight_adds_a_row_and_saves_nothing(client_for, officer):
    data = log_post_data(
        OrganisationFactory(), insights=[{"statement": "Kept", "themes": ["grants"]}], add="insight"
    )
    response = client_for(officer).post("/log/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="insights-TOTAL_FORMS" value="2"' in html
    assert "id_insights-1-statement" in html and "Kept" in html
    assert "govuk-error-summary" not in html
    assert counts() == (0, 0, 0)


def test_the_page_offers_the_active_taxonomy_grouped_by_parent(client_for, officer):
    html = client_for(officer).get("/log/").content.decode()
    assert "Barriers to growth" in html and 'value="digital-connectivity"' in html
    assert html.count('name="insights-0-themes"') == 30


@pytest.mark.parametrize("role", ["organiser", "growth_group"])
def test_other_roles_may_not_log_a_1_2_1(client_for, users, role):
    client = client_for(users[role])
    assert client.get("/log/").status_code == 403
    assert client.post("/log/", log_post_data(OrganisationFactory())).status_code == 403
    assert counts() == (0, 0, 0)


def test_anonymous_users_are_sent_to_sign_in(client_for):
    response = client_for(None).get("/log/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_garbage_input_never_causes_a_server_error(client_for, officer):
    data = log_post_data(
        OrganisationFactory(),
        insights=[{"statement": "x", "themes": ["premises"], "severity": "eleven"}],
        actions=[{"description": "y", "assignee": "nobody", "due_on": "31/02/2026"}],
        organisation="abc",
        occurred_on="not a date",
        kind="party",
        participation_level="x",
    )
    data["insights-TOTAL_FORMS"] = "lots"
    response = client_for(officer).post("/log/", data)
    assert response.status_code in (200, 400)
    assert counts() == (0, 0, 0)


def test_the_form_as_first_shown_saves_with_only_an_organisation_chosen(client_for, officer):
    import re

    organisation = OrganisationFactory()
    client = client_for(officer)
    html = client.get("/log/").content.decode()
    # Post back exactly the hidden and pre-filled values the page rendered.
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    data.update(
        {
            "organisation": str(organisation.pk),
            "organisation_search": organisation.name,
            "occurred_on": re.search(r'name="occurred_on" type="date" value="([^"]+)"', html)[1],
            "kind": "meeting",
            "participation_level": "consult",
            "insights-0-kind": "barrier",
            "insights-0-attribution": "anonymous",
            "insights-0-severity": "",
            "actions-0-assignee": str(officer.pk),
        }
    )
    assert data["insights-INITIAL_FORMS"] == "0" and data["actions-INITIAL_FORMS"] == "0"
    response = client.post("/log/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert counts() == (1, 0, 0)


def test_editing_a_1_2_1_to_confidential_hides_its_insights_too(client_for, officer):
    interaction = InteractionFactory(officer=officer)
    insight = InsightFactory(interaction=interaction, attribution="named")
    client = client_for(officer)
    assert client.get(f"/interactions/{interaction.pk}/edit/").status_code == 200
    response = client.post(
        f"/interactions/{interaction.pk}/edit/",
        {
            "title": "Renamed",
            "kind": "visit",
            "occurred_on": YESTERDAY.isoformat(),
            "notes": "",
            "participation_level": "involve",
            "confidential": "on",
        },
    )
    assert response.status_code == 302
    interaction.refresh_from_db()
    insight.refresh_from_db()
    assert (interaction.title, interaction.kind, interaction.confidential) == (
        "Renamed",
        "visit",
        True,
    )
    assert insight.confidential is True


def test_editing_refuses_a_future_date(client_for, officer):
    interaction = InteractionFactory(officer=officer)
    response = client_for(officer).post(
        f"/interactions/{interaction.pk}/edit/",
        {
            "title": "x",
            "kind": "meeting",
            "occurred_on": TOMORROW.isoformat(),
            "participation_level": "consult",
        },
    )
    assert response.status_code == 400
    assert "today or in the past" in response.content.decode()
    interaction.refresh_from_db()
    assert interaction.occurred_on != TOMORROW


def test_others_cannot_edit_a_confidential_1_2_1(client_for, officer):
    interaction = InteractionFactory(confidential=True)
    assert client_for(officer).get(f"/interactions/{interaction.pk}/edit/").status_code == 404


def test_an_officer_edits_an_insight_and_keeps_a_retired_theme(client_for, officer):
    from insights.models import Theme

    interaction = InteractionFactory(officer=officer)
    insight = InsightFactory(
        interaction=interaction, organisation=interaction.organisations.get(), themes=["housing"]
    )
    Theme.objects.filter(slug="housing").update(active=False)
    client = client_for(officer)
    page = client.get(f"/insights/{insight.pk}/edit/").content.decode()
    assert "Housing (retired)" in page and 'value="housing" checked' in page
    response = client.post(
        f"/insights/{insight.pk}/edit/",
        {
            "insight-statement": "Housing costs push staff away",
            "insight-quote": "",
            "insight-themes": ["housing", "recruitment"],
            "insight-kind": "barrier",
            "insight-severity": "5",
            "insight-attribution": "confidential",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/interactions/{interaction.pk}/#insight-{insight.pk}"
    insight.refresh_from_db()
    assert insight.statement == "Housing costs push staff away"
    assert insight.severity == 5 and insight.confidential is True
    assert sorted(t.slug for t in insight.themes.all()) == ["housing", "recruitment"]


def test_editing_an_insight_refuses_no_themes_and_keeps_the_input(client_for, officer):
    insight = InsightFactory(created_by=officer)
    response = client_for(officer).post(
        f"/insights/{insight.pk}/edit/",
        {
            "insight-statement": "Changed words",
            "insight-kind": "opportunity",
            "insight-attribution": "named",
            "insight-severity": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose at least one theme" in html and "Changed words" in html
    insight.refresh_from_db()
    assert insight.statement != "Changed words"


def test_others_cannot_edit_a_confidential_insight(client_for, officer):
    insight = InsightFactory(attribution="confidential")
    assert client_for(officer).get(f"/insights/{insight.pk}/edit/").status_code == 404
