import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts import selectors
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_it_finds_people_duplicated_at_one_organisation_in_two_queries():
    organisations = OrganisationFactory.create_batch(5)
    for organisation in organisations:
        PersonFactory.create_batch(2, first_name="Ann", last_name="Lee", organisation=organisation)
    PersonFactory(first_name="Ann", last_name="Lee", organisation=OrganisationFactory())
    with CaptureQueriesContext(connection) as queries:
        groups = selectors.person_duplicates()
    assert len(queries) == 2
    assert len(groups) == 5
    assert all(len(people) == 2 for _, people in groups)
    assert {people[0].organisation_id for _, people in groups} == {o.pk for o in organisations}


def test_it_finds_organisations_sharing_a_name_and_postcode():
    OrganisationFactory(name="The Oxford Bakery Ltd", postcode="OX1 1BX", company_number="")
    OrganisationFactory(name="Oxford Bakery", postcode="ox11bx", company_number="")
    OrganisationFactory(name="Oxford Bakery", postcode="OX4 1AA", company_number="")
    groups = selectors.organisation_duplicates()
    assert [len(orgs) for _, orgs in groups] == [2]
