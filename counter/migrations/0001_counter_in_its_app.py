"""The counter money (payment methods, money entries, the handover's payment, cash-ups) moves
from the repairs app to its own app.

No row is copied: the models' state is created here over the existing tables (state only, each
keeps its ``repairs_*`` table), and the repairs app drops its state in its next migration. The
content types are renamed in place, so the permissions given on these models and the admin's
history stay theirs."""

import django.db.models.deletion
import django.utils.timezone
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


MODELS = ("paymentmethod", "payment", "moneyentry", "cashup")


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
        # The money as repairs last had it; repairs then drops it.
        ('repairs', '0018_parts_to_their_app'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('servicedesk', '0017_outbox_in_the_core'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='PaymentMethod',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(max_length=16, unique=True, verbose_name='code')),
                    ('name', models.CharField(max_length=50, verbose_name='name')),
                    ('is_cash', models.BooleanField(default=False, verbose_name='cash')),
                    ('needs_reference', models.BooleanField(default=False, help_text="The transaction number of the payment app or the card terminal's slip.", verbose_name='needs a transaction number')),
                    ('is_active', models.BooleanField(default=True, verbose_name='active')),
                    ('position', models.PositiveSmallIntegerField(default=0, verbose_name='position')),
                ],
                options={
                    'verbose_name': 'payment method',
                    'verbose_name_plural': 'payment methods',
                    'db_table': 'repairs_paymentmethod',
                    'ordering': ['position', 'code'],
                },
            ),
            migrations.CreateModel(
                name='CashUp',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('day', models.DateField(verbose_name='day')),
                    ('status', models.CharField(choices=[('submitted', 'Counted, waiting for the supervisor'), ('confirmed', 'Confirmed')], default='submitted', max_length=16, verbose_name='status')),
                    ('totals', models.JSONField(default=dict, verbose_name='totals by method')),
                    ('expected_cash', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='expected cash')),
                    ('counted_cash', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='cash counted')),
                    ('note', models.CharField(blank=True, max_length=500, verbose_name='note on the difference')),
                    ('submitted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='submitted at')),
                    ('confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed at')),
                    ('version', models.PositiveIntegerField(default=0)),
                    ('confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='confirmed by')),
                    ('point', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='servicedesk.servicepoint', verbose_name='service point')),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='desk user')),
                ],
                options={
                    'verbose_name': 'cash-up',
                    'verbose_name_plural': 'cash-ups',
                    'db_table': 'repairs_cashup',
                    'ordering': ['-day', 'pk'],
                },
            ),
            migrations.CreateModel(
                name='Payment',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('amount_due', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='amount due')),
                    ('amount_received', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='amount received')),
                    ('change_given', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='change given')),
                    ('invoice_number', models.CharField(blank=True, max_length=64, verbose_name='invoice number')),
                    ('invoice_title', models.CharField(blank=True, max_length=100, verbose_name='invoice title (company)')),
                    ('invoice_tax_number', models.CharField(blank=True, max_length=20, verbose_name='taxpayer number')),
                    ('received_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='received at')),
                    ('received_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='received by')),
                    ('ticket', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='payment', to='repairs.repairticket', verbose_name='repair record')),
                ],
                options={
                    'verbose_name': 'payment',
                    'verbose_name_plural': 'payments',
                    'db_table': 'repairs_payment',
                },
            ),
            migrations.CreateModel(
                name='MoneyEntry',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('payment', 'Payment'), ('deposit', 'Deposit'), ('refund', 'Refund')], max_length=16, verbose_name='kind')),
                    ('amount', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='amount')),
                    ('change', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=10, verbose_name='change given')),
                    ('reference', models.CharField(blank=True, max_length=64, verbose_name='transaction number')),
                    ('reason', models.CharField(blank=True, max_length=255, verbose_name='reason')),
                    ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='at')),
                    ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved by')),
                    ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                    ('cash_up', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='counter.cashup', verbose_name='cash-up')),
                    ('ticket', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='money_entries', to='repairs.repairticket', verbose_name='repair record')),
                    ('method', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='counter.paymentmethod', verbose_name='method')),
                ],
                options={
                    'verbose_name': 'money entry',
                    'verbose_name_plural': 'money entries',
                    'db_table': 'repairs_moneyentry',
                    'ordering': ['at', 'pk'],
                },
            ),
            migrations.AddConstraint(
                model_name='cashup',
                constraint=models.UniqueConstraint(fields=('point', 'user', 'day'), name='cash_up_once_a_day'),
            ),
            migrations.AddConstraint(
                model_name='payment',
                constraint=models.CheckConstraint(condition=models.Q(('amount_received__gte', models.F('amount_due')), ('change_given__gte', 0)), name='payment_covers_amount_due'),
            ),
            migrations.AddIndex(
                model_name='moneyentry',
                index=models.Index(fields=['by', 'cash_up', 'at'], name='money_by_open_at'),
            ),
            migrations.AddConstraint(
                model_name='moneyentry',
                constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='money_amount_positive'),
            ),
            migrations.AddConstraint(
                model_name='moneyentry',
                constraint=models.CheckConstraint(condition=models.Q(('change__gte', 0), ('change__lte', models.F('amount'))), name='money_change_within_amount'),
            ),
            ],
        ),
        migrations.RunPython(
            content_types_to("counter", "repairs"), content_types_to("repairs", "counter")
        ),
    ]
