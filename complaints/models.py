"""Complaints (客户投诉, rules#complaints): first-responder ownership, stages, promised replies,
escalation, compensation within each role's authority."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from intake.models import Customer, Visit
from repairs.models import RepairTicket
from servicedesk.idempotency import FormTokenModel
from servicedesk.tenancy import TenantModel


class ComplaintCategory(models.Model):
    """Admin-editable list; defaults from rules#complaints are created by a data migration."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    department = models.ForeignKey(
        "servicedesk.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        # Categories are the network's: so are the departments they name.
        limit_choices_to={"point__isnull": True},
        verbose_name=_("department notified"),
        help_text=_(
            "A network-wide department told when a dissatisfied callback opens a complaint of "
            "this category; empty: the point's department for complaints."
        ),
    )

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class DifficultType(models.Model):
    """Difficult-customer types (特殊客户) with the handling guidance shown to staff."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    guidance = models.TextField(_("handling guidance"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("difficult-customer type")
        verbose_name_plural = _("difficult-customer types")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("Front desk")
    HOTLINE = "hotline", _("Hotline")
    CALLBACK = "callback", _("Callback")


class Source(models.TextChoices):
    VISIT = "visit", _("Visit")
    CALL = "call", pgettext_lazy("complaint source", "Call")
    CALLBACK = "callback", _("Callback")
    REPEAT_REPAIR = "repeat_repair", _("Repeat repair")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


class Stage(models.TextChoices):
    """rules#complaints stages, in order."""

    RECEIVED = "received", _("Received")
    CLARIFIED = "clarified", _("Clarified")
    PROPOSED = "proposed", _("Solution proposed")
    RESOLVED = "resolved", _("Resolved")
    FOLLOWED_UP = "followed_up", _("Followed up")
    CLOSED = "closed", _("Closed")


UNRESOLVED_STAGES = (Stage.RECEIVED, Stage.CLARIFIED, Stage.PROPOSED)


class Complaint(FormTokenModel, TenantModel):
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("customer")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_complaints",
        verbose_name=_("owner"),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    category = models.ForeignKey(
        ComplaintCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.NORMAL
    )
    difficult_type = models.ForeignKey(
        DifficultType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("difficult-customer type"),
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.RECEIVED
    )
    summary = models.TextField(_("complaint"), max_length=4000)
    restatement = models.TextField(_("owner's restatement"), blank=True, max_length=4000)
    customer_confirmed = models.BooleanField(_("customer confirmed the restatement"), default=False)
    options = models.JSONField(_("solution options"), default=list, blank=True)
    chosen_option = models.CharField(_("customer's choice"), max_length=500, blank=True)
    resolution = models.TextField(_("resolution"), blank=True, max_length=4000)
    promised_reply_at = models.DateTimeField(_("promised reply by"), null=True, blank=True)
    overdue_since = models.DateTimeField(_("overdue since"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("escalated to"),
    )
    supervisor_decision = models.TextField(_("supervisor's decision"), blank=True, max_length=4000)
    visit = models.ForeignKey(
        Visit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("visit or call"),
    )
    ticket = models.ForeignKey(
        RepairTicket,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("repair record"),
    )
    callback = models.ForeignKey(
        "followups.Callback",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("from callback"),
        help_text=_("The follow-up callback in which the customer was dissatisfied."),
    )
    callback_due_on = models.DateField(
        _("complaint callback due by"),
        null=True,
        blank=True,
        help_text=_("Set on resolution by complaints.followup.schedule_complaint_callback."),
    )
    created_at = models.DateTimeField(
        pgettext_lazy("complaint", "received at"), default=timezone.now
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["point", "stage", "created_at"], name="complaint_point_stage"),
            models.Index(fields=["point", "owner", "stage"], name="complaint_point_owner"),
            models.Index(fields=["stage", "promised_reply_at"], name="complaint_stage_promise"),
            models.Index(fields=["point", "overdue_since"], name="complaint_point_overdue"),
            models.Index(fields=["point", "category", "stage"], name="complaint_point_category"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.customer_id} {self.stage}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("complaints:detail", args=[self.pk])

    @property
    def is_escalated(self) -> bool:
        return self.escalated_at is not None


class ContactKind(models.TextChoices):
    OPENED = "opened", _("Received")
    CONTACT = "contact", _("Contact with the customer")
    STAGE = "stage", _("Stage changed")
    TRANSFER = "transfer", _("Ownership transferred")
    ESCALATION = "escalation", _("Escalated")
    DECISION = "decision", _("Supervisor's decision")
    COMPENSATION = "compensation", _("Compensation")


class ComplaintContact(models.Model):
    """The complaint's timeline: every contact with the customer and every change."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("complaint")
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ContactKind.choices)
    note = models.TextField(_("note"), blank=True, max_length=4000)
    promised_reply_at = models.DateTimeField(_("new promised reply"), null=True, blank=True)

    tenant_field = "complaint__point"

    class Meta:
        verbose_name = _("complaint contact")
        verbose_name_plural = _("complaint contacts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved: may be promised")
    REFUSED = "refused", _("Refused")


class CompensationOffer(models.Model):
    """Compensation beyond fixing the problem, within the offering role's authority
    (rules#complaints)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="offers", verbose_name=_("complaint")
    )
    amount = models.DecimalField(
        _("amount"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    description = models.CharField(_("what is offered"), max_length=255)
    status = models.CharField(_("status"), max_length=16, choices=OfferStatus.choices)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("offered by"),
    )
    needs_role = models.CharField(_("approval by"), max_length=32, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    tenant_field = "complaint__point"

    class Meta:
        verbose_name = _("compensation offer")
        verbose_name_plural = _("compensation offers")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} ¥{self.amount}"
