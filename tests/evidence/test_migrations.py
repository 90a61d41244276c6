"""A database migrated before the apps were laid out anew (evidence summaries in insights, no
core, evidence or demo app) migrates forward with every row kept."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

# The last migration of each app before the layout change.
BEFORE = [
    ("contacts", "0005_perf_person_search_indexes"),
    ("engagement", "0003_perf_interaction_indexes"),
    ("insights", "0003_perf_insight_theme_index"),
    ("evidence", None),
]


def _migrate(targets: list[tuple[str, str | None]]):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _latest() -> list[tuple[str, str | None]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_layout():  # type: ignore[no-untyped-def]
    """The apps of a database at the old layout; the database is migrated forward again
    afterwards whatever the test did, so the tests after it find the current schema."""
    try:
        yield _migrate(BEFORE)
    finally:
        _migrate(_latest())


def test_a_database_from_before_the_new_layout_keeps_every_row(old_layout):
    old = old_layout
    user = old.get_model("auth", "User").objects.create(username="olivia")
    organisation = old.get_model("contacts", "Organisation").objects.create(name="Cowley Bikes")
    interaction = old.get_model("engagement", "Interaction").objects.create(
        kind="meeting", occurred_on=datetime.date(2026, 3, 2), title="1-2-1", officer=user
    )
    interaction.organisations.add(organisation)
    insight = old.get_model("insights", "Insight").objects.create(
        organisation=organisation,
        interaction=interaction,
        statement="They cannot find a bigger unit",
        recorded_on=datetime.date(2026, 3, 2),
        created_by=user,
    )
    # A transactional test may run after others have emptied the taxonomy's table.
    premises = old.get_model("insights", "Theme").objects.get_or_create(
        slug="premises", defaults={"name": "Premises"}
    )[0]
    insight.themes.add(premises)
    summary = old.get_model("insights", "EvidenceSummary").objects.create(
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
        status="done",
        progress=100,
        result={"engaged_organisations": 1, "themes": []},
        published=True,
        requested_by=user,
        sectors=["C"],
    )
    content_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="insights", model="evidencesummary"
    )[0]

    new = _migrate(_latest())

    moved = new.get_model("evidence", "EvidenceSummary").objects.get()
    assert moved.pk == summary.pk
    assert (moved.period_start, moved.period_end) == (summary.period_start, summary.period_end)
    assert moved.result == {"engaged_organisations": 1, "themes": []}
    assert moved.published and moved.sectors == ["C"] and moved.requested_by_id == user.pk
    assert new.get_model("contacts", "Organisation").objects.get().name == "Cowley Bikes"
    kept = new.get_model("insights", "Insight").objects.get()
    assert kept.pk == insight.pk
    assert list(kept.themes.values_list("slug", flat=True)) == ["premises"]
    assert new.get_model("engagement", "Interaction").objects.get().pk == interaction.pk
    # Permissions and audit entries point at the content type, which moved with the model.
    moved_type = new.get_model("contenttypes", "ContentType").objects.get(pk=content_type.pk)
    assert (moved_type.app_label, moved_type.model) == ("evidence", "evidencesummary")
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    assert "evidence_evidencesummary" in tables
    assert "insights_evidencesummary" not in tables
