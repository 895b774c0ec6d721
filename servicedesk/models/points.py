"""Regions, service points (the tenants) and the roles of their staff."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicedesk import defaults


class Role(models.TextChoices):
    """Staff roles (rules#tenancy)."""

    FRONT_DESK = "front_desk", _("Front desk")
    TECHNICIAN = "technician", _("Technician")
    HOTLINE = "hotline", _("Hotline operator")
    CALLBACK_CLERK = "callback_clerk", _("Callback clerk")
    SUPERVISOR = "supervisor", _("Supervisor")
    SERVICE_MANAGER = "service_manager", _("Service manager")
    REGIONAL_CENTER = "regional_center", _("Regional service center")
    ADMIN = "admin", _("Administrator")


#: Roles that belong to one service point and work on its data.
POINT_ROLES = frozenset(
    {
        Role.FRONT_DESK,
        Role.TECHNICIAN,
        Role.HOTLINE,
        Role.CALLBACK_CLERK,
        Role.SUPERVISOR,
        Role.SERVICE_MANAGER,
    }
)
#: Roles that may only read (rules#tenancy: the regional center sees its region, read-only).
READ_ONLY_ROLES = frozenset({Role.REGIONAL_CENTER})
#: Roles that receive or repair devices and so need a valid certificate (持证上岗).
CERTIFIED_ROLES = frozenset({Role.FRONT_DESK, Role.TECHNICIAN})
#: Roles that supervise a point: queues, approvals, settings.
SUPERVISING_ROLES = frozenset({Role.SUPERVISOR, Role.SERVICE_MANAGER})


def validate_calling_hours(value) -> None:
    """Calling hours are a list of ["HH:MM", "HH:MM"] windows, each start before its end."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Give at least one calling window."))
    previous_end = None
    for window in value:
        if not (isinstance(window, list | tuple) and len(window) == 2):
            raise ValidationError(_("Each calling window is a start and an end time."))
        try:
            start, end = (dt.time.fromisoformat(str(part)) for part in window)
        except ValueError as exc:
            raise ValidationError(_("Times are written as HH:MM.")) from exc
        if start >= end:
            raise ValidationError(_("A calling window must start before it ends."))
        if previous_end is not None and start < previous_end:
            raise ValidationError(_("Calling windows must be in order and must not overlap."))
        previous_end = end


def default_calling_hours():
    return [list(window) for window in defaults.CALLING_HOURS]


class Region(models.Model):
    """A regional service center's area (区域); it receives its points' monthly reports."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PrintFormat(models.TextChoices):
    A5 = "a5", _("A5 sheet")
    RECEIPT_80MM = "receipt80", _("80 mm receipt")


class ServicePoint(models.Model):
    """An authorized service point (服务网点): the tenant. Holds its own copy of every setting."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="points", verbose_name=_("region")
    )
    code = models.CharField(
        _("point code"),
        max_length=16,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9]{2,16}$", _("Use 2-16 capital letters or digits."))],
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=255)
    phone = models.CharField(_("service hotline"), max_length=32)
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default=defaults.TIME_ZONE)
    language = models.CharField(
        _("language of customer messages"),
        max_length=16,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("SMS and prints to customers, whatever language a staff member's screen uses."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    has_queue_machine = models.BooleanField(_("has a queue-number machine"), default=False)
    print_format = models.CharField(
        _("print format"), max_length=16, choices=PrintFormat.choices, default=PrintFormat.A5
    )

    # rules#callbacks: follow-up callbacks
    calling_hours = models.JSONField(
        _("calling hours"), default=default_calling_hours, validators=[validate_calling_hours]
    )
    callback_sample_rate = models.DecimalField(
        _("callback sampling rate"),
        max_digits=3,
        decimal_places=2,
        default=defaults.CALLBACK_SAMPLE_RATE,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Share of ordinary customers called back (key customers are always called)."),
    )
    callback_max_attempts = models.PositiveSmallIntegerField(
        pgettext_lazy("point setting", "callback attempts"),
        default=defaults.CALLBACK_MAX_ATTEMPTS,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    callback_first_day = models.PositiveSmallIntegerField(
        _("first callback: days after handover"),
        default=defaults.CALLBACK_FIRST_DAY,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    callback_second_from_day = models.PositiveSmallIntegerField(
        _("second callback: from day"),
        default=defaults.CALLBACK_SECOND_WINDOW[0],
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    callback_second_to_day = models.PositiveSmallIntegerField(
        _("second callback: to day"),
        default=defaults.CALLBACK_SECOND_WINDOW[1],
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    callback_target_seconds = models.PositiveSmallIntegerField(
        _("callback target length (seconds)"),
        default=defaults.CALLBACK_TARGET_SECONDS,
        validators=[MinValueValidator(30), MaxValueValidator(3600)],
    )
    callback_retry_minutes = models.PositiveSmallIntegerField(
        _("retry a callback after (minutes)"),
        default=defaults.CALLBACK_RETRY_MINUTES,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
        help_text=_("When the customer was in a meeting, eating or unwell."),
    )
    complaint_callback_days = models.PositiveSmallIntegerField(
        _("complaint callback within (days)"),
        default=defaults.COMPLAINT_CALLBACK_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    complaint_first_reply_hours = models.PositiveSmallIntegerField(
        _("first reply to a complaint from a callback within (hours)"),
        default=defaults.COMPLAINT_FIRST_REPLY_HOURS,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text=_(
            "A dissatisfied callback opens a complaint that promises the customer a reply within "
            "this time; if nobody contacts them by then, it is overdue and escalates."
        ),
    )

    # rules#complaints: compensation authority per role (yuan)
    compensation_limit_front_desk = models.DecimalField(
        _("compensation limit: front desk"),
        max_digits=10,
        decimal_places=2,
        default=defaults.COMPENSATION_LIMIT_FRONT_DESK,
        validators=[MinValueValidator(0)],
    )
    compensation_limit_hotline = models.DecimalField(
        _("compensation limit: hotline"),
        max_digits=10,
        decimal_places=2,
        default=defaults.COMPENSATION_LIMIT_HOTLINE,
        validators=[MinValueValidator(0)],
    )
    compensation_limit_supervisor = models.DecimalField(
        _("compensation limit: supervisor"),
        max_digits=10,
        decimal_places=2,
        default=defaults.COMPENSATION_LIMIT_SUPERVISOR,
        validators=[MinValueValidator(0)],
    )
    compensation_limit_manager = models.DecimalField(
        _("compensation limit: service manager"),
        max_digits=10,
        decimal_places=2,
        default=defaults.COMPENSATION_LIMIT_MANAGER,
        validators=[MinValueValidator(0)],
    )

    # rules#repair: a refused quote returns the device unrepaired, with the point's fee rule
    refused_quote_fee = models.DecimalField(
        _("inspection fee when a quote is refused"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
        help_text=_("0 means the device goes back free of charge."),
    )

    # rules#payment: a desk user refunds up to this amount; above it a supervisor refunds.
    refund_authority_desk = models.DecimalField(
        _("refund authority: front desk"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
        help_text=_("0 means every refund is made by a supervisor."),
    )
    # rules#payment: separation of duties. Nobody confirms their own cash-up; a supervisor's is
    # confirmed by another supervisor, or by the service manager where the point allows it (a
    # point with one supervisor).
    manager_confirms_cash_ups = models.BooleanField(
        _("the service manager confirms the supervisor's cash-up"),
        default=False,
        help_text=_("For a point with one supervisor."),
    )

    # rules#repair and 4
    repeat_repair_days = models.PositiveSmallIntegerField(
        _("repeat-repair window (days)"),
        default=defaults.REPEAT_REPAIR_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    pickup_overdue_days = models.PositiveSmallIntegerField(
        _("overdue for pickup after (days)"),
        default=defaults.PICKUP_OVERDUE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("A repaired device not collected for this many days is shown as overdue."),
    )
    share_technician_notes = models.BooleanField(
        _("share technicians' notes with other points"),
        default=False,
        help_text=_(
            "When a device repaired here is brought to another point, that point sees the "
            "confirmed fault and the repair method as written by our technicians."
        ),
    )
    answer_within_rings = models.PositiveSmallIntegerField(
        _("answer within rings"),
        default=defaults.ANSWER_WITHIN_RINGS,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    hold_check_seconds = models.PositiveSmallIntegerField(
        _("hold check interval (seconds)"),
        default=defaults.HOLD_CHECK_SECONDS,
        validators=[MinValueValidator(5), MaxValueValidator(600)],
    )
    # rules#callbacks: the department told of a complaint whose category names none
    complaint_department = models.ForeignKey(
        "Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department notified of complaints"),
        help_text=_(
            "Told when a dissatisfied callback opens a complaint whose category names no "
            "department of its own."
        ),
    )
    #: Increases with every saved change of the settings: the settings form carries the version it
    #: was loaded with, so the second of two supervisors gets a conflict, never a lost update.
    settings_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self):
        super().clean()
        if self.callback_second_from_day > self.callback_second_to_day:
            raise ValidationError(
                {"callback_second_to_day": _("The window must end on or after its first day.")}
            )
        if self.callback_first_day >= self.callback_second_from_day:
            raise ValidationError(
                {"callback_second_from_day": _("The second callback comes after the first.")}
            )

    def compensation_limit_for(self, role: str) -> Decimal:
        """rules#complaints: the most a member of ``role`` may promise without approval."""
        limits: dict[str, Decimal] = {
            Role.FRONT_DESK: self.compensation_limit_front_desk,
            Role.HOTLINE: self.compensation_limit_hotline,
            Role.SUPERVISOR: self.compensation_limit_supervisor,
            Role.SERVICE_MANAGER: self.compensation_limit_manager,
        }
        return limits.get(role, Decimal("0"))

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The point's time zone (its days, calling hours and prints); the project's default
        when the stored name is unknown."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    @property
    def calling_windows(self) -> list[tuple[dt.time, dt.time]]:
        return [(dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for a, b in self.calling_hours]
