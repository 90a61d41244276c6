"""EvidenceSummary moves from insights to evidence, keeping its table and rows.

The model is created in this app's state only (its table already exists as
insights_evidencesummary); insights 0004 drops it from that app's state; 0002 here renames the
table and moves the content type, so permissions and audit-log entries follow it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("insights", "0003_perf_insight_theme_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='EvidenceSummary',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('period_start', models.DateField()),
                        ('period_end', models.DateField()),
                        ('themes', models.JSONField(blank=True, default=list, help_text='Theme slugs; empty = all')),
                        ('sectors', models.JSONField(blank=True, default=list, help_text='SIC section letters')),
                        ('size_bands', models.JSONField(blank=True, default=list)),
                        ('local_authorities', models.JSONField(blank=True, default=list)),
                        ('key_accounts_only', models.BooleanField(default=False)),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=16)),
                        ('progress', models.PositiveSmallIntegerField(default=0)),
                        ('error', models.TextField(blank=True, default='')),
                        ('result', models.JSONField(blank=True, null=True)),
                        ('published', models.BooleanField(default=False)),
                        ('published_at', models.DateTimeField(blank=True, null=True)),
                        ('scheduled', models.BooleanField(default=False, help_text='Requested by the monthly schedule')),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('updated', models.DateTimeField(auto_now=True)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='published_summaries', to=settings.AUTH_USER_MODEL)),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='requested_summaries', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'insights_evidencesummary',
                        'verbose_name_plural': 'evidence summaries',
                        'ordering': ['-created', '-id'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('period_end__gte', models.F('period_start'))), name='summary_period_ordered'), models.CheckConstraint(condition=models.Q(('progress__gte', 0), ('progress__lte', 100)), name='summary_progress_range'), models.CheckConstraint(condition=models.Q(('published', False), ('status', 'done'), _connector='OR'), name='summary_published_when_done')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
