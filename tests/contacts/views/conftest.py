import pytest

from tests.factories import OrganisationFactory, PersonFactory


@pytest.fixture
def records(db):
    organisation = OrganisationFactory(name="Cowley Widgets Ltd", postcode="OX4 2JZ")
    twin = OrganisationFactory(name="Cowley Widgets Limited", postcode="OX4 2JZ")
    person = PersonFactory(organisation=organisation, first_name="Ann", last_name="Lee")
    person_twin = PersonFactory(organisation=organisation, first_name="Ann", last_name="Lee")
    return {"org": organisation, "twin": twin, "person": person, "person_twin": person_twin}
