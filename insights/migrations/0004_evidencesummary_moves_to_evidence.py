"""EvidenceSummary now belongs to the evidence app (see evidence 0001): drop it from this
app's state only; the table stays until evidence 0002 renames it."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("insights", "0003_perf_insight_theme_index"),
        ("evidence", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="EvidenceSummary")],
            database_operations=[],
        ),
    ]
