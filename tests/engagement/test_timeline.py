"""Interactions, insights and actions on the organisation timeline: date order, paged by
cursor without gaps or repeats."""

import datetime

import pytest

from contacts import timeline
from tests.factories import OrganisationFactory
from tests.factories_capture import (
    ActionFactory,
    InsightFactory,
    InteractionFactory,
    taxonomy,  # noqa: F401  (fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("taxonomy")]


def test_the_timeline_pages_through_everything_in_date_order(officer):
    organisation = OrganisationFactory()
    expected = set()
    for day in range(1, 8):
        date = datetime.date(2025, 3, day)
        interaction = InteractionFactory(organisations=[organisation], occurred_on=date)
        insight = InsightFactory(
            organisation=organisation, interaction=interaction, recorded_on=date
        )
        action = ActionFactory(organisation=organisation, interaction=interaction)
        expected |= {
            ("interaction", interaction.pk),
            ("insight", insight.pk),
            ("action", action.pk),
        }
    InteractionFactory(organisations=[OrganisationFactory()])  # another organisation's
    seen, cursor, pages = [], None, 0
    while True:
        entries, cursor = timeline.page(
            organisation=organisation, user=officer, before=cursor, size=4
        )
        seen += entries
        pages += 1
        if cursor is None:
            break
    keys = [(entry.kind, entry.key) for entry in seen]
    assert len(keys) == len(set(keys)) == 21
    assert set(keys) >= expected
    dates = [entry.date for entry in seen]
    assert dates == sorted(dates, reverse=True)
    assert pages == 6


def test_entries_link_to_their_records(officer):
    organisation = OrganisationFactory()
    interaction = InteractionFactory(organisations=[organisation], title="Factory visit")
    insight = InsightFactory(
        organisation=organisation, interaction=interaction, themes=["premises"], quote="No room"
    )
    loose = InsightFactory(organisation=organisation, interaction=None)
    entries, _ = timeline.page(organisation=organisation, user=officer, before=None, size=10)
    by_key = {(entry.kind, entry.key): entry for entry in entries}
    assert by_key[("interaction", interaction.pk)].url == f"/interactions/{interaction.pk}/"
    assert (
        by_key[("insight", insight.pk)].url
        == f"/interactions/{interaction.pk}/#insight-{insight.pk}"
    )
    assert "Barriers to growth: Premises" in by_key[("insight", insight.pk)].tags
    assert by_key[("insight", loose.pk)].url == f"/insights/{loose.pk}/"


def test_the_insights_of_a_1_2_1_read_in_the_order_they_were_recorded(officer):
    organisation = OrganisationFactory()
    day = datetime.date(2025, 3, 4)
    interaction = InteractionFactory(organisations=[organisation], occurred_on=day)
    first, second, third = (
        InsightFactory(organisation=organisation, interaction=interaction, recorded_on=day)
        for _ in range(3)
    )
    newer = InteractionFactory(organisations=[organisation], occurred_on=day.replace(day=5))
    later = InsightFactory(
        organisation=organisation, interaction=newer, recorded_on=newer.occurred_on
    )
    # Small pages, so the cursor falls between the insights of one 1-2-1.
    seen, cursor = [], None
    while True:
        entries, cursor = timeline.page(
            organisation=organisation, user=officer, before=cursor, size=2
        )
        seen += [(entry.kind, entry.key) for entry in entries]
        if cursor is None:
            break
    assert seen == [
        ("interaction", newer.pk),
        ("insight", later.pk),
        ("interaction", interaction.pk),
        ("insight", first.pk),
        ("insight", second.pk),
        ("insight", third.pk),
    ]
    # The cursor survives the round trip through the page's address.
    entries, cursor = timeline.page(organisation=organisation, user=officer, before=None, size=4)
    decoded = timeline.decode_cursor(timeline.encode_cursor(cursor))
    rest, _ = timeline.page(organisation=organisation, user=officer, before=decoded, size=4)
    assert [entry.key for entry in rest] == [second.pk, third.pk]
