"""Trigram indexes for the people search at volume, PostgreSQL only.

The search matches each word against first name, last name or email with `icontains`
(`UPPER(column) LIKE UPPER('%…%')`), which no B-tree can serve: at 200,000 people every search
read the whole table (~350 ms). One pg_trgm GIN index per column lets PostgreSQL combine them
with a BitmapOr. A no-op on SQLite, as contacts.0003.
"""

from django.db import migrations

COLUMNS = ("first_name", "last_name", "email")
FORWARD = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"] + [
    f"CREATE INDEX IF NOT EXISTS person_{column}_trgm_idx ON contacts_person "
    f"USING gin (UPPER({column}::text) gin_trgm_ops)"
    for column in COLUMNS
]
BACKWARD = [f"DROP INDEX IF EXISTS person_{column}_trgm_idx" for column in COLUMNS]


def _run(statements):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("contacts", "0004_person_erased_at")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
