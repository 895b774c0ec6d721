"""What the core records: the audit log, heartbeats, state changes, department notices and
the outbox of messages."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicedesk.models.points import ServicePoint
from servicedesk.models.staff import Department


class AuditLog(models.Model):
    """Append-only record of who did what: exports, PII views, approvals, settings changes.

    Rows are written only by ``servicedesk.audit`` functions and can never be changed or deleted
    through the ORM.
    """

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    point = models.ForeignKey(
        ServicePoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service point"),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["point", "-at"], name="audit_point_at")]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Audit log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Audit log entries cannot be deleted.")


class Heartbeat(models.Model):
    """Last sign of life of a background component (Celery worker, beat), for /health/."""

    name = models.CharField(max_length=200, primary_key=True)
    seen_at = models.DateTimeField()
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return self.name


class StateChange(models.Model):
    """One move of a state machine that keeps no timeline of its own (callbacks, visits, export
    jobs, …): which machine and object, the action, from and to, who and when. Written only by
    ``servicedesk.statemachine``."""

    machine = models.CharField(_("record kind"), max_length=32)
    object_id = models.BigIntegerField(_("record"))
    action = models.CharField(_("action"), max_length=32)
    from_state = models.CharField(pgettext_lazy("status", "from"), max_length=24, blank=True)
    to_state = models.CharField(pgettext_lazy("status", "to"), max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        indexes = [models.Index(fields=["machine", "object_id", "at"], name="state_change_object")]

    def __str__(self) -> str:
        return f"{self.machine} {self.object_id}: {self.from_state} → {self.to_state}"


class DepartmentNotice(models.Model):
    """A notice for a department (rules#callbacks: a dissatisfied callback's complaint is told to
    the relevant department): what happened, a link to the record, and who acknowledged it.
    Written only by ``servicedesk.services.department_notify``."""

    point = models.ForeignKey(
        ServicePoint, on_delete=models.PROTECT, related_name="+", verbose_name=_("service point")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("department"),
    )
    subject = models.CharField(_("subject"), max_length=255)
    text = models.CharField(_("text"), max_length=1000, blank=True)
    #: The record it is about (a complaint), as a path: the core links to it without knowing it.
    link = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("read by"),
    )

    tenant_field = "point"

    class Meta:
        verbose_name = _("department notice")
        verbose_name_plural = _("department notices")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["department", "point", "created_at"],
                name="notice_unread",
                condition=models.Q(read_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.subject}"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("To send")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NotificationKind(models.TextChoices):
    """What an outbox message is about; each kind has its templates per event."""

    CUSTOMER_REPAIR = "customer_repair", _("Message to the customer about a repair")
    DEPARTMENT_NOTICE = "department_notice", _("Department notice")


class Notification(models.Model):
    """The outbox (rules#repair: the customer is told when the device is ready; rules#callbacks:
    the relevant department is notified). A message is written in the transaction of the change
    that causes it and sent by ``servicedesk.outbox`` (Celery, with retries and a lease): never
    lost, sent once in the normal path.

    ``ticket`` links a customer message to its repair record: a lazy reference (no import), the
    one column of the core that names a domain app, kept so the table, its rows and the cascade
    with the record stay as they were (docs/architecture.md, "The outbox")."""

    point = models.ForeignKey(
        ServicePoint, on_delete=models.PROTECT, related_name="+", verbose_name=_("service point")
    )
    kind = models.CharField(
        _("kind"),
        max_length=32,
        choices=NotificationKind.choices,
        default=NotificationKind.CUSTOMER_REPAIR,
    )
    ticket = models.ForeignKey(
        "repairs.RepairTicket",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("repair record"),
    )
    notice = models.OneToOneField(
        DepartmentNotice,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="message",
        verbose_name=_("department notice"),
    )
    channel = models.CharField(_("channel"), max_length=16, default="sms")
    to = models.CharField(_("to"), max_length=20)
    text = models.CharField(_("text"), max_length=500)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    #: When a sender claimed the message (a lease of ``NOTIFICATION_LEASE_SECONDS``); cleared when
    #: its result is recorded. A claim older than the lease belongs to a sender that died.
    claimed_at = models.DateTimeField(_("claimed for sending at"), null=True, blank=True)

    tenant_field = "point"

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="notification_status_created")
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.to}"
