"""Spare parts (rules#parts): the point's parts price list, the stock and its movements, the
parts a repair record lists, and the defective stock that goes back to the brand in return
batches. The repair record is referred to by name ("repairs.RepairTicket"): this app sits below
the repairs app and never imports it."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.models import Device
from servicedesk.idempotency import FormTokenModel
from servicedesk.tenancy import TenantModel, TenantQuerySet


class Part(TenantModel):
    """A spare part on the point's public price list."""

    code = models.CharField(_("part number"), max_length=32)
    name = models.CharField(_("part"), max_length=100)
    model_name = models.CharField(
        _("for model"),
        max_length=64,
        blank=True,
        help_text=_("Leave empty for a part that fits every model."),
    )
    also_fits = models.CharField(
        _("also fits"),
        max_length=255,
        blank=True,
        help_text=_("Other models this part fits, separated by commas."),
    )
    price = models.DecimalField(
        _("price"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    must_return = models.BooleanField(
        _("old part returned"),
        default=False,
        db_default=False,
        help_text=_("The replaced part goes back to the maker when replaced under warranty."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "repairs_part"  # the table it had in the repairs app
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["point", "code"], name="part_point_code")]

    def __str__(self) -> str:
        return f"{self.name} ¥{self.price}"

    @property
    def models_fitted(self) -> list[str]:
        """The models this part fits, normalised; empty when it fits every model."""
        if not self.model_name.strip():
            return []
        names = [self.model_name, *self.also_fits.replace("，", ",").split(",")]
        return [" ".join(n.split()).casefold() for n in names if n.strip()]

    def fits(self, model_name: str) -> bool:
        fitted = self.models_fitted
        return not fitted or " ".join(model_name.split()).casefold() in fitted


class PartLine(models.Model):
    """A replaced part (更换配件明细): quantity × unit price; totals are derived from lines."""

    ticket = models.ForeignKey(
        "repairs.RepairTicket",
        on_delete=models.CASCADE,
        related_name="part_lines",
        verbose_name=_("repair record"),
    )
    part = models.ForeignKey(
        Part,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("part"),
    )
    name = models.CharField(_("part"), max_length=100)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(
        _("unit price"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    # rules#parts: how many of ``quantity`` are reserved from the point's stock; the rest is
    # short (the ticket waits for parts). Zero again once consumed or released.
    reserved = models.PositiveSmallIntegerField(_("reserved"), default=0, db_default=0)
    consumed = models.PositiveSmallIntegerField(_("taken from stock"), default=0, db_default=0)

    tenant_field = "ticket__point"

    class Meta:
        db_table = "repairs_partline"  # the table it had in the repairs app
        verbose_name = _("part line")
        verbose_name_plural = _("part lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="part_line_quantity_positive", condition=models.Q(quantity__gte=1)
            ),
            models.CheckConstraint(
                name="part_line_reserved_within_quantity",
                condition=models.Q(reserved__lte=models.F("quantity")),
            ),
        ]
        indexes = [
            # rules#parts: what waiting tickets miss, per part (few lines: most are consumed).
            models.Index(
                fields=["part"], name="part_line_open_part", condition=models.Q(consumed=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def short(self) -> int:
        """How many are still missing from stock (0 once reserved, consumed or released)."""
        if self.consumed:
            return 0
        return self.quantity - self.reserved


class PartStock(TenantModel):
    """rules#parts: one part's stock at the point: on hand (reserved included), reserved for
    diagnosed tickets, and defective (set aside, not usable). Changed only by
    ``parts.services.stock`` under a row lock; the constraints keep every count from going
    below zero, whatever two technicians do at once."""

    part = models.OneToOneField(
        Part, on_delete=models.CASCADE, related_name="stock", verbose_name=_("part")
    )
    on_hand = models.PositiveIntegerField(_("on hand"), default=0)
    reserved = models.PositiveIntegerField(_("reserved"), default=0)
    defective = models.PositiveIntegerField(_("defective"), default=0)
    reorder_level = models.PositiveIntegerField(
        _("reorder level"),
        default=0,
        help_text=_("Order more when what is free falls below this."),
    )

    class Meta:
        db_table = "repairs_partstock"  # the table it had in the repairs app
        verbose_name = _("part stock")
        verbose_name_plural = _("part stock")
        constraints = [
            models.CheckConstraint(
                name="part_stock_counts_not_negative",
                condition=models.Q(on_hand__gte=0, reserved__gte=0, defective__gte=0),
            ),
            models.CheckConstraint(
                name="part_stock_reserved_within_on_hand",
                condition=models.Q(reserved__lte=models.F("on_hand")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}: {self.on_hand}/{self.reserved}"

    @property
    def free(self) -> int:
        """What the next diagnosis can still reserve."""
        return self.on_hand - self.reserved

    @property
    def below_level(self) -> bool:
        return self.free < self.reorder_level


class MovementKind(models.TextChoices):
    RECEIVE = "receive", _("Delivery received")
    RESERVE = "reserve", _("Reserved for a repair")
    RELEASE = "release", _("Reservation released")
    CONSUME = "consume", _("Used in a repair")
    ADJUST = "adjust", _("Count adjusted")
    DEFECTIVE = "defective", _("Set aside as defective")


class StockMovement(FormTokenModel, TenantModel):
    """Every change of a part's stock, with who, when, why and for which ticket (append-only)."""

    part = models.ForeignKey(
        Part, on_delete=models.CASCADE, related_name="movements", verbose_name=_("part")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MovementKind.choices)
    quantity = models.IntegerField(_("quantity"))
    ticket = models.ForeignKey(
        "repairs.RepairTicket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stock_movements",
        verbose_name=_("repair record"),
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        db_table = "repairs_stockmovement"  # the table it had in the repairs app
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["point", "-at"], name="stock_movement_point_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity}"


class DefectiveStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("In defective stock")
    RETURNED_TO_BRAND = "returned_to_brand", _("Returned to the brand")


class DefectiveDevice(TenantModel):
    """A faulty device the point took back in a 三包 return or exchange (rules#sanbao): it stays
    in the point's defective stock until it goes back to the brand."""

    ticket = models.OneToOneField(
        "repairs.RepairTicket",
        on_delete=models.PROTECT,
        related_name="defective_device",
        verbose_name=_("repair record"),
    )
    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="+", verbose_name=_("device")
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=DefectiveStatus.choices,
        default=DefectiveStatus.IN_STOCK,
    )
    #: rules#parts (旧件返还): the return batch it goes back to the brand in; empty while it
    #: waits at the point for the next batch.
    batch = models.ForeignKey(
        "ReturnBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("return batch"),
    )

    objects = TenantQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        db_table = "repairs_defectivedevice"  # the table it had in the repairs app
        verbose_name = _("defective device")
        verbose_name_plural = _("defective stock")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["point", "status", "received_at"], name="defective_point_status")
        ]

    def __str__(self) -> str:
        return f"{self.device_id} {self.status}"


class ReturnBatchStatus(models.TextChoices):
    """rules#parts (旧件返还): a return batch from its making to the regional center."""

    COLLECTED = "collected", _("Collected, to pack")
    PACKED = "packed", _("Packed")
    SHIPPED = "shipped", _("Shipped")
    RECEIVED = "received", _("Received by the regional center")


class ReturnBatch(FormTokenModel, TenantModel):
    """A return batch (旧件返还批次): the defective parts (and faulty devices) a point sends back
    to the brand, packed → shipped (carrier and tracking number) → received by the regional
    center. ``status`` moves only through ``parts.transitions.RETURN_BATCH_MACHINE``."""

    number = models.CharField(_("batch number"), max_length=32, unique=True)
    sequence = models.PositiveIntegerField(_("sequence"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReturnBatchStatus.choices,
        default=ReturnBatchStatus.COLLECTED,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made at"), default=timezone.now)
    packed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("packed by"),
    )
    packed_at = models.DateTimeField(_("packed at"), null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=64, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shipped by"),
    )
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    class Meta:
        db_table = "repairs_returnbatch"  # the table it had in the repairs app
        verbose_name = _("return batch")
        verbose_name_plural = _("return batches")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["point", "sequence"], name="return_batch_sequence"),
            models.CheckConstraint(
                name="return_batch_shipped_has_tracking",
                condition=models.Q(status__in=["collected", "packed"])
                | (~models.Q(carrier="") & ~models.Q(tracking_number="")),
            ),
        ]
        indexes = [
            models.Index(fields=["point", "status", "-created_at"], name="return_batch_point")
        ]

    def __str__(self) -> str:
        return self.number


class DefectivePart(TenantModel):
    """One defective part a warranty repair took out (旧件), kept for the brand (rules#parts):
    written when "repair done" consumes a part that must be returned, one row per piece, with
    its repair record; it waits at the point until a return batch takes it."""

    part = models.ForeignKey(
        Part, on_delete=models.PROTECT, related_name="+", verbose_name=_("part")
    )
    ticket = models.ForeignKey(
        "repairs.RepairTicket",
        on_delete=models.PROTECT,
        related_name="defective_parts",
        verbose_name=_("repair record"),
    )
    at = models.DateTimeField(_("replaced at"), default=timezone.now)
    batch = models.ForeignKey(
        ReturnBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pieces",
        verbose_name=_("return batch"),
    )

    class Meta:
        db_table = "repairs_defectivepart"  # the table it had in the repairs app
        verbose_name = _("defective part")
        verbose_name_plural = _("defective parts")
        ordering = ["at", "id"]
        indexes = [
            # The pieces waiting for the next batch: few per point, read on every batch.
            models.Index(
                fields=["point", "at"],
                name="defective_part_pending",
                condition=models.Q(batch__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part_id} {self.ticket_id}"
