"""The organisation pages: forms, the list's search, filters and paging, the timeline, and
query counts that stay flat."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts import timeline
from contacts.models import Organisation, Tag
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


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


def test_the_filter_panel_offers_any_rather_than_dashes(client_for, officer):
    html = client_for(officer).get("/organisations/").content.decode()
    assert "---------" not in html
    assert '<option value="" selected>Any sector</option>' in html


def test_the_list_orders_by_name_ignoring_the_and_ltd(client_for, officer):
    for name in ["Zebra Design", "The Oxford Bakery Ltd", "Abbey Print", "oxford bikes"]:
        OrganisationFactory(name=name)
    html = client_for(officer).get("/organisations/").content.decode()
    positions = [
        html.index(name)
        for name in ["Abbey Print", "The Oxford Bakery Ltd", "oxford bikes", "Zebra Design"]
    ]
    assert positions == sorted(positions)


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
