"""The duplicates and merge pages: choose the record to keep, see what moves, merge."""

import pytest

from contacts.models import Organisation, Person, Tag
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


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


def test_sending_a_merge_twice_says_it_is_done_already(client_for, officer, records):
    org, twin = records["org"], records["twin"]
    client = client_for(officer)
    data = {"ids": [org.pk, twin.pk], "survivor": org.pk}
    assert client.post("/organisations/merge/", data).status_code == 302
    again = client.post("/organisations/merge/", data, follow=True)
    assert again.status_code == 200
    assert "merged or deleted already" in again.content.decode()
    assert Organisation.objects.filter(pk=org.pk).exists()
