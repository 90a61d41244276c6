"""Indexes for interactions at volume (`make bench`), PostgreSQL only.

- interaction ⨝ organisation by organisation first, covering both ids: an organisation's
  timeline and "days since last contact" read only the index (Django's own index on
  organisation_id alone sends every row back to the table).
- (officer_id, id): the confidentiality rule's "interactions this officer logged" becomes an
  index-only scan instead of reading ~1 page per interaction.
- (id) INCLUDE (occurred_on, officer_id, confidential): looking up an interaction's date or
  visibility by id (last contact per key account, visibility checks) without the table.

SQLite (the embedded default) needs none of them at its sizes: a no-op there, and the model
state is untouched.
"""

from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS interaction_org_by_org_idx "
    "ON engagement_interaction_organisations (organisation_id, interaction_id)",
    "CREATE INDEX IF NOT EXISTS interaction_officer_id_idx "
    "ON engagement_interaction (officer_id, id)",
    "CREATE INDEX IF NOT EXISTS interaction_id_covering_idx "
    "ON engagement_interaction (id) INCLUDE (occurred_on, officer_id, confidential)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS interaction_id_covering_idx",
    "DROP INDEX IF EXISTS interaction_officer_id_idx",
    "DROP INDEX IF EXISTS interaction_org_by_org_idx",
]


def _run(statements):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("engagement", "0002_registration_constraints")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
