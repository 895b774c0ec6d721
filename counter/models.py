"""Counter money (rules#payment): the payment methods, the money entries of a repair record
(payments, deposits, refunds), the handover's payment and the desk user's daily cash-up. The
repair record is referred to by name ("repairs.RepairTicket"): this app sits below the repairs
app and never imports it."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.moneyfmt import yuan
from servicedesk.tenancy import TenantModel


class Payment(models.Model):
    """Payment at handover (rules#handover): amount due derived from labor and part lines."""

    ticket = models.OneToOneField(
        "repairs.RepairTicket",
        on_delete=models.PROTECT,
        related_name="payment",
        verbose_name=_("repair record"),
    )
    amount_due = models.DecimalField(_("amount due"), max_digits=10, decimal_places=2)
    amount_received = models.DecimalField(_("amount received"), max_digits=10, decimal_places=2)
    change_given = models.DecimalField(_("change given"), max_digits=10, decimal_places=2)
    invoice_number = models.CharField(_("invoice number"), max_length=64, blank=True)
    invoice_title = models.CharField(_("invoice title (company)"), max_length=100, blank=True)
    invoice_tax_number = models.CharField(_("taxpayer number"), max_length=20, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("received by"),
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    tenant_field = "ticket__point"

    class Meta:
        db_table = "repairs_payment"  # the table it had in the repairs app
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            # Exact arithmetic is the service's (Decimal); the database keeps the sums sane.
            models.CheckConstraint(
                name="payment_covers_amount_due",
                condition=models.Q(amount_received__gte=models.F("amount_due"))
                & models.Q(change_given__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} ¥{self.amount_due}"


class PaymentMethod(models.Model):
    """How a customer can pay at the counter (cash, WeChat Pay, Alipay, bank card, other): a list
    kept as data. Only cash gives change; the others carry the transaction number."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=50)
    is_cash = models.BooleanField(_("cash"), default=False)
    needs_reference = models.BooleanField(
        _("needs a transaction number"),
        default=False,
        help_text=_("The transaction number of the payment app or the card terminal's slip."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        db_table = "repairs_paymentmethod"  # the table it had in the repairs app
        verbose_name = _("payment method")
        verbose_name_plural = _("payment methods")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class MoneyKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    DEPOSIT = "deposit", _("Deposit")
    REFUND = "refund", _("Refund")


class MoneyEntry(models.Model):
    """One movement of money at the counter for a repair (rules#payment): a payment (a repair
    can be paid in parts and with several methods), a deposit taken at the quote's approval, or
    a refund. Entries are never changed: a correction is a new entry. The cash-up that counted
    an entry is set when the desk closes its day, so a confirmed day never changes."""

    ticket = models.ForeignKey(
        "repairs.RepairTicket",
        on_delete=models.PROTECT,
        related_name="money_entries",
        verbose_name=_("repair record"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MoneyKind.choices)
    method = models.ForeignKey(
        PaymentMethod, on_delete=models.PROTECT, related_name="+", verbose_name=_("method")
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    change = models.DecimalField(
        _("change given"), max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    reference = models.CharField(_("transaction number"), max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    cash_up = models.ForeignKey(
        "CashUp",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("cash-up"),
    )

    tenant_field = "ticket__point"

    class Meta:
        db_table = "repairs_moneyentry"  # the table it had in the repairs app
        verbose_name = _("money entry")
        verbose_name_plural = _("money entries")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["by", "cash_up", "at"], name="money_by_open_at")]
        constraints = [
            models.CheckConstraint(name="money_amount_positive", condition=models.Q(amount__gt=0)),
            # Change comes only out of what was handed over in that entry.
            models.CheckConstraint(
                name="money_change_within_amount",
                condition=models.Q(change__gte=0) & models.Q(change__lte=models.F("amount")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ¥{self.amount}"

    @property
    def net(self) -> Decimal:
        """What the entry leaves in the till: the amount less the change; refunds take out."""
        return -self.amount if self.kind == MoneyKind.REFUND else self.amount - self.change

    @property
    def signed_amount(self) -> Decimal:
        """The amount as the screens show it: a refund is money out ("−¥50.00")."""
        return -self.amount if self.kind == MoneyKind.REFUND else self.amount


class CashUpStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Counted, waiting for the supervisor")
    CONFIRMED = "confirmed", _("Confirmed")


class CashUp(TenantModel):
    """The daily cash-up (日结) of one desk user (rules#payment): what the entries say by method,
    the cash counted, the difference with its note; confirmed by a supervisor and then fixed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("desk user"),
    )
    day = models.DateField(_("day"))
    status = models.CharField(
        _("status"), max_length=16, choices=CashUpStatus.choices, default=CashUpStatus.SUBMITTED
    )
    totals = models.JSONField(_("totals by method"), default=dict)
    expected_cash = models.DecimalField(_("expected cash"), max_digits=12, decimal_places=2)
    counted_cash = models.DecimalField(_("cash counted"), max_digits=12, decimal_places=2)
    note = models.CharField(_("note on the difference"), max_length=500, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "repairs_cashup"  # the table it had in the repairs app
        verbose_name = _("cash-up")
        verbose_name_plural = _("cash-ups")
        ordering = ["-day", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["point", "user", "day"], name="cash_up_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.user_id}"

    @property
    def difference(self) -> Decimal:
        return self.counted_cash - self.expected_cash

    @property
    def difference_shown(self) -> str:
        """ "−¥5.00" or "+¥5.00": the sign before the currency, as staff write it."""
        return yuan(self.difference, signed=True)
