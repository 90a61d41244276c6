"""The Django admin of insights: saves go through insights.services, so the stored
confidential flag follows the rule of SPEC §1 whoever edits the insight."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import OrganisationFactory
from tests.factories_capture import (
    InsightFactory,
    InteractionFactory,
    taxonomy,  # noqa: F401 - fixture
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]


def _insight_form(insight, **changes):
    data = {
        "organisation": str(insight.organisation_id),
        "themes": [str(theme.pk) for theme in insight.themes.all()],
        "kind": insight.kind,
        "severity": "",
        "statement": insight.statement,
        "quote": insight.quote,
        "attribution": insight.attribution,
        "recorded_on": insight.recorded_on.isoformat(),
        "created_by": str(insight.created_by_id or ""),
    }
    data.update(changes)
    return data


def test_an_insight_made_confidential_in_the_admin_is_stored_as_confidential(
    client_for, admin_user
):
    insight = InsightFactory(attribution="named")
    response = client_for(admin_user).post(
        f"/admin/insights/insight/{insight.pk}/change/",
        _insight_form(insight, attribution="confidential"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    insight.refresh_from_db()
    assert (insight.attribution, insight.confidential) == ("confidential", True)


def test_an_insight_of_a_confidential_1_2_1_stays_confidential_when_named_in_the_admin(
    client_for, admin_user
):
    interaction = InteractionFactory(confidential=True)
    insight = InsightFactory(
        interaction=interaction,
        organisation=interaction.organisations.get(),
        attribution="confidential",
    )
    response = client_for(admin_user).post(
        f"/admin/insights/insight/{insight.pk}/change/",
        _insight_form(insight, attribution="named"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    insight.refresh_from_db()
    assert (insight.attribution, insight.confidential) == ("named", True)


def test_the_insight_admin_refuses_what_the_service_refuses(client_for, admin_user):
    insight = InsightFactory(attribution="named")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(admin_user).post(
        f"/admin/insights/insight/{insight.pk}/change/",
        _insight_form(insight, recorded_on=tomorrow.isoformat()),
    )
    assert response.status_code == 200
    assert "The date must be today or in the past" in response.content.decode()
    insight.refresh_from_db()
    assert insight.recorded_on != tomorrow


def test_moving_an_insight_to_an_organisation_outside_its_1_2_1_is_a_form_error(
    client_for, admin_user
):
    interaction = InteractionFactory()
    insight = InsightFactory(interaction=interaction, organisation=interaction.organisations.get())
    stranger = OrganisationFactory()
    response = client_for(admin_user).post(
        f"/admin/insights/insight/{insight.pk}/change/",
        _insight_form(insight, organisation=str(stranger.pk)),
    )
    assert response.status_code == 200
    assert "The organisation must be one of the interaction&#x27;s organisations" in (
        response.content.decode()
    )
    insight.refresh_from_db()
    assert insight.organisation_id == interaction.organisations.get().pk
