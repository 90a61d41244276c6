"""Give the moved EvidenceSummary its own app's table name, and move its content type so
permissions and audit-log entries that point at it keep pointing at it."""

from django.db import migrations


def move_content_type(apps, schema_editor):  # type: ignore[no-untyped-def]
    content_type = apps.get_model("contenttypes", "ContentType")
    if content_type.objects.filter(app_label="evidence", model="evidencesummary").exists():
        return
    content_type.objects.filter(app_label="insights", model="evidencesummary").update(
        app_label="evidence"
    )


def restore_content_type(apps, schema_editor):  # type: ignore[no-untyped-def]
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="evidence", model="evidencesummary").update(
        app_label="insights"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("evidence", "0001_initial"),
        ("insights", "0004_evidencesummary_moves_to_evidence"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="evidencesummary", table=None),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
