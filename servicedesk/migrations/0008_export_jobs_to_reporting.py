"""ExportJob now belongs to the reporting app (its table is kept and renamed there)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('servicedesk', '0007_refused_quote_fee'),
        ('reporting', '0001_export_jobs_from_core'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ExportJob')],
        ),
    ]
