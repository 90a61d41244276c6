"""Index for insights by theme at volume (`make bench`), PostgreSQL only.

(theme_id, insight_id) on the insight ⨝ theme table: filtering insights by a theme and its
sub-themes reads only the index (Django's index on theme_id alone goes back to the table for
every one of hundreds of thousands of rows). A no-op on SQLite; model state untouched.
"""

from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS insight_themes_by_theme_idx "
    "ON insights_insight_themes (theme_id, insight_id)",
]
BACKWARD = ["DROP INDEX IF EXISTS insight_themes_by_theme_idx"]


def _run(statements):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("insights", "0002_theme_taxonomy")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
