"""Ship the theme taxonomy of SPEC §2 (insights: Theme). Admins edit it afterwards; this
migration only creates what is missing, so re-running it never overwrites their changes."""

from django.db import migrations

# (slug, name, description, [(slug, name), ...]) in the order SPEC §2 lists them.
TAXONOMY = [
    (
        "growth-markets",
        "Growth and markets",
        "Where the business sees its markets going and how it plans to grow.",
        [
            ("market-trends", "Market trends"),
            ("growth-plans", "Growth plans"),
            ("exporting", "Exporting"),
        ],
    ),
    (
        "growth-barriers",
        "Barriers to growth",
        "What holds the business back.",
        [
            ("premises", "Premises"),
            ("skilled-labour", "Skilled labour"),
            ("cost-of-living", "Cost of living"),
            ("housing", "Housing"),
            ("transport", "Transport"),
            ("digital-connectivity", "Digital connectivity"),
            ("regulation", "Regulation"),
        ],
    ),
    (
        "skills",
        "Skills and workforce",
        "Recruiting, training and keeping people.",
        [
            ("recruitment", "Recruitment"),
            ("apprenticeships", "Apprenticeships"),
            ("progression", "Progression"),
            ("training-provision", "Training provision"),
        ],
    ),
    (
        "finance",
        "Finance and investment",
        "Raising money and being ready for investment.",
        [
            ("access-to-finance", "Access to finance"),
            ("grants", "Grants"),
            ("investment-readiness", "Investment readiness"),
        ],
    ),
    (
        "supply-chains",
        "Supply chains",
        "Buying and selling through local and wider supply chains.",
        [
            ("local-suppliers", "Local suppliers"),
            ("procurement", "Procurement"),
            ("resilience", "Resilience"),
        ],
    ),
    (
        "innovation",
        "Innovation and R&D",
        "Research, development and adopting new technology.",
        [
            ("research-development", "Research and development"),
            ("university-links", "University links"),
            ("innovation-support", "Innovation support"),
            ("technology-adoption", "Technology adoption"),
        ],
    ),
]


def load_taxonomy(apps, schema_editor):  # type: ignore[no-untyped-def]
    Theme = apps.get_model("insights", "Theme")
    for position, (slug, name, description, children) in enumerate(TAXONOMY, start=1):
        parent, _ = Theme.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "position": position},
        )
        for child_position, (child_slug, child_name) in enumerate(children, start=1):
            Theme.objects.get_or_create(
                slug=child_slug,
                defaults={"name": child_name, "parent": parent, "position": child_position},
            )


def unload_taxonomy(apps, schema_editor):  # type: ignore[no-untyped-def]
    Theme = apps.get_model("insights", "Theme")
    child_slugs = [slug for _, _, _, children in TAXONOMY for slug, _ in children]
    # Themes already on insights are kept (PROTECT); only unused shipped themes go.
    Theme.objects.filter(slug__in=child_slugs, insights__isnull=True).delete()
    Theme.objects.filter(
        slug__in=[slug for slug, _, _, _ in TAXONOMY], children__isnull=True, insights__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_initial")]

    operations = [migrations.RunPython(load_taxonomy, unload_taxonomy)]
