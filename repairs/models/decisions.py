"""What the customer decides about a repair record: the quote and its consent, the
satisfaction card, the 三包 return or exchange."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from intake.models import Device
from repairs.models.ticket import RepairTicket


class ConsentKind(models.TextChoices):
    SIGNATURE = "signature", _("Signed by the customer")
    VERBAL = "verbal", _("Answered by phone")


class QuoteDecision(models.TextChoices):
    PENDING = "pending", _("Waiting for the customer")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Quote(models.Model):
    """The out-of-warranty quote the customer must approve before any repair (rules#repair)."""

    ticket = models.OneToOneField(
        RepairTicket,
        on_delete=models.CASCADE,
        related_name="quote",
        verbose_name=_("repair record"),
    )
    labor_fee = models.DecimalField(
        _("labor fee"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    labor_change_reason = models.CharField(
        _("why the labor fee differs from the list"), max_length=255, blank=True
    )
    decision = models.CharField(
        _("decision"), max_length=16, choices=QuoteDecision.choices, default=QuoteDecision.PENDING
    )
    decided_at = models.DateTimeField(pgettext_lazy("quote", "decided at"), null=True, blank=True)
    consent_kind = models.CharField(
        _("consent"), max_length=16, choices=ConsentKind.choices, blank=True
    )
    signature_png = models.BinaryField(_("signature"), null=True, blank=True, editable=False)
    verbal_called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("called by"),
    )
    verbal_called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    damage_acknowledged = models.BooleanField(
        _("water or drop damage acknowledged in writing"), default=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    tenant_field = "ticket__point"

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.decision}"


class SatisfactionCard(models.Model):
    """天使服务跟踪卡: offered at pickup; a rating 1–5 and a comment, or declined."""

    ticket = models.OneToOneField(
        RepairTicket,
        on_delete=models.CASCADE,
        related_name="satisfaction",
        verbose_name=_("repair record"),
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    declined = models.BooleanField(_("declined"), default=False)
    at = models.DateTimeField(_("time"), default=timezone.now)

    tenant_field = "ticket__point"

    class Meta:
        verbose_name = _("satisfaction card")
        verbose_name_plural = _("satisfaction cards")
        constraints = [
            models.CheckConstraint(
                name="satisfaction_rating_or_declined",
                condition=models.Q(declined=True, rating__isnull=True)
                | models.Q(declined=False, rating__gte=1, rating__lte=5),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.rating}"


class SanbaoChoice(models.TextChoices):
    """三包 (rules#sanbao): what the customer chose instead of a repair."""

    RETURN = "return", _("Return (退货)")
    EXCHANGE = "exchange", _("Exchange (换货)")


class SanbaoDecision(models.Model):
    """The customer's 三包 choice (rules#sanbao), as the certificate (退换货证明) prints it:
    the choice and its reason (the period or the repeat-repair entitlement), the replacement
    device handed over (exchange) or the refund's reference (return), who and when, and the
    customer's signature."""

    ticket = models.OneToOneField(
        RepairTicket,
        on_delete=models.PROTECT,
        related_name="sanbao",
        verbose_name=_("repair record"),
    )
    choice = models.CharField(_("choice"), max_length=16, choices=SanbaoChoice.choices)
    reason = models.CharField(_("reason"), max_length=255)
    replacement_model = models.CharField(_("replacement model"), max_length=64, blank=True)
    replacement_imei = models.CharField(_("replacement IMEI"), max_length=15, blank=True)
    replacement_device = models.ForeignKey(
        Device,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replacement device"),
        help_text=_("The customer's new device, found by its IMEI from now on."),
    )
    refund_reference = models.CharField(_("refund reference"), max_length=64, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handled by"),
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    signature_png = models.BinaryField(
        _("customer's signature"), null=True, blank=True, editable=False
    )

    tenant_field = "ticket__point"

    class Meta:
        verbose_name = _("三包 return or exchange")
        verbose_name_plural = _("三包 returns and exchanges")
        constraints = [
            models.CheckConstraint(
                name="sanbao_exchange_has_replacement",
                condition=~models.Q(choice="exchange")
                | (~models.Q(replacement_model="") & ~models.Q(replacement_imei="")),
            ),
            models.CheckConstraint(
                name="sanbao_return_has_refund_reference",
                condition=~models.Q(choice="return") | ~models.Q(refund_reference=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.choice}"
