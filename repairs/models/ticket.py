"""The repair record (维修记录单), its numbering and timeline, and what prices it: warranty
policy, price list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from intake.models import Customer, Device, Visit
from servicedesk.models import ServicePoint
from servicedesk.tenancy import TenantModel, TenantQuerySet


class WarrantyPolicy(models.Model):
    """A brand's warranty promise (rules#warranty). Numbers are data; one policy is the default."""

    name = models.CharField(_("name"), max_length=100)
    brand = models.CharField(_("brand"), max_length=64, blank=True)
    return_days = models.PositiveSmallIntegerField(_("return within (days)"), default=7)
    exchange_days = models.PositiveSmallIntegerField(_("exchange within (days)"), default=30)
    repair_days = models.PositiveSmallIntegerField(_("free repair within (days)"), default=365)
    policy_text = models.TextField(_("policy text shown at the desk"), blank=True)
    is_default = models.BooleanField(_("default policy"), default=False)

    class Meta:
        verbose_name = _("warranty policy")
        verbose_name_plural = _("warranty policies")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_warranty_policy",
            ),
            models.CheckConstraint(
                name="warranty_days_in_order",
                condition=models.Q(return_days__lte=models.F("exchange_days"))
                & models.Q(exchange_days__lte=models.F("repair_days")),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RepairType(TenantModel):
    """A line of the point's public price list (公开维修价目表): labor by repair type."""

    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("repair type"), max_length=100)
    labor_fee = models.DecimalField(
        _("labor fee"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("repair type")
        verbose_name_plural = _("repair types")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["point", "code"], name="repair_type_point_code"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ¥{self.labor_fee}"


class TicketStatus(models.TextChoices):
    """rules#repair: the repair ticket's states, in order, plus the side exits."""

    REGISTERED = "registered", _("Registered")
    DIAGNOSING = "diagnosing", _("Diagnosing")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting quote approval")
    REPAIRING = "repairing", _("Repairing")
    WAITING_PARTS = "waiting_parts", _("Waiting for parts")
    QUALITY_CHECK = "quality_check", _("Quality check")
    READY = "ready", _("Ready for pickup")
    HANDED_OVER = "handed_over", _("Handed over")
    QUOTE_REFUSED = "quote_refused", _("Quote refused")
    RETURNED_UNREPAIRED = "returned_unrepaired", _("Returned unrepaired")
    # 三包 (rules#sanbao): the customer chose a return (refund) or an exchange (a new device).
    RETURNED = "returned", _("Returned (refunded)")
    EXCHANGED = "exchanged", _("Exchanged")


#: States in which the ticket is still at the point (not yet back with the customer).
OPEN_STATUSES = frozenset(
    {
        TicketStatus.REGISTERED,
        TicketStatus.DIAGNOSING,
        TicketStatus.AWAITING_APPROVAL,
        TicketStatus.REPAIRING,
        TicketStatus.WAITING_PARTS,
        TicketStatus.QUALITY_CHECK,
        TicketStatus.READY,
        TicketStatus.QUOTE_REFUSED,
    }
)


class ProofOfPurchase(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    WARRANTY_CARD = "warranty_card", _("Warranty card")
    NONE = "none", _("None")


class WarrantyStatus(models.TextChoices):
    """rules#warranty: what the customer is entitled to."""

    RETURN = "return", _("Return, exchange or free repair")
    EXCHANGE = "exchange", _("Exchange or free repair")
    FREE_REPAIR = "free_repair", _("Free repair")
    OUT_OF_WARRANTY = "out_of_warranty", _("Out of warranty (paid)")


class TicketSequence(models.Model):
    """Per-point counter behind ticket numbers; taken under a row lock so numbers never repeat."""

    point = models.OneToOneField(ServicePoint, on_delete=models.CASCADE, primary_key=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ticket number sequence")
        verbose_name_plural = _("ticket number sequences")

    def __str__(self) -> str:
        return f"{self.point_id}: {self.last_value}"


class RepairTicket(TenantModel):
    """维修记录单: the heart of the system (rules#repair).

    ``status`` is changed only by the transition service; ``version`` increases with every change
    so that an edit based on an old copy is refused (optimistic concurrency).
    """

    number = models.CharField(_("ticket number"), max_length=32, unique=True)
    sequence = models.PositiveIntegerField(_("sequence"))
    status = models.CharField(
        _("status"), max_length=24, choices=TicketStatus.choices, default=TicketStatus.REGISTERED
    )
    version = models.PositiveIntegerField(default=1)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("customer")
    )
    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("device")
    )
    visit = models.ForeignKey(
        Visit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("visit"),
    )

    # Intake (rules#intake)
    fault_description = models.TextField(_("fault as described by the customer"), max_length=2000)
    accessories = models.CharField(_("accessories received"), max_length=255, blank=True)
    condition = models.CharField(_("visible condition"), max_length=255, blank=True)
    proof_of_purchase = models.CharField(
        _("proof presented"), max_length=16, choices=ProofOfPurchase.choices
    )
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    purchase_place = models.CharField(_("purchase place"), max_length=100, blank=True)
    water_damage = models.BooleanField(_("water damage"), default=False)
    drop_damage = models.BooleanField(_("drop or physical damage"), default=False)
    unauthorized_disassembly = models.BooleanField(_("unauthorized disassembly"), default=False)
    customer_waits = models.BooleanField(
        _("customer waits in the rest area"),
        default=False,
        help_text=_("Otherwise the customer is called when the device is ready."),
    )
    contact_phone = models.CharField(_("best contact number"), max_length=20)
    backup_warning_given = models.BooleanField(_("data-loss warning given"), default=False)
    estimated_ready_at = models.DateTimeField(_("estimated ready by"), null=True, blank=True)

    # Warranty decision (rules#warranty)
    warranty_status = models.CharField(
        _("warranty decision"), max_length=16, choices=WarrantyStatus.choices
    )
    warranty_reason = models.CharField(_("reason code"), max_length=32)
    warranty_reason_text = models.CharField(_("reason"), max_length=255)
    warranty_policy = models.ForeignKey(
        WarrantyPolicy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("warranty policy"),
    )
    warranty_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("overridden by"),
    )
    warranty_override_reason = models.CharField(_("override reason"), max_length=255, blank=True)

    # Repeat repairs (rules#repair)
    # The latest earlier repair within the window when it was made at this same point (another
    # point's record is never linked: its facts come from the nationwide device history).
    repeat_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name=_("repeat of"),
    )
    repeat_count = models.PositiveSmallIntegerField(
        _("earlier repairs within the repair warranty"),
        default=0,
        help_text=_("At every point of the network (nationwide warranty)."),
    )
    exchange_entitled = models.BooleanField(_("entitled to an exchange (三包)"), default=False)
    exchange_reason = models.CharField(_("why an exchange"), max_length=255, blank=True)

    # Technician's part (rules#repair)
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("technician"),
    )
    fault_confirmed = models.TextField(_("fault confirmed"), blank=True, max_length=2000)
    repair_method = models.TextField(_("repair method"), blank=True, max_length=2000)
    repair_type = models.ForeignKey(
        RepairType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("repair type"),
    )
    labor_fee = models.DecimalField(
        _("labor fee"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    intake_token = models.UUIDField(
        _("intake form token"),
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("One-time token of the intake form: a double submit opens one ticket."),
    )
    pickup_signature_png = models.BinaryField(
        _("customer's pickup signature"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("intake at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    # rules#parts: waiting for parts (待料) is counted apart from the repair's own time.
    parts_expected_on = models.DateField(_("parts expected on"), null=True, blank=True)
    waiting_parts_since = models.DateTimeField(_("waiting for parts since"), null=True, blank=True)
    parts_wait = models.DurationField(
        _("time waiting for parts"), default=dt.timedelta, db_default=dt.timedelta()
    )
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)

    objects = TenantQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("repair record")
        verbose_name_plural = _("repair records")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["point", "sequence"], name="ticket_point_sequence"),
        ]
        indexes = [
            models.Index(
                fields=["point", "status", "created_at"], name="ticket_point_status_created"
            ),
            models.Index(fields=["point", "-created_at"], name="ticket_point_created"),
            models.Index(fields=["point", "handed_over_at"], name="ticket_point_handed_over"),
            # The dashboard's weekly turnaround of one point (rules#dashboard).
            models.Index(fields=["point", "ready_at"], name="ticket_point_ready"),
            models.Index(fields=["device", "-created_at"], name="ticket_device_created"),
            # The ticket list's "repeat repairs" filter: few rows, newest first.
            models.Index(
                fields=["point", "-created_at"],
                name="ticket_point_repeat_created",
                condition=models.Q(repeat_of__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_repeat(self) -> bool:
        """Back within the repeat-repair window after a repair at any point; ``repeat_of`` is
        the earlier repair when it was made at this point."""
        return self.repeat_count > 0


class TicketEvent(models.Model):
    """The ticket's timeline: every transition and notable change, who and when (one row each)."""

    ticket = models.ForeignKey(
        RepairTicket,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("repair record"),
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(pgettext_lazy("status", "from"), max_length=24, blank=True)
    to_status = models.CharField(pgettext_lazy("status", "to"), max_length=24, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    tenant_field = "ticket__point"

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.action}"

    @property
    def action_label(self):
        from repairs.transitions import label

        special = {"open": _("Opened"), "override_warranty": _("Warranty decision overridden")}
        return special.get(self.action) or label(self.action)

    @property
    def to_label(self):
        if self.action == "override_warranty" or self.to_status not in TicketStatus.values:
            return ""
        return TicketStatus(self.to_status).label
