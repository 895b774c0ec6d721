"""Front desk records: customers, devices, visits (walk-in and hotline), message slips."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Right
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from intake.phones import display_phone, mask_phone
from servicedesk.idempotency import FormTokenModel
from servicedesk.tenancy import TenantModel


class CustomerType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ENTERPRISE = "enterprise", _("Enterprise account")
    GOVERNMENT = "government", _("Government account")


class Customer(FormTokenModel, TenantModel):
    """A customer of one service point. Phones are stored in E.164 form."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=64)
    phone = models.CharField(_("phone"), max_length=20)
    alt_phone = models.CharField(_("alternative contact"), max_length=20, blank=True)
    customer_type = models.CharField(
        _("customer type"),
        max_length=16,
        choices=CustomerType.choices,
        default=CustomerType.INDIVIDUAL,
    )
    company = models.CharField(_("company"), max_length=100, blank=True)
    is_vip = models.BooleanField(_("VIP"), default=False)
    special_attention_since = models.DateField(
        _("special attention since"),
        null=True,
        blank=True,
        help_text=_(
            "Set the day after a complaint is resolved: every later service is called back."
        ),
    )
    has_complained = models.BooleanField(_("has complained"), default=False)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    erased_at = models.DateTimeField(
        _("personal data erased at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at"]
        constraints = [
            # One record per customer at a point: their phone number is how the desk finds
            # them. Erased customers have no phone left and do not count.
            models.UniqueConstraint(
                fields=["point", "phone"],
                condition=~models.Q(phone=""),
                name="customer_unique_point_phone",
            ),
        ]
        indexes = [
            models.Index(fields=["point", "phone"], name="customer_point_phone"),
            models.Index(fields=["point", "alt_phone"], name="customer_point_alt_phone"),
            # The desk search by the last four digits of the phone.
            models.Index(models.F("point"), Right("phone", 4), name="customer_point_phone_last4"),
            # The name search is a prefix match (LIKE '王小%'); under a non-C collation only a
            # pattern-ops index serves it. Equality on point, then the prefix range on name.
            models.Index(
                fields=["point", "name"],
                name="customer_point_name_prefix",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.masked_phone}"

    @property
    def display_phone(self) -> str:
        return display_phone(self.phone)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_name(self) -> str:
        """The family name and a star for each other character (王**), for lists that others at
        the counter can read."""
        name = self.name.strip()
        return name[:1] + "*" * min(len(name) - 1, 3) if name else ""

    @property
    def is_key_customer(self) -> bool:
        """rules#callbacks: key customers (重点客户) are always called back."""
        return bool(
            self.is_vip
            or self.customer_type != CustomerType.INDIVIDUAL
            or self.has_complained
            or self.under_special_attention
        )

    @property
    def under_special_attention(self) -> bool:
        """From the day after a complaint's resolution on (rules#complaints), not before."""
        return bool(
            self.special_attention_since and self.special_attention_since <= timezone.localdate()
        )

    @property
    def key_flags(self) -> list[str]:
        flags = []
        if self.is_vip:
            flags.append(str(_("VIP")))
        if self.customer_type == CustomerType.ENTERPRISE:
            flags.append(str(_("Enterprise")))
        elif self.customer_type == CustomerType.GOVERNMENT:
            flags.append(str(_("Government")))
        if self.under_special_attention:
            flags.append(str(_("Special attention")))
        if self.has_complained:
            flags.append(str(_("Complained")))
        return flags


class Device(TenantModel):
    """A customer's device. IMEI (15 digits, Luhn-checked) or, where a device has none, a serial."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="devices", verbose_name=_("customer")
    )
    model_name = models.CharField(_("model"), max_length=64)
    imei = models.CharField(_("IMEI"), max_length=15, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=32, blank=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    purchase_place = models.CharField(_("purchase place"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["point", "imei"], name="device_point_imei"),
            models.Index(fields=["point", "serial_number"], name="device_point_serial"),
            # The nationwide device history: one seek on the IMEI (or serial) across all points.
            models.Index(fields=["imei"], name="device_imei"),
            models.Index(fields=["serial_number"], name="device_serial"),
        ]
        constraints = [
            models.CheckConstraint(
                name="device_has_imei_or_serial",
                condition=~models.Q(imei="") | ~models.Q(serial_number=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_name} {self.imei or self.serial_number}"


class Channel(models.TextChoices):
    """Walk-in and hotline contacts are one kind of record, so every report counts both."""

    WALK_IN = "walk_in", _("Walk-in")
    HOTLINE = "hotline", _("Hotline")


class Purpose(models.TextChoices):
    """rules#intake(front desk) and rules#hotline (call kinds)."""

    REPAIR = "repair", _("Repair")
    PICKUP = "pickup", _("Pickup")
    INQUIRY = "inquiry", _("Inquiry")
    SUGGESTION = "suggestion", _("Suggestion")
    PRAISE = "praise", _("Praise")
    COMPLAINT = "complaint", _("Complaint")
    REPAIR_STATUS = "repair_status", _("Repair status")
    TECHNICAL = "technical", _("Technical question")


class CallerKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    DEALER = "dealer", _("Dealer")
    INTERNAL = "internal", _("Internal department")


class VisitStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    SERVING = "serving", _("Being served")
    DONE = "done", _("Done")
    LEFT = "left", _("Left without service")


class Visit(FormTokenModel, TenantModel):
    """One contact with the point: a walk-in at the desk or a hotline call (rules#intake, 4)."""

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.WAITING
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("customer"),
    )
    contact_name = models.CharField(pgettext_lazy("person", "name"), max_length=64, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=20, blank=True)
    queue_number = models.CharField(_("queue number"), max_length=16, blank=True)
    is_quick = models.BooleanField(
        _("quick matter"),
        default=False,
        help_text=_("Takes one or two minutes: served first when several customers wait."),
    )
    arrived_at = models.DateTimeField(_("arrived at"), default=timezone.now)
    served_at = models.DateTimeField(_("service started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("served by"),
    )
    summary = models.TextField(_("summary"), blank=True, max_length=4000)
    outcome = models.TextField(_("outcome"), blank=True, max_length=4000)
    # Hotline calls (rules#hotline)
    caller_kind = models.CharField(
        _("caller kind"), max_length=16, choices=CallerKind.choices, blank=True
    )
    rings_to_answer = models.PositiveSmallIntegerField(
        _("rings before answer"), null=True, blank=True
    )
    answer_seconds = models.PositiveIntegerField(_("seconds to answer"), null=True, blank=True)
    transferred_to = models.CharField(_("transferred to"), max_length=100, blank=True)
    hold_count = models.PositiveSmallIntegerField(_("times put on hold"), default=0)
    hold_seconds = models.PositiveIntegerField(_("seconds on hold"), default=0)
    holds_checked_in_time = models.PositiveSmallIntegerField(
        _("holds checked back in time"),
        default=0,
        help_text=_("Holds in which the operator checked back with the caller every 30 seconds."),
    )
    department = models.ForeignKey(
        "servicedesk.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("forwarded to department"),
        help_text=_("Suggestions go to the responsible department's list."),
    )
    praised_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="praises",
        verbose_name=_("praised staff member"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )

    class Meta:
        verbose_name = _("visit or call")
        verbose_name_plural = _("visits and calls")
        ordering = ["arrived_at"]
        indexes = [
            models.Index(
                fields=["point", "status", "arrived_at"], name="visit_point_status_arrived"
            ),
            models.Index(
                fields=["point", "channel", "arrived_at"], name="visit_point_channel_arrived"
            ),
            # The dashboard's weekly answering and waiting figures of one point (rules#dashboard),
            # read from the index alone (PostgreSQL covering index).
            models.Index(
                fields=["point", "arrived_at"],
                include=[
                    "id",
                    "channel",
                    "rings_to_answer",
                    "hold_count",
                    "holds_checked_in_time",
                    "served_at",
                ],
                name="visit_point_arrived_figures",
            ),
        ]

    def __str__(self) -> str:
        at = f"{timezone.localtime(self.arrived_at):%Y-%m-%d %H:%M}" if self.arrived_at else ""
        return f"{self.get_channel_display()} {self.get_purpose_display()} {at}"

    @property
    def wait_seconds(self) -> int | None:
        """Waiting time from arrival to service (rules#dashboard: front desk waiting time)."""
        if self.served_at is None:
            return None
        return max(0, int((self.served_at - self.arrived_at).total_seconds()))

    @property
    def wait_minutes(self) -> int | None:
        """The wait as the desk says it: whole minutes, rounded."""
        seconds = self.wait_seconds
        return None if seconds is None else (seconds + 30) // 60


class SlipStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CALLED_BACK = "called_back", _("Called back")


class MessageSlip(FormTokenModel, TenantModel):
    """留言条 (rules#slips): taken when the right person is not available; open until called
    back."""

    caller_name = models.CharField(_("caller's name"), max_length=64)
    company = models.CharField(_("company"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20)
    message = models.TextField(_("message"), max_length=4000)
    best_time_to_call = models.CharField(_("best time to call back"), max_length=100, blank=True)
    callback_due_at = models.DateTimeField(_("promised callback by"))
    addressee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="message_slips",
        verbose_name=_("forwarded to"),
    )
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("taken by"),
    )
    read_back_confirmed = models.BooleanField(_("read back to the caller"), default=False)
    visit = models.ForeignKey(
        Visit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="message_slips",
        verbose_name=_("from visit or call"),
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="message_slips",
        verbose_name=_("customer"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SlipStatus.choices, default=SlipStatus.OPEN
    )
    called_back_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    callback_note = models.TextField(_("callback note"), blank=True, max_length=4000)
    overdue_reminded_at = models.DateTimeField(_("overdue reminder sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("message slip")
        verbose_name_plural = _("message slips")
        ordering = ["callback_due_at"]
        indexes = [
            models.Index(
                fields=["point", "status", "callback_due_at"], name="slip_point_status_due"
            ),
            models.Index(fields=["addressee", "status"], name="slip_addressee_status"),
        ]

    def __str__(self) -> str:
        return f"{self.caller_name} → {self.addressee}"

    @property
    def display_phone(self) -> str:
        return display_phone(self.phone)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
