"""Indexes for the organisation list at volume (`make bench`), PostgreSQL only.

- (name, id): the list's order, so the first page is an index scan, not a sort of every row.
- A trigram GIN index on UPPER(name): Django's `name__icontains` is `UPPER(name) LIKE
  UPPER('%…%')`, which no B-tree can serve; pg_trgm turns the search into a bitmap scan.

SQLite (the embedded default) needs neither at its sizes, so this is a no-op there and the
model state is untouched (nothing for makemigrations to see).
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS organisation_name_id_idx ON contacts_organisation (name, id)",
    "CREATE INDEX IF NOT EXISTS organisation_name_trgm_idx ON contacts_organisation "
    "USING gin (UPPER(name::text) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS organisation_name_trgm_idx",
    "DROP INDEX IF EXISTS organisation_name_id_idx",
]


def _run(statements):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("contacts", "0002_roles")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
