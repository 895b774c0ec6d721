"""The outbox (``Notification``) moves from the repairs app to the core, so that messages that are
not about a repair record (a department's notice) use it too.

No row is copied: the model's state is created here over the existing table (state only), the
repairs app drops its state in its next migration, and the table is renamed in place. The new
columns are added to the same table: ``point`` (the tenant) filled from each message's ticket by
one UPDATE, ``kind`` (every existing row is a customer message about a repair), ``notice``; the
link to the repair record becomes optional. A pending message stays pending and is sent by the
same task, now ``servicedesk.tasks.notifications_send_task``. A department gets a mobile number
its notices are also sent to."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def fill_point(apps, schema_editor):
    """Each message's point is its ticket's: one UPDATE, however many rows."""
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE repairs_notification AS n SET point_id = t.point_id"
                " FROM repairs_repairticket AS t WHERE t.id = n.ticket_id"
            )
            # The new foreign key is checked now, not at commit, so the table can be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        else:
            cursor.execute(
                "UPDATE repairs_notification SET point_id = (SELECT t.point_id"
                " FROM repairs_repairticket AS t WHERE t.id = repairs_notification.ticket_id)"
            )


class Migration(migrations.Migration):

    dependencies = [
        ('servicedesk', '0016_complaint_first_reply_hours'),
        # The outbox as repairs last changed it (its lease column): later repairs migrations do
        # not touch it, so migrating repairs back before them keeps the outbox where it is.
        ('repairs', '0010_notification_claimed_at'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('channel', models.CharField(default='sms', max_length=16, verbose_name='channel')),
                        ('to', models.CharField(max_length=20, verbose_name='to')),
                        ('text', models.CharField(max_length=500, verbose_name='text')),
                        ('status', models.CharField(choices=[('pending', 'To send'), ('sent', 'Sent'), ('failed', 'Failed')], default='pending', max_length=16, verbose_name='status')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                        ('last_error', models.CharField(blank=True, max_length=255, verbose_name='last error')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                        ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='claimed for sending at')),
                        ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='repairs.repairticket', verbose_name='repair record')),
                    ],
                    options={
                        'verbose_name': 'notification',
                        'verbose_name_plural': 'notifications',
                        'ordering': ['created_at', 'id'],
                        'db_table': 'repairs_notification',
                        'indexes': [models.Index(fields=['status', 'created_at'], name='notification_status_created')],
                    },
                ),
            ],
        ),
        migrations.AlterField(
            model_name='notification',
            name='ticket',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='repairs.repairticket', verbose_name='repair record'),
        ),
        migrations.AddField(
            model_name='notification',
            name='kind',
            field=models.CharField(choices=[('customer_repair', 'Message to the customer about a repair'), ('department_notice', 'Department notice')], default='customer_repair', max_length=32, verbose_name='kind'),
        ),
        migrations.AddField(
            model_name='notification',
            name='notice',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='message', to='servicedesk.departmentnotice', verbose_name='department notice'),
        ),
        migrations.AddField(
            model_name='notification',
            name='point',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='servicedesk.servicepoint', verbose_name='service point'),
        ),
        migrations.RunPython(fill_point, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name='notification',
            name='point',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='servicedesk.servicepoint', verbose_name='service point'),
        ),
        migrations.AlterModelTable(name='notification', table=None),
        migrations.AddField(
            model_name='department',
            name='message_phone',
            field=models.CharField(blank=True, help_text='When set, each notice for this department is also sent to this mobile number by SMS.', max_length=20, verbose_name='mobile for messages'),
        ),
    ]
