"""The organisation and person pages: who may open them, forms, merges, paging and queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts import timeline
from contacts.models import Organisation, Person, Tag
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

READ, WRITE = "read", "write"
# SPEC §1: officers create/read/update, organisers read, the growth group sees nothing here.
ALLOWED = {
    "officer": {READ: 200, WRITE: 200},
    "admin": {READ: 200, WRITE: 200},
    "organiser": {READ: 200, WRITE: 403},
    "growth_group": {READ: 403, WRITE: 403},
}


@pytest.fixture
def records(db):
    organisation = OrganisationFactory(name="Cowley Widgets Ltd", postcode="OX4 2JZ")
    twin = OrganisationFactory(name="Cowley Widgets Limited", postcode="OX4 2JZ")
    person = PersonFactory(organisation=organisation, first_name="Ann", last_name="Lee")
    person_twin = PersonFactory(organisation=organisation, first_name="Ann", last_name="Lee")
    return {"org": organisation, "twin": twin, "person": person, "person_twin": person_twin}


def page_urls(records):
    org, twin = records["org"].pk, records["twin"].pk
    person, person_twin = records["person"].pk, records["person_twin"].pk
    return {
        "/organisations/": READ,
        "/organisations/?q=cowley&sector=C&page=2": READ,
        f"/organisations/{org}/": READ,
        "/organisations/new/": WRITE,
        f"/organisations/{org}/edit/": WRITE,
        "/organisations/duplicates/": WRITE,
        f"/organisations/merge/?ids={org}&ids={twin}": WRITE,
        f"/organisations/merge/?ids={org}&ids={twin}&survivor={org}": WRITE,
        "/people/": READ,
        f"/people/?organisation={org}": READ,
        f"/people/{person}/": READ,
        "/people/new/": WRITE,
        f"/people/new/?organisation={org}": WRITE,
        f"/people/{person}/edit/": WRITE,
        "/people/duplicates/": WRITE,
        f"/people/merge/?ids={person}&ids={person_twin}": WRITE,
    }


@pytest.mark.parametrize("role", ["officer", "organiser", "growth_group", "admin", "anonymous"])
def test_it_enforces_the_role_matrix_on_every_contacts_page(role, users, client_for, records):
    client = client_for(users[role])
    for url, access in page_urls(records).items():
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"].startswith("/login/?next="), url
        else:
            assert response.status_code == ALLOWED[role][access], (url, response.status_code)


@pytest.mark.parametrize("role", ["organiser", "growth_group", "anonymous"])
def test_it_refuses_writes_from_roles_that_may_not_write(role, users, client_for, records):
    client = client_for(users[role])
    org, twin = records["org"], records["twin"]
    responses = [
        client.post(
            "/organisations/new/",
            {"name": "Sneaky Ltd", "kind": "business", "rural_urban": "urban", "status": "active"},
        ),
        client.post(
            f"/organisations/{org.pk}/edit/",
            {"name": "Renamed", "kind": "business", "rural_urban": "urban", "status": "active"},
        ),
        client.post("/people/new/", {"first_name": "Sneaky", "lawful_basis": "public_task"}),
        client.post("/organisations/merge/", {"ids": [org.pk, twin.pk], "survivor": org.pk}),
    ]
    expected = 302 if role == "anonymous" else 403
    assert [r.status_code for r in responses] == [expected] * 4
    assert not Organisation.objects.filter(name__in=["Sneaky Ltd", "Renamed"]).exists()
    assert not Person.objects.filter(first_name="Sneaky").exists()
    assert Organisation.objects.filter(pk=twin.pk).exists()


def test_organisers_see_no_create_or_edit_buttons(client_for, organiser, records):
    client = client_for(organiser)
    listing = client.get("/organisations/").content.decode()
    detail = client.get(f"/organisations/{records['org'].pk}/").content.decode()
    person = client.get(f"/people/{records['person'].pk}/").content.decode()
    assert "Add an organisation" not in listing
    assert "Edit details" not in detail and "/log/?organisation=" not in detail
    assert "Edit details" not in person


def test_officers_can_log_a_121_from_the_organisation_page(client_for, officer, records):
    org = records["org"]
    html = client_for(officer).get(f"/organisations/{org.pk}/").content.decode()
    assert f'href="/log/?organisation={org.pk}"' in html
    assert "Log a 1-2-1 with this organisation" in html
    assert f"/organisations/{org.pk}/edit/" in html


# --- Organisation form -------------------------------------------------------------------

GOOD = {
    "name": "Headington Robotics Ltd",
    "company_number": "",
    "kind": "business",
    "sic_codes": "",
    "employees": "",
    "ownership": "",
    "address": "",
    "town": "Oxford",
    "postcode": "",
    "ward": "",
    "local_authority": "Oxford",
    "rural_urban": "urban",
    "tags": "",
    "account_manager": "",
    "status": "active",
}


def test_it_adds_an_organisation_with_normalised_values(client_for, admin_user):
    data = {
        **GOOD,
        "company_number": "sc 123456",
        "sic_codes": "62012, 70229 ",
        "postcode": "ox33 1ab",
        "employees": "25",
        "tags": "life sciences, robotics,",
        "key_account": "true",
        "account_manager": str(admin_user.pk),
    }
    # An admin, who alone may set the account fields (SPEC §1).
    response = client_for(admin_user).post("/organisations/new/", data)
    organisation = Organisation.objects.get(name="Headington Robotics Ltd")
    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{organisation.pk}/"
    assert organisation.company_number == "SC123456"
    assert organisation.postcode == "OX33 1AB"
    assert organisation.sic_codes == ["62012", "70229"]
    assert organisation.sector_code == "J"
    assert organisation.size_band == "small"
    assert organisation.key_account and organisation.account_manager == admin_user
    assert sorted(organisation.tags.values_list("name", flat=True)) == [
        "life sciences",
        "robotics",
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", "Enter the organisation"),
        ({"company_number": "123"}, "company_number", "Enter a company number of 8 characters"),
        ({"sic_codes": "62012 1234"}, "sic_codes", "not a SIC 2007 code"),
        ({"sic_codes": "00000"}, "sic_codes", "not a SIC 2007 code"),
        ({"sic_codes": "62012 62012"}, "sic_codes", "only once"),
        ({"sic_codes": "62012 62020 62030 62090 63110"}, "sic_codes", "at most four"),
        ({"postcode": "NOT A POSTCODE"}, "postcode", "Enter a real UK postcode"),
        ({"employees": "lots"}, "employees", "whole number"),
        ({"employees": "-3"}, "employees", "0 or more"),
        ({"kind": "spaceship"}, "kind", "Select a valid choice"),
        ({"rural_urban": ""}, "rural_urban", "required"),
        ({"tags": "x" * 101}, "tags", "100 characters or fewer"),
    ],
)
def test_a_bad_value_shows_an_error_naming_the_field_and_creates_nothing(
    client_for, officer, changes, field, message
):
    before = Organisation.objects.count()
    response = client_for(officer).post("/organisations/new/", {**GOOD, **changes})
    html = response.content.decode()
    assert response.status_code == 200
    assert Organisation.objects.count() == before
    assert not Tag.objects.exists()
    assert "govuk-error-summary" in html
    assert f'href="#id_{field}"' in html  # the summary links to the field
    assert f'id="id_{field}-error"' in html
    assert message in html
    assert "<title>Error: " in html


def test_an_unknown_account_manager_is_reported_on_its_field(client_for, admin_user):
    # Only admins are offered the field, so only they see its errors.
    response = client_for(admin_user).post(
        "/organisations/new/", {**GOOD, "account_manager": "999999"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert not Organisation.objects.exists()
    assert 'href="#id_account_manager"' in html
    assert 'id="id_account_manager-error"' in html
    assert "Select a valid choice" in html


def test_a_company_number_already_held_is_reported_on_its_field(client_for, officer):
    OrganisationFactory(company_number="01234567")
    response = client_for(officer).post(
        "/organisations/new/", {**GOOD, "company_number": "1234567"}
    )
    html = response.content.decode()
    assert 'href="#id_company_number"' in html
    assert "already exists" in html
    assert Organisation.objects.count() == 1


def test_a_failed_edit_changes_nothing_and_shows_the_stored_name(client_for, officer):
    organisation = OrganisationFactory(name="Original Name Ltd", postcode="OX1 1BX")
    response = client_for(officer).post(
        f"/organisations/{organisation.pk}/edit/",
        {**GOOD, "name": "Changed Name Ltd", "postcode": "12345"},
    )
    organisation.refresh_from_db()
    assert response.status_code == 200
    assert organisation.name == "Original Name Ltd" and organisation.postcode == "OX1 1BX"
    assert 'value="Changed Name Ltd"' in response.content.decode()  # what they typed is kept


def test_the_edit_form_starts_from_the_stored_values(client_for, officer):
    organisation = OrganisationFactory(sic_codes=["62012", "70229"], company_number="01234567")
    organisation.tags.add(Tag.objects.create(name="digital"))
    html = client_for(officer).get(f"/organisations/{organisation.pk}/edit/").content.decode()
    assert 'value="62012, 70229"' in html
    assert 'value="01234567"' in html
    assert 'value="digital"' in html


def test_an_edit_saves_and_says_so(client_for, officer):
    organisation = OrganisationFactory(name="Before Ltd")
    client = client_for(officer)
    response = client.post(
        f"/organisations/{organisation.pk}/edit/", {**GOOD, "name": "After Ltd"}, follow=True
    )
    organisation.refresh_from_db()
    assert organisation.name == "After Ltd"
    assert "After Ltd was updated" in response.content.decode()


def test_unknown_records_are_404_not_500(client_for, officer):
    client = client_for(officer)
    for url in [
        "/organisations/999999/",
        "/organisations/999999/edit/",
        "/people/999999/",
        "/people/999999/edit/",
        "/organisations/merge/?ids=999998&ids=999999",
        "/organisations/merge/?ids=abc",
    ]:
        assert client.get(url).status_code == 404, url


# --- Person form ---------------------------------------------------------------------------

PERSON = {
    "first_name": "Priya",
    "last_name": "Shah",
    "email": "",
    "phone": "",
    "job_title": "",
    "organisation": "",
    "lawful_basis": "public_task",
    "consent_source": "",
}


def test_it_adds_a_person_at_an_organisation_named_or_numbered(client_for, officer):
    org = OrganisationFactory(name="Banbury Foods Ltd", company_number="07654321")
    client = client_for(officer)
    by_name = client.post(
        "/people/new/",
        {**PERSON, "organisation": "banbury foods ltd", "email": "Priya@Banbury.example"},
    )
    by_number = client.post(
        "/people/new/",
        {
            **PERSON,
            "first_name": "Sam",
            "organisation": "7654321",
            "marketing_consent": "true",
            "consent_source": "event sign-up",
        },
    )
    assert by_name.status_code == by_number.status_code == 302
    priya = Person.objects.get(first_name="Priya")
    sam = Person.objects.get(first_name="Sam")
    assert priya.organisation == org and sam.organisation == org
    assert sam.marketing_consent and sam.consent_recorded_at is not None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "Enter their first name"),
        ({"email": "not-an-email"}, "email", "Enter an email address"),
        ({"email": "TAKEN@example.com"}, "email", "already exists"),
        ({"organisation": "No Such Company"}, "organisation", "No organisation is called"),
        ({"organisation": "Twin Ltd"}, "organisation", "More than one organisation"),
        ({"lawful_basis": "because"}, "lawful_basis", "Select a valid choice"),
    ],
)
def test_a_bad_person_value_shows_an_error_naming_the_field_and_creates_nothing(
    client_for, officer, changes, field, message
):
    PersonFactory(email="taken@example.com")
    OrganisationFactory(name="Twin Ltd")
    OrganisationFactory(name="Twin Ltd")
    before = Person.objects.count()
    response = client_for(officer).post("/people/new/", {**PERSON, **changes})
    html = response.content.decode()
    assert Person.objects.count() == before
    assert f'href="#id_{field}"' in html and message in html


def test_a_person_added_from_an_organisation_page_keeps_it_even_when_its_name_is_shared(
    client_for, officer
):
    first = OrganisationFactory(name="Twin Ltd")
    OrganisationFactory(name="Twin Ltd")
    client = client_for(officer)
    form = client.get(f"/people/new/?organisation={first.pk}").content.decode()
    assert 'value="Twin Ltd"' in form
    response = client.post(
        "/people/new/", {**PERSON, "organisation": "Twin Ltd", "for_organisation": first.pk}
    )
    assert response.status_code == 302
    assert Person.objects.get(first_name="Priya").organisation == first


def test_the_person_page_shows_consent_and_do_not_contact(client_for, organiser):
    person = PersonFactory(
        do_not_contact=True,
        lawful_basis="legitimate_interests",
        consent_source="at a breakfast event",
    )
    html = client_for(organiser).get(f"/people/{person.pk}/").content.decode()
    assert "govuk-warning-text" in html and "Do not contact" in html
    assert "Legitimate interests" in html
    assert "at a breakfast event" in html
    assert person.organisation.name in html


# --- Lists: search, filters, paging, queries ------------------------------------------------


def test_the_list_searches_filters_and_pages(client_for, officer):
    manager = UserFactory(role="officer", first_name="Kim", last_name="Adebayo")
    OrganisationFactory(
        name="Abingdon Bakery", sic_codes=["10710"], key_account=True, account_manager=manager
    )
    OrganisationFactory(name="Abingdon Software", sic_codes=["62012"])
    for number in range(3):
        OrganisationFactory(name=f"Zed {number}")
    client = client_for(officer)

    html = client.get("/organisations/?q=abingdon").content.decode()
    assert "Abingdon Bakery" in html and "Abingdon Software" in html and "Zed 0" not in html
    html = client.get("/organisations/?sector=C").content.decode()
    assert "Abingdon Bakery" in html and "Abingdon Software" not in html
    html = client.get("/organisations/?key_account=true").content.decode()
    assert "Abingdon Bakery" in html and "Kim Adebayo" in html and "Zed 0" not in html
    assert "1 organisation found" in html
    html = client.get(f"/organisations/?account_manager={manager.pk}").content.decode()
    assert "Abingdon Bakery" in html and "Abingdon Software" not in html

    first = client.get("/organisations/?page_size=2").content.decode()
    third = client.get("/organisations/?page_size=2&page=3").content.decode()
    assert "5 organisations" in first
    assert 'aria-label="Page 3"' in first and "Abingdon Bakery" in first
    assert "Zed 2" in third and "Abingdon Bakery" not in third
    assert 'href="?page_size=2&amp;page=2"' in third  # paging keeps the query string


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-1",
        "page=99999",
        "page_size=zero",
        "page_size=100000",
        "sector=ZZ",
        "size_band=giant",
        "account_manager=abc",
        "account_manager=999999",
        "key_account=maybe",
        "q=%00",
        "tag=" + "x" * 500,
    ],
)
def test_bad_query_strings_never_cause_a_server_error(client_for, officer, query):
    OrganisationFactory()
    client = client_for(officer)
    assert client.get(f"/organisations/?{query}").status_code == 200
    assert client.get(f"/people/?{query}").status_code == 200


def test_an_invalid_filter_is_reported_on_its_field(client_for, officer):
    html = client_for(officer).get("/organisations/?sector=ZZ").content.decode()
    assert 'href="#id_sector"' in html and "govuk-error-summary" in html


def _organisations_with_links(count, manager):
    tags = [Tag.objects.create(name=f"cluster {n}") for n in range(3)]
    for number in range(count):
        organisation = OrganisationFactory(
            name=f"Org {number:03}", key_account=True, account_manager=manager
        )
        organisation.tags.set(tags)
        PersonFactory(organisation=organisation)


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_list_pages_make_the_same_number_of_queries_for_1_and_50_rows(client_for, officer):
    _organisations_with_links(51, officer)
    client = client_for(officer)
    client.get("/organisations/")  # warm the session
    for url in ["/organisations/", "/people/", "/organisations/?tag=cluster+1&key_account=true"]:
        one = _queries(client, f"{url}{'&' if '?' in url else '?'}page_size=1")
        fifty = _queries(client, f"{url}{'&' if '?' in url else '?'}page_size=50")
        assert one == fifty, (url, one, fifty)
        assert fifty <= 12, (url, fifty)


def test_the_organisation_page_makes_the_same_number_of_queries_with_1_and_50_people(
    client_for, officer
):
    small, large = OrganisationFactory(), OrganisationFactory()
    PersonFactory(organisation=small)
    for _ in range(60):
        PersonFactory(organisation=large)
    client = client_for(officer)
    client.get("/organisations/")
    assert _queries(client, f"/organisations/{small.pk}/") == _queries(
        client, f"/organisations/{large.pk}/"
    )
    html = client.get(f"/organisations/{large.pk}/").content.decode()
    assert "See all 60 people" in html


# --- Timeline ------------------------------------------------------------------------------


@pytest.fixture
def fake_timeline(monkeypatch):
    """A provider like the ones engagement and insights register: 25 dated entries."""
    calls = []

    def provider(organisation, user, before, limit):
        calls.append(before)
        entries = [
            timeline.TimelineEntry(
                date=datetime.date(2026, 1, 1) + datetime.timedelta(days=n),
                kind="interaction" if n % 2 else "insight",
                key=n,
                title=f"Entry number {n}",
                url=f"/somewhere/{n}/",
                summary="What they said",
                tags=["Skills"],
                confidential=n == 24,
            )
            for n in range(25)
        ]
        entries.sort(key=lambda entry: entry.sort_key, reverse=True)
        if before is not None:
            entries = [entry for entry in entries if entry.sort_key < before]
        return entries[:limit]

    monkeypatch.setattr(timeline, "_providers", {"fake": provider})
    return calls


def test_the_organisation_page_shows_its_timeline_with_older_paging(
    client_for, officer, fake_timeline
):
    organisation = OrganisationFactory()
    client = client_for(officer)
    html = client.get(f"/organisations/{organisation.pk}/").content.decode()
    assert '<a class="govuk-link" href="/somewhere/24/">Entry number 24</a>' in html
    assert "Entry number 5" in html and "Entry number 4" not in html  # 20 a page
    assert "Confidential" in html and "Skills" in html and "25 January 2026" in html
    older = html.split('href="?before=')[1].split('#timeline"')[0]
    html = client.get(f"/organisations/{organisation.pk}/?before={older}").content.decode()
    assert "Entry number 4" in html and "Entry number 5" not in html
    assert "Newest entries" in html and "Older entries" not in html
    assert fake_timeline[-1] == (datetime.date(2026, 1, 6), "interaction", 5)


def test_a_malformed_timeline_cursor_starts_from_the_newest(client_for, officer, fake_timeline):
    organisation = OrganisationFactory()
    response = client_for(officer).get(f"/organisations/{organisation.pk}/?before=garbage")
    assert response.status_code == 200 and "Entry number 24" in response.content.decode()


# --- Duplicates and merge --------------------------------------------------------------------


def test_merging_organisations_through_the_pages_moves_their_links(client_for, officer, records):
    org, twin = records["org"], records["twin"]
    moved = PersonFactory(organisation=twin)
    twin.tags.add(Tag.objects.create(name="food"))
    client = client_for(officer)

    duplicates = client.get("/organisations/duplicates/").content.decode()
    assert "Cowley Widgets Ltd" in duplicates and "Cowley Widgets Limited" in duplicates
    assert f'name="ids" value="{twin.pk}"' in duplicates

    confirm = client.get(
        f"/organisations/merge/?ids={org.pk}&ids={twin.pk}&survivor={org.pk}"
    ).content.decode()
    assert "Check before you merge" in confirm
    assert '<th scope="row" class="govuk-table__header">People</th>' in confirm

    response = client.post(
        "/organisations/merge/", {"ids": [org.pk, twin.pk], "survivor": org.pk}, follow=True
    )
    assert "1 record merged into Cowley Widgets Ltd" in response.content.decode()
    assert not Organisation.objects.filter(pk=twin.pk).exists()
    moved.refresh_from_db()
    assert moved.organisation == org
    assert list(org.tags.values_list("name", flat=True)) == ["food"]


def test_the_merge_page_asks_for_a_survivor_when_none_is_chosen(client_for, officer, records):
    org, twin = records["org"], records["twin"]
    client = client_for(officer)
    response = client.post("/organisations/merge/", {"ids": [org.pk, twin.pk]})
    html = response.content.decode()
    assert "Choose the record to keep" in html and 'href="#id_survivor"' in html
    assert Organisation.objects.filter(pk=twin.pk).exists()
    other = OrganisationFactory()
    response = client.get(f"/organisations/merge/?ids={org.pk}&ids={twin.pk}&survivor={other.pk}")
    assert "Choose one of the records listed" in response.content.decode()


def test_merging_people_through_the_pages_keeps_do_not_contact(client_for, officer, records):
    person, twin = records["person"], records["person_twin"]
    Person.objects.filter(pk=twin.pk).update(do_not_contact=True)
    client = client_for(officer)
    duplicates = client.get("/people/duplicates/").content.decode()
    assert "Ann Lee" in duplicates
    response = client.post("/people/merge/", {"ids": [person.pk, twin.pk], "survivor": person.pk})
    assert response.status_code == 302 and response["Location"] == f"/people/{person.pk}/"
    person.refresh_from_db()
    assert person.do_not_contact
    assert not Person.objects.filter(pk=twin.pk).exists()


def test_merging_organisations_that_share_a_tag_keeps_one_link(client_for, officer, records):
    org, twin = records["org"], records["twin"]
    tag = Tag.objects.create(name="food")
    org.tags.add(tag)
    twin.tags.add(tag)
    response = client_for(officer).post(
        "/organisations/merge/", {"ids": [org.pk, twin.pk], "survivor": org.pk}
    )
    assert response.status_code == 302
    assert list(org.tags.all()) == [tag]


def test_the_filter_panel_offers_any_rather_than_dashes(client_for, officer):
    html = client_for(officer).get("/organisations/").content.decode()
    assert "---------" not in html
    assert '<option value="" selected>Any sector</option>' in html


def test_the_count_stops_at_the_cap_and_says_more_than(client_for, officer, monkeypatch):
    from contacts.views import common

    monkeypatch.setattr(common, "COUNT_CAP", 3)
    for number in range(5):
        OrganisationFactory(name=f"Capped {number}")
        PersonFactory(organisation=None, last_name=f"Capped{number}")
    client = client_for(officer)
    html = client.get("/organisations/?page_size=2").content.decode()
    assert "More than 3 organisations" in html and "Only the first 3 are listed" in html
    assert 'aria-label="Page 2"' in html and 'aria-label="Page 3"' not in html
    assert "More than 3 people" in client.get("/people/").content.decode()
    html = client.get("/organisations/?q=capped+1").content.decode()
    assert "1 organisation found" in html and "More than" not in html


def test_the_people_list_filters_by_consent_and_do_not_contact(client_for, organiser):
    PersonFactory(first_name="Quietzz", do_not_contact=True)
    PersonFactory(first_name="Keenzz", marketing_consent=True)
    client = client_for(organiser)
    html = client.get("/people/?do_not_contact=true").content.decode()
    assert "Quietzz" in html and "Keenzz" not in html and "1 applied" in html
    html = client.get("/people/?marketing_consent=true").content.decode()
    assert "Keenzz" in html and "Quietzz" not in html


def test_the_list_orders_by_name_ignoring_the_and_ltd(client_for, officer):
    for name in ["Zebra Design", "The Oxford Bakery Ltd", "Abbey Print", "oxford bikes"]:
        OrganisationFactory(name=name)
    html = client_for(officer).get("/organisations/").content.decode()
    positions = [
        html.index(name)
        for name in ["Abbey Print", "The Oxford Bakery Ltd", "oxford bikes", "Zebra Design"]
    ]
    assert positions == sorted(positions)


def test_sending_a_merge_twice_says_it_is_done_already(client_for, officer, records):
    org, twin = records["org"], records["twin"]
    client = client_for(officer)
    data = {"ids": [org.pk, twin.pk], "survivor": org.pk}
    assert client.post("/organisations/merge/", data).status_code == 302
    again = client.post("/organisations/merge/", data, follow=True)
    assert again.status_code == 200
    assert "merged or deleted already" in again.content.decode()
    assert Organisation.objects.filter(pk=org.pk).exists()


def test_an_organisation_still_saves_after_its_manager_left_the_officer_role(client_for, officer):
    former = UserFactory(role=None, first_name="Former", last_name="Manager")
    organisation = OrganisationFactory(name="Kept Ltd", account_manager=former)
    client = client_for(officer)
    assert (
        "Former Manager" in client.get(f"/organisations/{organisation.pk}/edit/").content.decode()
    )
    assert "Former Manager" not in client.get("/organisations/new/").content.decode()
    response = client.post(
        f"/organisations/{organisation.pk}/edit/",
        {**GOOD, "name": "Kept Ltd", "account_manager": former.pk},
    )
    assert response.status_code == 302


def test_selected_filters_are_listed_with_links_that_remove_them(client_for, officer):
    OrganisationFactory(sic_codes=["10710"])
    html = client_for(officer).get("/organisations/?sector=C&size_band=small&page=1").content
    html = html.decode()
    assert "Selected filters" in html
    assert "Sector: C: Manufacturing" in html and "Size: Small (10–49)" in html
    assert 'href="?size_band=small"' in html  # removes the sector, and the page number
    assert 'href="?sector=C"' in html
