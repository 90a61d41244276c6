"""Factories for evidence-summary tests: the SPEC §2 taxonomy, interactions and insights."""

import factory

from engagement.models import Interaction
from evidence.models import EvidenceSummary
from insights.models import Insight, Theme
from tests.factories import OrganisationFactory

# SPEC §2: the taxonomy shipped with PlaceVoice.
TAXONOMY = {
    "growth-markets": ("Growth and markets", ["market-trends", "growth-plans", "exporting"]),
    "growth-barriers": (
        "Barriers to growth",
        [
            "premises",
            "skilled-labour",
            "cost-of-living",
            "housing",
            "transport",
            "digital-connectivity",
            "regulation",
        ],
    ),
    "skills": (
        "Skills and workforce",
        ["recruitment", "apprenticeships", "progression", "training-provision"],
    ),
    "finance": ("Finance and investment", ["access-to-finance", "grants", "investment-readiness"]),
    "supply-chains": ("Supply chains", ["local-suppliers", "procurement", "resilience"]),
    "innovation": (
        "Innovation and R&D",
        ["research-development", "university-links", "innovation-support", "technology-adoption"],
    ),
}


def taxonomy() -> dict[str, Theme]:
    """The SPEC taxonomy (whether or not a migration seeded it), every theme active, by slug."""
    themes: dict[str, Theme] = {}
    for position, (slug, (name, children)) in enumerate(TAXONOMY.items()):
        top, _ = Theme.objects.update_or_create(
            slug=slug, defaults={"name": name, "parent": None, "active": True, "position": position}
        )
        themes[slug] = top
        for child_position, child in enumerate(children):
            themes[child], _ = Theme.objects.update_or_create(
                slug=child,
                defaults={
                    "name": child.replace("-", " ").capitalize(),
                    "parent": top,
                    "active": True,
                    "position": child_position,
                },
            )
    # Any other top-level theme (an admin's addition) is retired so the listing is exactly
    # the SPEC's six.
    Theme.objects.filter(parent=None).exclude(slug__in=list(TAXONOMY)).update(active=False)
    return themes


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction
        skip_postgeneration_save = True

    kind = "meeting"
    title = factory.Sequence(lambda n: f"1-2-1 number {n}")
    occurred_on = factory.Faker("date_this_decade")
    confidential = False

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            self.organisations.set(extracted)


class InsightFactory(factory.django.DjangoModelFactory):
    """`confidential` is kept as the services keep it: a confidential attribution or a
    confidential interaction."""

    class Meta:
        model = Insight
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "observation"
    statement = factory.Sequence(lambda n: f"Statement {n}")
    quote = ""
    attribution = "anonymous"
    recorded_on = factory.Faker("date_this_decade")
    confidential = factory.LazyAttribute(
        lambda o: (
            o.attribution == "confidential"
            or bool(o.interaction is not None and o.interaction.confidential)
        )
    )
    interaction = None

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            self.themes.set(extracted)


class EvidenceSummaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvidenceSummary

    period_start = factory.Faker("date_object")
    period_end = factory.LazyAttribute(lambda o: o.period_start)
    status = "queued"
