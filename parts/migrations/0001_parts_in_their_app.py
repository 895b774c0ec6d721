"""The spare parts (the price list's parts, the stock and its movements, a repair record's part
lines, the defective stock and the return batches) move from the repairs app to their own app.

No row is copied: the models' state is created here over the existing tables (state only, each
keeps its ``repairs_*`` table), and the repairs app drops its state in its next migration. The
content types are renamed in place, so the permissions given on these models and the admin's
history stay theirs."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MODELS = (
    "part",
    "partline",
    "partstock",
    "returnbatch",
    "defectivepart",
    "defectivedevice",
    "stockmovement",
)


def content_types_to(app_label: str, other: str):
    def move(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        taken = set(
            content_type.objects.using(db)
            .filter(app_label=app_label, model__in=MODELS)
            .values_list("model", flat=True)
        )
        content_type.objects.using(db).filter(app_label=other, model__in=MODELS).exclude(
            model__in=taken
        ).update(app_label=app_label)

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('intake', '0012_customer_unique_point_phone'),
        # The parts as repairs last changed them (return batches); repairs then drops them.
        ('repairs', '0017_outbox_to_the_core'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('servicedesk', '0017_outbox_in_the_core'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Part',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(max_length=32, verbose_name='part number')),
                    ('name', models.CharField(max_length=100, verbose_name='part')),
                    ('model_name', models.CharField(blank=True, help_text='Leave empty for a part that fits every model.', max_length=64, verbose_name='for model')),
                    ('also_fits', models.CharField(blank=True, help_text='Other models this part fits, separated by commas.', max_length=255, verbose_name='also fits')),
                    ('price', models.DecimalField(decimal_places=2, max_digits=10, validators=[django.core.validators.MinValueValidator(0)], verbose_name='price')),
                    ('must_return', models.BooleanField(db_default=False, default=False, help_text='The replaced part goes back to the maker when replaced under warranty.', verbose_name='old part returned')),
                    ('is_active', models.BooleanField(default=True, verbose_name='active')),
                    ('point', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='servicedesk.servicepoint', verbose_name='service point')),
                ],
                options={
                    'verbose_name': 'part',
                    'verbose_name_plural': 'parts',
                    'db_table': 'repairs_part',
                    'ordering': ['code'],
                },
            ),
            migrations.CreateModel(
                name='PartLine',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=100, verbose_name='part')),
                    ('quantity', models.PositiveSmallIntegerField(default=1, verbose_name='quantity')),
                    ('unit_price', models.DecimalField(decimal_places=2, max_digits=10, validators=[django.core.validators.MinValueValidator(0)], verbose_name='unit price')),
                    ('reserved', models.PositiveSmallIntegerField(db_default=0, default=0, verbose_name='reserved')),
                    ('consumed', models.PositiveSmallIntegerField(db_default=0, default=0, verbose_name='taken from stock')),
                    ('part', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='parts.part', verbose_name='part')),
                    ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='part_lines', to='repairs.repairticket', verbose_name='repair record')),
                ],
                options={
                    'verbose_name': 'part line',
                    'verbose_name_plural': 'part lines',
                    'db_table': 'repairs_partline',
                    'ordering': ['id'],
                },
            ),
            migrations.CreateModel(
                name='PartStock',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('on_hand', models.PositiveIntegerField(default=0, verbose_name='on hand')),
                    ('reserved', models.PositiveIntegerField(default=0, verbose_name='reserved')),
                    ('defective', models.PositiveIntegerField(default=0, verbose_name='defective')),
                    ('reorder_level', models.PositiveIntegerField(default=0, help_text='Order more when what is free falls below this.', verbose_name='reorder level')),
                    ('part', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='stock', to='parts.part', verbose_name='part')),
                    ('point', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='servicedesk.servicepoint', verbose_name='service point')),
                ],
                options={
                    'verbose_name': 'part stock',
                    'verbose_name_plural': 'part stock',
                    'db_table': 'repairs_partstock',
                },
            ),
            migrations.CreateModel(
                name='ReturnBatch',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('number', models.CharField(max_length=32, unique=True, verbose_name='batch number')),
                    ('sequence', models.PositiveIntegerField(verbose_name='sequence')),
                    ('status', models.CharField(choices=[('collected', 'Collected, to pack'), ('packed', 'Packed'), ('shipped', 'Shipped'), ('received', 'Received by the regional center')], default='collected', max_length=16, verbose_name='status')),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='made at')),
                    ('packed_at', models.DateTimeField(blank=True, null=True, verbose_name='packed at')),
                    ('carrier', models.CharField(blank=True, max_length=64, verbose_name='carrier')),
                    ('tracking_number', models.CharField(blank=True, max_length=64, verbose_name='tracking number')),
                    ('shipped_at', models.DateTimeField(blank=True, null=True, verbose_name='shipped at')),
                    ('received_at', models.DateTimeField(blank=True, null=True, verbose_name='received at')),
                    ('form_token', models.UUIDField(blank=True, editable=False, null=True, unique=True)),
                    ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='made by')),
                    ('packed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='packed by')),
                    ('point', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='servicedesk.servicepoint', verbose_name='service point')),
                    ('received_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='received by')),
                    ('shipped_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='shipped by')),
                ],
                options={
                    'verbose_name': 'return batch',
                    'verbose_name_plural': 'return batches',
                    'db_table': 'repairs_returnbatch',
                    'ordering': ['-created_at', '-id'],
                },
            ),
            migrations.CreateModel(
                name='DefectivePart',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='replaced at')),
                    ('point', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='servicedesk.servicepoint', verbose_name='service point')),
                    ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='defective_parts', to='repairs.repairticket', verbose_name='repair record')),
                    ('part', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='parts.part', verbose_name='part')),
                    ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='pieces', to='parts.returnbatch', verbose_name='return batch')),
                ],
                options={
                    'verbose_name': 'defective part',
                    'verbose_name_plural': 'defective parts',
                    'db_table': 'repairs_defectivepart',
                    'ordering': ['at', 'id'],
                },
            ),
            migrations.CreateModel(
                name='DefectiveDevice',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('received_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='received at')),
                    ('status', models.CharField(choices=[('in_stock', 'In defective stock'), ('returned_to_brand', 'Returned to the brand')], default='in_stock', max_length=24, verbose_name='status')),
                    ('device', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='intake.device', verbose_name='device')),
                    ('point', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='servicedesk.servicepoint', verbose_name='service point')),
                    ('ticket', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='defective_device', to='repairs.repairticket', verbose_name='repair record')),
                    ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='devices', to='parts.returnbatch', verbose_name='return batch')),
                ],
                options={
                    'verbose_name': 'defective device',
                    'verbose_name_plural': 'defective stock',
                    'db_table': 'repairs_defectivedevice',
                    'ordering': ['-received_at'],
                },
            ),
            migrations.CreateModel(
                name='StockMovement',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('receive', 'Delivery received'), ('reserve', 'Reserved for a repair'), ('release', 'Reservation released'), ('consume', 'Used in a repair'), ('adjust', 'Count adjusted'), ('defective', 'Set aside as defective')], max_length=16, verbose_name='kind')),
                    ('quantity', models.IntegerField(verbose_name='quantity')),
                    ('reason', models.CharField(blank=True, max_length=255, verbose_name='reason')),
                    ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='time')),
                    ('form_token', models.UUIDField(blank=True, editable=False, null=True, unique=True)),
                    ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                    ('part', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='movements', to='parts.part', verbose_name='part')),
                    ('point', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='servicedesk.servicepoint', verbose_name='service point')),
                    ('ticket', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='stock_movements', to='repairs.repairticket', verbose_name='repair record')),
                ],
                options={
                    'verbose_name': 'stock movement',
                    'verbose_name_plural': 'stock movements',
                    'db_table': 'repairs_stockmovement',
                    'ordering': ['-at', '-id'],
                },
            ),
            migrations.AddConstraint(
                model_name='part',
                constraint=models.UniqueConstraint(fields=('point', 'code'), name='part_point_code'),
            ),
            migrations.AddIndex(
                model_name='partline',
                index=models.Index(condition=models.Q(('consumed', 0)), fields=['part'], name='part_line_open_part'),
            ),
            migrations.AddConstraint(
                model_name='partline',
                constraint=models.CheckConstraint(condition=models.Q(('quantity__gte', 1)), name='part_line_quantity_positive'),
            ),
            migrations.AddConstraint(
                model_name='partline',
                constraint=models.CheckConstraint(condition=models.Q(('reserved__lte', models.F('quantity'))), name='part_line_reserved_within_quantity'),
            ),
            migrations.AddConstraint(
                model_name='partstock',
                constraint=models.CheckConstraint(condition=models.Q(('defective__gte', 0), ('on_hand__gte', 0), ('reserved__gte', 0)), name='part_stock_counts_not_negative'),
            ),
            migrations.AddConstraint(
                model_name='partstock',
                constraint=models.CheckConstraint(condition=models.Q(('reserved__lte', models.F('on_hand'))), name='part_stock_reserved_within_on_hand'),
            ),
            migrations.AddIndex(
                model_name='returnbatch',
                index=models.Index(fields=['point', 'status', '-created_at'], name='return_batch_point'),
            ),
            migrations.AddConstraint(
                model_name='returnbatch',
                constraint=models.UniqueConstraint(fields=('point', 'sequence'), name='return_batch_sequence'),
            ),
            migrations.AddConstraint(
                model_name='returnbatch',
                constraint=models.CheckConstraint(condition=models.Q(('status__in', ['collected', 'packed']), models.Q(models.Q(('carrier', ''), _negated=True), models.Q(('tracking_number', ''), _negated=True)), _connector='OR'), name='return_batch_shipped_has_tracking'),
            ),
            migrations.AddIndex(
                model_name='defectivepart',
                index=models.Index(condition=models.Q(('batch__isnull', True)), fields=['point', 'at'], name='defective_part_pending'),
            ),
            migrations.AddIndex(
                model_name='defectivedevice',
                index=models.Index(fields=['point', 'status', 'received_at'], name='defective_point_status'),
            ),
            migrations.AddIndex(
                model_name='stockmovement',
                index=models.Index(fields=['point', '-at'], name='stock_movement_point_at'),
            ),
            ],
        ),
        migrations.RunPython(
            content_types_to("parts", "repairs"), content_types_to("repairs", "parts")
        ),
    ]
