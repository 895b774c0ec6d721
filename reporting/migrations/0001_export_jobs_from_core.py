"""ExportJob moves from the core to the reporting app: the table stays, only the model's owner
changes (state only); the next migration renames the table."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('servicedesk', '0007_refused_quote_fee'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ExportJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('monthly', 'Monthly report to the regional center'), ('on_demand', 'On demand')], max_length=16, verbose_name='kind')),
                        ('date_from', models.DateField(verbose_name='from')),
                        ('date_to', models.DateField(verbose_name='to (inclusive)')),
                        ('status', models.CharField(choices=[('pending', 'Queued'), ('running', 'Running'), ('done', 'Ready'), ('failed', 'Failed')], default='pending', max_length=16, verbose_name='status')),
                        ('rows_total', models.PositiveIntegerField(blank=True, null=True, verbose_name='rows')),
                        ('rows_done', models.PositiveIntegerField(default=0, verbose_name='rows written')),
                        ('file_name', models.CharField(blank=True, max_length=255, verbose_name='file')),
                        ('file_size', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='size (bytes)')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='requested at')),
                        ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started at')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                        ('error', models.CharField(blank=True, max_length=255, verbose_name='error')),
                        ('point', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='exports', to='servicedesk.servicepoint', verbose_name='service point')),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                    ],
                    options={
                        'verbose_name': 'export',
                        'verbose_name_plural': 'exports',
                        'ordering': ['-created_at', '-id'],
                        'db_table': 'servicedesk_exportjob',
                        'indexes': [models.Index(fields=['point', 'kind', '-date_from'], name='export_point_kind_from')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('kind', 'monthly')), fields=('point', 'date_from'), name='one_monthly_export_per_point_and_month'), models.CheckConstraint(condition=models.Q(('date_from__lte', models.F('date_to'))), name='export_range_in_order')],
                    },
                ),
            ],
        ),
    ]
