"""Factories for interactions, actions and insights."""

import datetime

import factory
import pytest
from django.utils import timezone

from engagement.models import Action, Interaction
from insights.models import Insight, Theme
from tests.factories import OrganisationFactory, UserFactory


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction
        skip_postgeneration_save = True

    kind = "meeting"
    occurred_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    title = factory.Sequence(lambda n: f"1-2-1 number {n}")
    notes = "Talked about growth plans."
    officer = factory.SubFactory(UserFactory, role="officer")
    participation_level = "consult"
    confidential = False

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):
        if not create:
            return
        self.organisations.set(extracted if extracted is not None else [OrganisationFactory()])

    @factory.post_generation
    def people(self, create, extracted, **kwargs):
        if create and extracted:
            self.people.set(extracted)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    organisation = factory.SubFactory(OrganisationFactory)
    description = factory.Sequence(lambda n: f"Send the grant guidance, number {n}")
    assignee = factory.SubFactory(UserFactory, role="officer")
    created_by = factory.SelfAttribute("assignee")
    due_on = None


def theme(slug: str) -> Theme:
    return Theme.objects.get(slug=slug)


class InsightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Insight
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    interaction = None
    kind = "barrier"
    severity = 3
    statement = factory.Sequence(lambda n: f"They cannot find premises to grow into ({n})")
    quote = ""
    attribution = "anonymous"
    confidential = factory.LazyAttribute(
        lambda o: (
            o.attribution == "confidential"
            or bool(o.interaction is not None and o.interaction.confidential)
        )
    )
    recorded_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    created_by = factory.SubFactory(UserFactory, role="officer")

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if not create:
            return
        slugs = extracted if extracted is not None else ["premises"]
        self.themes.set(Theme.objects.filter(slug__in=slugs))


def ensure_taxonomy() -> None:
    """Load the shipped taxonomy again: transactional tests (browser, concurrency) flush the
    tables the data migration filled, for every test that runs after them."""
    import importlib

    from django.apps import apps

    if Theme.objects.filter(parent__isnull=False).count() >= 24:
        return

    migration = importlib.import_module("insights.migrations.0002_theme_taxonomy")
    migration.load_taxonomy(apps, None)


@pytest.fixture
def taxonomy(db):
    ensure_taxonomy()


def log_post_data(organisation, /, *, insights=(), actions=(), **overrides):
    """POST data for /log/ as the browser sends it."""
    data = {
        "organisation": str(organisation.pk) if organisation is not None else "",
        "organisation_search": organisation.name if organisation is not None else "",
        "kind": "meeting",
        "occurred_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "title": "",
        "notes": "Met the managing director.",
        "participation_level": "consult",
        "insights-TOTAL_FORMS": str(len(insights)),
        "insights-INITIAL_FORMS": "0",
        "actions-TOTAL_FORMS": str(len(actions)),
        "actions-INITIAL_FORMS": "0",
    }
    for index, row in enumerate(insights):
        values = {"kind": "barrier", "attribution": "anonymous", "severity": "", "quote": ""}
        values.update(row)
        for key, value in values.items():
            data[f"insights-{index}-{key}"] = value
    for index, row in enumerate(actions):
        for key, value in row.items():
            data[f"actions-{index}-{key}"] = value
    data.update(overrides)
    return data
