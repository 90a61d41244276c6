"""Merging duplicates (SPEC §2): every linked record moves to the survivor, in one
transaction. Linked records are made with the models directly, from every app."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from contacts import services
from contacts.models import Organisation, Person, Tag
from engagement.models import Action, Event, Interaction, Registration
from insights.models import Insight, Theme
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)


def make_event(**kwargs) -> Event:
    starts = timezone.now() + datetime.timedelta(days=10)
    defaults = {
        "title": "Breakfast",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=2),
        "capacity": 20,
        "slug": f"breakfast-{Event.objects.count()}",
        "status": "published",
    }
    return Event.objects.create(**{**defaults, **kwargs})


def make_interaction(*organisations, people=(), confidential=False) -> Interaction:
    interaction = Interaction.objects.create(
        kind="meeting", occurred_on=TODAY, title="1-2-1", confidential=confidential
    )
    interaction.organisations.set(organisations)
    interaction.people.set(people)
    return interaction


def make_insight(organisation, interaction=None) -> Insight:
    insight = Insight.objects.create(
        organisation=organisation,
        interaction=interaction,
        statement="Premises are too expensive",
        recorded_on=TODAY,
    )
    theme = Theme.objects.first() or Theme.objects.create(slug="premises", name="Premises")
    insight.themes.add(theme)
    return insight


@pytest.fixture
def pair(officer):
    survivor = OrganisationFactory(name="Cowley Precision Ltd", company_number="", employees=None)
    duplicate = OrganisationFactory(
        name="Cowley Precision Engineering Ltd",
        company_number="01234567",
        employees=42,
    )
    return survivor, duplicate


def test_it_moves_every_link_of_an_organisation_to_the_survivor(pair, officer, admin_user):
    survivor, duplicate = pair
    # An admin's merge, since it fills the survivor's account fields (SPEC §1: admins only).
    duplicate.key_account, duplicate.account_manager = True, officer
    duplicate.save()
    shared_tag, own_tag = Tag.objects.create(name="automotive"), Tag.objects.create(name="net zero")
    survivor.tags.add(shared_tag)
    duplicate.tags.add(shared_tag, own_tag)
    person = PersonFactory(organisation=duplicate)
    alone = make_interaction(duplicate, people=[person])
    both = make_interaction(survivor, duplicate)  # already linked to the survivor too
    insight = make_insight(duplicate, alone)
    action = Action.objects.create(organisation=duplicate, interaction=alone, description="Call")
    event = make_event(hosted_by=duplicate)
    registration = Registration.objects.create(
        event=event, person=person, organisation=duplicate, email=person.email, status="confirmed"
    )

    merged = services.organisation_merge(survivor=survivor, duplicate=duplicate, user=admin_user)

    assert merged.pk == survivor.pk
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()
    assert list(alone.organisations.all()) == [survivor]
    assert list(both.organisations.all()) == [survivor]  # one link, not two
    assert Insight.objects.get(pk=insight.pk).organisation == survivor
    assert Action.objects.get(pk=action.pk).organisation == survivor
    assert Registration.objects.get(pk=registration.pk).organisation == survivor
    assert Event.objects.get(pk=event.pk).hosted_by == survivor
    assert Person.objects.get(pk=person.pk).organisation == survivor
    assert sorted(survivor.tags.values_list("name", flat=True)) == ["automotive", "net zero"]
    # Blanks on the survivor are filled from the duplicate, its company number included.
    survivor.refresh_from_db()
    assert survivor.company_number == "01234567"
    assert survivor.employees == 42
    assert survivor.size_band == "small"
    assert survivor.key_account is True
    assert survivor.account_manager == officer


def test_it_moves_every_link_of_a_person_to_the_survivor(officer):
    organisation = OrganisationFactory()
    survivor = PersonFactory(organisation=organisation, email="priya@cowley.example", phone="")
    duplicate = PersonFactory(
        organisation=organisation, email="p.shah@cowley.example", phone="01865 000000"
    )
    alone = make_interaction(organisation, people=[duplicate])
    both = make_interaction(organisation, people=[survivor, duplicate])
    event = make_event()
    registration = Registration.objects.create(
        event=event,
        person=duplicate,
        organisation=organisation,
        email=duplicate.email,
        status="confirmed",
    )

    merged = services.person_merge(survivor=survivor, duplicate=duplicate, user=officer)

    assert merged.pk == survivor.pk
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    assert list(alone.people.all()) == [survivor]
    assert list(both.people.all()) == [survivor]
    assert Registration.objects.get(pk=registration.pk).person == survivor
    survivor.refresh_from_db()
    assert survivor.phone == "01865 000000"
    assert survivor.email == "priya@cowley.example"


def test_it_keeps_do_not_contact_when_either_person_asked(officer):
    survivor = PersonFactory(do_not_contact=False)
    duplicate = PersonFactory(do_not_contact=True)
    merged = services.person_merge(survivor=survivor, duplicate=duplicate, user=officer)
    assert merged.do_not_contact is True


def test_it_refuses_to_merge_a_record_with_itself(pair):
    survivor, _ = pair
    with pytest.raises(ValidationError):
        services.organisation_merge(survivor=survivor, duplicate=survivor, user=None)
    person = PersonFactory()
    with pytest.raises(ValidationError):
        services.person_merge(survivor=person, duplicate=person, user=None)


def test_a_merge_that_fails_part_way_moves_nothing(pair, monkeypatch):
    survivor, duplicate = pair
    interaction = make_interaction(duplicate)
    insight = make_insight(duplicate, interaction)

    def explode(self, *args, **kwargs):
        raise RuntimeError("lost the database")

    monkeypatch.setattr(Organisation, "delete", explode)
    with pytest.raises(RuntimeError):
        services.organisation_merge(survivor=survivor, duplicate=duplicate, user=None)

    assert Organisation.objects.filter(pk=duplicate.pk).exists()
    assert list(interaction.organisations.all()) == [duplicate]
    assert Insight.objects.get(pk=insight.pk).organisation == duplicate


def test_api_merges_organisations_for_officers_only(pair, api_client_for, officer, organiser):
    survivor, duplicate = pair
    make_insight(duplicate)
    url = f"/api/v1/organisations/{survivor.pk}/merge/"

    assert api_client_for(organiser).post(url, {"duplicate": duplicate.pk}).status_code == 403
    response = api_client_for(officer).post(url, {"duplicate": duplicate.pk}, format="json")

    assert response.status_code == 200
    assert response.json()["company_number"] == "01234567"
    assert Insight.objects.get().organisation == survivor
    missing = api_client_for(officer).post(url, {"duplicate": 999999}, format="json")
    assert missing.status_code == 404
    itself = api_client_for(officer).post(url, {"duplicate": survivor.pk}, format="json")
    assert itself.status_code == 400


def test_api_merges_people(api_client_for, officer):
    survivor, duplicate = PersonFactory(), PersonFactory()
    interaction = make_interaction(survivor.organisation, people=[duplicate])
    response = api_client_for(officer).post(
        f"/api/v1/people/{survivor.pk}/merge/", {"duplicate": duplicate.pk}, format="json"
    )
    assert response.status_code == 200
    assert list(interaction.people.all()) == [survivor]


# --- SPEC §1: a merge may not move confidential records its user cannot see -----------------


@pytest.fixture
def secrets(officer):
    """An organisation managed by another officer, with a confidential 1-2-1 and a
    confidential insight the officer cannot see, and one the officer can (their own)."""
    manager = UserFactory(role="officer", username="manager")
    secretive = OrganisationFactory(name="Secretive Widgets", account_manager=manager)
    theirs = make_interaction(secretive, confidential=True)
    theirs.officer = manager
    theirs.save()
    insight = make_insight(secretive)
    Insight.objects.filter(pk=insight.pk).update(
        attribution="confidential", confidential=True, created_by=manager
    )
    mine = OrganisationFactory(name="Officer's Own Ltd", account_manager=officer)
    return {"secretive": secretive, "interaction": theirs, "insight": insight, "mine": mine}


def _nothing_moved(secrets) -> None:
    assert Organisation.objects.filter(pk=secrets["secretive"].pk).exists()
    assert list(secrets["interaction"].organisations.all()) == [secrets["secretive"]]
    assert Insight.objects.get(pk=secrets["insight"].pk).organisation == secrets["secretive"]


def test_it_refuses_an_officer_merging_in_confidential_records_they_cannot_see(officer, secrets):
    with pytest.raises(PermissionDenied, match="an administrator must do it"):
        services.organisation_merge(
            survivor=secrets["mine"], duplicate=secrets["secretive"], user=officer
        )
    _nothing_moved(secrets)


def test_a_hidden_confidential_insight_alone_refuses_the_merge(officer, secrets):
    secrets["interaction"].delete()
    with pytest.raises(PermissionDenied):
        services.organisation_merge(
            survivor=secrets["mine"], duplicate=secrets["secretive"], user=officer
        )
    assert Insight.objects.get(pk=secrets["insight"].pk).organisation == secrets["secretive"]


def test_an_officer_may_merge_in_confidential_records_they_can_see(officer):
    other = UserFactory(role="officer")
    survivor = OrganisationFactory(account_manager=other)
    # The officer manages the duplicate, so sees its confidential records now.
    duplicate = OrganisationFactory(account_manager=officer)
    secret = make_interaction(duplicate, confidential=True)
    own = make_interaction(OrganisationFactory(), confidential=True)
    own.officer = officer
    own.save()
    own.organisations.add(duplicate)

    services.organisation_merge(survivor=survivor, duplicate=duplicate, user=officer)

    assert list(secret.organisations.all()) == [survivor]
    assert survivor.pk in own.organisations.values_list("pk", flat=True)


def test_an_admin_merges_confidential_records_anyone_holds(admin_user, secrets):
    services.organisation_merge(
        survivor=secrets["mine"], duplicate=secrets["secretive"], user=admin_user
    )
    assert Insight.objects.get(pk=secrets["insight"].pk).organisation == secrets["mine"]


def test_it_refuses_an_officers_merge_that_would_give_the_survivor_an_account_manager(
    officer, admin_user
):
    survivor = OrganisationFactory(name="Unmanaged Ltd")
    duplicate = OrganisationFactory(account_manager=officer, key_account=True)
    with pytest.raises(PermissionDenied, match="administrator must do it"):
        services.organisation_merge(survivor=survivor, duplicate=duplicate, user=officer)
    survivor.refresh_from_db()
    assert survivor.account_manager is None and not survivor.key_account
    assert Organisation.objects.filter(pk=duplicate.pk).exists()


def test_it_refuses_an_officer_merging_a_person_with_confidential_interactions_they_cannot_see(
    officer, admin_user
):
    survivor, duplicate = PersonFactory(), PersonFactory()
    secret = make_interaction(OrganisationFactory(), people=[duplicate], confidential=True)
    with pytest.raises(PermissionDenied):
        services.person_merge(survivor=survivor, duplicate=duplicate, user=officer)
    assert list(secret.people.all()) == [duplicate]
    services.person_merge(survivor=survivor, duplicate=duplicate, user=admin_user)
    assert list(secret.people.all()) == [survivor]


def test_the_merge_api_and_page_answer_403_saying_an_admin_must_do_it(
    officer, secrets, api_client_for, client_for
):
    url = f"/api/v1/organisations/{secrets['mine'].pk}/merge/"
    response = api_client_for(officer).post(
        url, {"duplicate": secrets["secretive"].pk}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == services.MERGE_NEEDS_ADMIN

    page = client_for(officer).post(
        "/organisations/merge/",
        {"ids": [secrets["mine"].pk, secrets["secretive"].pk], "survivor": secrets["mine"].pk},
    )
    assert page.status_code == 403
    assert "an administrator must do it" in page.content.decode()
    _nothing_moved(secrets)

    survivor, duplicate = PersonFactory(), PersonFactory()
    make_interaction(secrets["secretive"], people=[duplicate], confidential=True)
    people = api_client_for(officer).post(
        f"/api/v1/people/{survivor.pk}/merge/", {"duplicate": duplicate.pk}, format="json"
    )
    assert people.status_code == 403
    assert Person.objects.filter(pk=duplicate.pk).exists()


# --- Several records in one merge -----------------------------------------------------------


def test_it_merges_several_organisations_in_one_call(officer):
    survivor = OrganisationFactory(name="Keep Ltd", town="")
    first = OrganisationFactory(name="Keep Limited", town="Oxford")
    second = OrganisationFactory(name="Keep Co")
    person = PersonFactory(organisation=second)
    merged = services.organisations_merge(
        survivor=survivor, duplicates=[second, first], user=officer
    )
    assert merged.pk == survivor.pk
    assert merged.town == "Oxford"
    assert not Organisation.objects.filter(pk__in=[first.pk, second.pk]).exists()
    person.refresh_from_db()
    assert person.organisation_id == survivor.pk


def test_a_several_record_merge_refused_at_the_last_record_moves_nothing(officer, secrets):
    survivor = OrganisationFactory(name="Keep Ltd")
    plain = OrganisationFactory(name="Plain Ltd")
    person = PersonFactory(organisation=plain)
    with pytest.raises(PermissionDenied):
        services.organisations_merge(
            survivor=survivor, duplicates=[plain, secrets["secretive"]], user=officer
        )
    assert Organisation.objects.filter(pk=plain.pk).exists()
    person.refresh_from_db()
    assert person.organisation_id == plain.pk


def test_a_several_record_merge_locks_every_row_at_once_in_primary_key_order(officer, monkeypatch):
    from django.db import connection
    from django.db.models import QuerySet
    from django.test.utils import CaptureQueriesContext

    locks = []
    real_select_for_update = QuerySet.select_for_update

    def record(self, *args, **kwargs):
        queryset = real_select_for_update(self, *args, **kwargs)
        if self.model is Person:
            locks.append(queryset)
        return queryset

    monkeypatch.setattr(QuerySet, "select_for_update", record)
    people = [PersonFactory(email=None) for _ in range(4)]
    survivor = people[2]
    with CaptureQueriesContext(connection) as queries:
        services.people_merge(survivor=survivor, duplicates=[people[3], people[0]], user=officer)
    assert len(locks) == 1, "every row is locked at once, not pair by pair"
    ordered = 'ORDER BY "contacts_person"."id" ASC'
    lock_sql = [q["sql"] for q in queries.captured_queries if ordered in q["sql"]]
    assert len(lock_sql) == 1
    for pk in (people[0].pk, people[2].pk, people[3].pk):
        assert str(pk) in lock_sql[0].split(" IN ", 1)[1]
    if connection.vendor == "postgresql":
        assert "FOR UPDATE" in lock_sql[0]


def test_it_refuses_a_merge_of_several_that_includes_the_survivor(pair, officer):
    survivor, duplicate = pair
    with pytest.raises(ValidationError):
        services.organisations_merge(
            survivor=survivor, duplicates=[duplicate, survivor], user=officer
        )
    assert Organisation.objects.filter(pk=duplicate.pk).exists()
