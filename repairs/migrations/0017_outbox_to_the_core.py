"""The outbox now belongs to the core (servicedesk 0017 took over its table and rows): state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('repairs', '0016_return_batches'),
        ('servicedesk', '0017_outbox_in_the_core'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Notification')],
        ),
    ]
