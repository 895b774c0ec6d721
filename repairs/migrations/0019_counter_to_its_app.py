"""The counter money now belongs to its own app (counter 0001 took over its tables and rows):
state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('repairs', '0018_parts_to_their_app'),
        ('counter', '0001_counter_in_its_app'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='moneyentry',
                name='cash_up',
            ),
            migrations.RemoveField(
                model_name='moneyentry',
                name='approved_by',
            ),
            migrations.RemoveField(
                model_name='moneyentry',
                name='by',
            ),
            migrations.RemoveField(
                model_name='moneyentry',
                name='method',
            ),
            migrations.RemoveField(
                model_name='moneyentry',
                name='ticket',
            ),
            migrations.RemoveField(
                model_name='payment',
                name='received_by',
            ),
            migrations.RemoveField(
                model_name='payment',
                name='ticket',
            ),
            migrations.DeleteModel(
                name='CashUp',
            ),
            migrations.DeleteModel(
                name='PaymentMethod',
            ),
            migrations.DeleteModel(
                name='MoneyEntry',
            ),
            migrations.DeleteModel(
                name='Payment',
            ),
            ],
        ),
    ]
