from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0001_export_jobs_from_core'),
        ('servicedesk', '0008_export_jobs_to_reporting'),
    ]

    operations = [
        migrations.AlterModelTable(name='exportjob', table=None),
    ]
