"""`manage.py seed_demo`: a realistic demo area on an empty database, once."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Q

from contacts.models import Organisation, Person
from core import roles
from demo import seed as demo
from engagement.models import Action, Event, Interaction, Registration
from insights.models import Insight, Theme

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def demo_area(django_db_setup, django_db_blocker):
    """The demo area, seeded once for the tests that only read it, and rolled back after."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield seed()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


class TestTheDemoArea:
    """Seeded once for the class: these tests only read it."""

    def test_it_loads_a_realistic_area_on_an_empty_database(self, demo_area):
        output = demo_area

        assert "300 organisations" in output
        organisations = Organisation.objects.all()
        assert organisations.count() == demo.ORGANISATIONS
        # Every record obeys the same validation as the forms and API.
        for organisation in organisations:
            organisation.full_clean(exclude=["account_manager"])
        assert set(organisations.values_list("local_authority", flat=True)) == {
            "Oxford",
            "Cherwell",
            "West Oxfordshire",
        }
        assert organisations.values("ward").distinct().count() >= 10
        assert set(organisations.values_list("rural_urban", flat=True)) == {"urban", "rural"}
        assert organisations.values("sector_code").distinct().count() >= 12
        bands = dict(organisations.values_list("size_band").annotate(n=Count("id")))
        assert bands["micro"] > organisations.count() / 2 > bands["small"] > bands["large"]
        assert {"higher_education", "further_education", "trade_body", "anchor_institution"} <= set(
            organisations.values_list("kind", flat=True)
        )
        assert all(
            postcode.startswith(("OX", "RG"))
            for postcode in organisations.values_list("postcode", flat=True)
        )
        key_accounts = organisations.filter(key_account=True)
        assert key_accounts.count() >= 10
        assert not key_accounts.filter(account_manager=None).exists()
        assert set(key_accounts.values_list("account_manager__username", flat=True)) == {
            "olivia",
            "oscar",
        }
        per_organisation = Person.objects.values("organisation").annotate(n=Count("id"))
        assert {row["n"] for row in per_organisation} <= {1, 2, 3}
        assert Person.objects.count() >= demo.ORGANISATIONS

    def test_it_creates_a_login_for_each_role_through_create_user(self, demo_area):
        for username, role, *_ in demo.STAFF:
            user = get_user_model().objects.get(username=username)
            assert user.check_password(demo.DEMO_PASSWORD)
            assert user.is_active
            assert roles.roles_of(user) == {role}

    def test_it_records_18_months_of_engagement(self, demo_area):
        interactions = Interaction.objects.all()
        assert 350 <= interactions.count() <= 450
        assert interactions.filter(kind="meeting").count() > interactions.count() / 2
        assert interactions.filter(confidential=True).exists()
        assert Insight.objects.count() > 300
        # Insight.confidential is kept as the services keep it.
        assert not Insight.objects.filter(
            Q(attribution="confidential") | Q(interaction__confidential=True), confidential=False
        ).exists()
        assert not Insight.objects.filter(
            ~Q(attribution="confidential"), interaction__confidential=False, confidential=True
        ).exists()
        assert Insight.objects.filter(confidential=True).exists()
        assert not Insight.objects.annotate(n=Count("themes")).filter(n=0).exists()
        sub_themes = Theme.objects.filter(parent__isnull=False, insights__isnull=False).distinct()
        assert sub_themes.count() >= 15
        assert Action.objects.filter(status="open").exists()
        assert Action.objects.filter(status="done", completed_at__isnull=False).exists()

    def test_it_holds_past_and_upcoming_events_with_attendance_and_a_waitlist(self, demo_area):
        from django.utils import timezone

        now = timezone.now()
        past = Event.objects.filter(starts_at__lt=now, status="published")
        upcoming = Event.objects.filter(starts_at__gt=now, status="published")
        assert past.exists() and upcoming.exists()
        assert Registration.objects.filter(event__in=past, attended=True).exists()
        assert Interaction.objects.filter(kind="event", event__in=past).exists()
        waitlisted = Registration.objects.filter(status="waitlisted").order_by("waitlist_position")
        assert list(waitlisted.values_list("waitlist_position", flat=True)) == [1, 2, 3, 4]
        for event in Event.objects.all():
            confirmed = event.registrations.filter(status="confirmed").count()
            assert confirmed <= event.capacity

    def test_it_is_a_no_op_with_if_empty_once_organisations_exist(self, demo_area):
        counts = (Organisation.objects.count(), Person.objects.count(), Interaction.objects.count())

        output = seed()

        assert "already holds organisations" in output
        assert (
            Organisation.objects.count(),
            Person.objects.count(),
            Interaction.objects.count(),
        ) == counts

    def test_it_refuses_to_seed_over_data_without_if_empty(self, demo_area):
        with pytest.raises(CommandError, match="already holds organisations"):
            call_command("seed_demo", stdout=StringIO())


def test_it_is_deterministic_from_its_seed():
    def names() -> list[tuple[str, str]]:
        with transaction.atomic():
            demo.seed_demo()
            seen = list(Organisation.objects.order_by("name").values_list("name", "postcode"))
            transaction.set_rollback(True)
        return seen

    assert names() == names()


def test_it_skips_insights_when_the_taxonomy_is_missing():
    Theme.objects.filter(parent__isnull=False).delete()
    Theme.objects.all().delete()

    summary = demo.seed_demo()

    assert Organisation.objects.count() == demo.ORGANISATIONS
    assert not Insight.objects.exists()
    assert any("taxonomy" in note for note in summary.notes)
