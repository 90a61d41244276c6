"""A small run of `seed_volume` so the benchmark generator cannot rot.

It runs on whichever database the suite uses: COPY on PostgreSQL, bulk_create on SQLite.
"""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Exists, OuterRef, Q

from contacts.models import Organisation, Person
from engagement.models import Action, Event, Interaction, Registration
from insights.models import Insight, Theme

SMALL = {
    "organisations": 120,
    "people": 240,
    "interactions": 400,
    "insights": 700,
    "events": 12,
    "actions": 60,
    "officers": 4,
    "organisers": 2,
}


def seed_small(seed: int = 3, **overrides: int) -> None:
    options = {**SMALL, **overrides}
    call_command(
        "seed_volume", seed=seed, reset=True, interactive=False, stdout=io.StringIO(), **options
    )


@pytest.mark.django_db
def test_it_creates_the_requested_counts() -> None:
    seed_small()

    assert Organisation.objects.count() == SMALL["organisations"]
    assert Person.objects.count() == SMALL["people"]
    assert Interaction.objects.count() == SMALL["interactions"]
    assert Insight.objects.count() == SMALL["insights"]
    assert Event.objects.count() == SMALL["events"]
    assert Action.objects.count() == SMALL["actions"]
    assert Registration.objects.exists()
    # Every interaction is with at least one organisation; every insight has a theme.
    assert not Interaction.objects.filter(organisations__isnull=True).exists()
    assert not Insight.objects.filter(themes__isnull=True).exists()


@pytest.mark.django_db
def test_it_keeps_derived_organisation_columns_consistent() -> None:
    seed_small()

    for organisation in Organisation.objects.all():
        stored = (
            organisation.name_normalised,
            organisation.sector_code,
            organisation.size_band,
            organisation.postcode,
            organisation.company_number,
        )
        organisation.refresh_derived()
        assert stored == (
            organisation.name_normalised,
            organisation.sector_code,
            organisation.size_band,
            organisation.postcode,
            organisation.company_number,
        )
        organisation.full_clean(exclude=["account_manager"])


@pytest.mark.django_db
def test_it_keeps_insight_confidential_consistent_with_its_rule() -> None:
    seed_small(insights=2000)

    expected = Q(attribution="confidential") | Q(interaction__confidential=True)
    assert not Insight.objects.filter(expected, confidential=False).exists()
    assert not Insight.objects.filter(~expected, confidential=True).exists()
    share = Insight.objects.filter(confidential=True).count() / Insight.objects.count()
    assert 0.002 < share < 0.06


@pytest.mark.django_db
def test_it_spreads_insights_over_themes_and_three_years() -> None:
    seed_small(insights=2000)

    used = Theme.objects.filter(insights__isnull=False).distinct().count()
    assert used >= 15
    dates = Insight.objects.order_by("recorded_on").values_list("recorded_on", flat=True)
    span = (dates.last() - dates.first()).days
    assert 900 <= span <= 3 * 365
    # Engagement is concentrated: the busiest tenth of engaged organisations have the most.
    per_org = sorted(
        Interaction.organisations.through.objects.values("organisation_id")
        .annotate(n=Count("id"))
        .values_list("n", flat=True),
        reverse=True,
    )
    top = per_org[: max(1, len(per_org) // 10)]
    assert sum(top) > 0.25 * sum(per_org)
    assert len(per_org) < SMALL["organisations"]


@pytest.mark.django_db
def test_it_skews_size_bands_to_micro_and_spreads_sectors() -> None:
    seed_small(organisations=600, people=600)

    bands = Counter(Organisation.objects.values_list("size_band", flat=True))
    assert bands["micro"] > 0.6 * sum(bands.values())
    assert len({code for code in Organisation.objects.values_list("sector_code", flat=True)}) >= 8
    assert Organisation.objects.values("local_authority").distinct().count() >= 5
    assert Organisation.objects.values("ward").distinct().count() >= 20
    key_accounts = Organisation.objects.filter(key_account=True)
    assert key_accounts.exists()
    assert not key_accounts.filter(account_manager__isnull=True).exists()


@pytest.mark.django_db
def test_its_registrations_respect_capacity_and_waitlist_order() -> None:
    seed_small()

    for event in Event.objects.annotate(
        confirmed=Count("registrations", filter=Q(registrations__status="confirmed"))
    ):
        assert event.confirmed <= event.capacity
        positions = sorted(
            event.registrations.filter(status="waitlisted").values_list(
                "waitlist_position", flat=True
            )
        )
        assert positions == list(range(1, len(positions) + 1))
    assert not Registration.objects.filter(
        ~Exists(Person.objects.filter(pk=OuterRef("person_id"), email__iexact=OuterRef("email")))
    ).exists()


@pytest.mark.django_db
def test_it_is_reproducible_with_a_seed() -> None:
    seed_small(seed=11)
    first = list(Organisation.objects.order_by("id").values_list("name", "sector_code"))
    statements = list(Insight.objects.order_by("id").values_list("statement", "recorded_on"))

    seed_small(seed=11)

    assert list(Organisation.objects.order_by("id").values_list("name", "sector_code")) == first
    assert (
        list(Insight.objects.order_by("id").values_list("statement", "recorded_on")) == statements
    )


@pytest.mark.django_db
def test_it_asks_before_reset_deletes_everything(monkeypatch) -> None:
    seed_small()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError):
        call_command("seed_volume", reset=True, organisations=1, stdout=io.StringIO())

    assert Organisation.objects.count() == SMALL["organisations"]
