"""The spare parts now belong to their own app (parts 0001 took over their tables and rows):
state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('repairs', '0017_outbox_to_the_core'),
        ('parts', '0001_parts_in_their_app'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='defectivepart',
                name='batch',
            ),
            migrations.RemoveField(
                model_name='defectivepart',
                name='part',
            ),
            migrations.RemoveField(
                model_name='defectivepart',
                name='point',
            ),
            migrations.RemoveField(
                model_name='defectivepart',
                name='ticket',
            ),
            migrations.RemoveField(
                model_name='part',
                name='point',
            ),
            migrations.RemoveField(
                model_name='partline',
                name='part',
            ),
            migrations.RemoveField(
                model_name='stockmovement',
                name='part',
            ),
            migrations.RemoveField(
                model_name='partstock',
                name='part',
            ),
            migrations.RemoveField(
                model_name='partline',
                name='ticket',
            ),
            migrations.RemoveField(
                model_name='partstock',
                name='point',
            ),
            migrations.RemoveField(
                model_name='returnbatch',
                name='created_by',
            ),
            migrations.RemoveField(
                model_name='returnbatch',
                name='packed_by',
            ),
            migrations.RemoveField(
                model_name='returnbatch',
                name='point',
            ),
            migrations.RemoveField(
                model_name='returnbatch',
                name='received_by',
            ),
            migrations.RemoveField(
                model_name='returnbatch',
                name='shipped_by',
            ),
            migrations.RemoveField(
                model_name='stockmovement',
                name='by',
            ),
            migrations.RemoveField(
                model_name='stockmovement',
                name='point',
            ),
            migrations.RemoveField(
                model_name='stockmovement',
                name='ticket',
            ),
            migrations.DeleteModel(
                name='DefectiveDevice',
            ),
            migrations.DeleteModel(
                name='DefectivePart',
            ),
            migrations.DeleteModel(
                name='Part',
            ),
            migrations.DeleteModel(
                name='PartLine',
            ),
            migrations.DeleteModel(
                name='PartStock',
            ),
            migrations.DeleteModel(
                name='ReturnBatch',
            ),
            migrations.DeleteModel(
                name='StockMovement',
            ),
            ],
        ),
    ]
