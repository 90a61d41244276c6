"""factory_boy factories shared by the test suite."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from contacts.models import Organisation, Person


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@council.example")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and extracted:
            # get_or_create: transactional tests flush the groups the migration made.
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])
            if extracted == "admin":
                self.is_staff = self.is_superuser = True
                self.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Example Business {n} Ltd")
    kind = "business"
    sic_codes = factory.LazyFunction(lambda: ["62012"])
    employees = 12
    postcode = "OX1 1BX"
    town = "Oxford"
    ward = "Carfax"
    local_authority = "Oxford"
    rural_urban = "urban"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.Sequence(lambda n: f"person{n}@business.example")
    organisation = factory.SubFactory(OrganisationFactory)
