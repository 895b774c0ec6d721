"""Follow-up callbacks (回访, rules#callbacks): the schedule lives here, in the database.

Celery beat only wakes the dispatcher (``followups.tasks``); every callback that is owed is a row,
so a flushed broker or a killed worker loses nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.models import Customer
from repairs.models import RepairTicket
from servicedesk.events import Opened
from servicedesk.tenancy import TenantModel


class CallbackKind(models.TextChoices):
    FIRST = "first", _("First callback (day 3)")
    SECOND = "second", _("Second callback (days 8–15)")
    COMPLAINT = "complaint", _("Complaint follow-up")


class CallbackStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DUE = "due", _("In the callback queue")
    DONE = "done", _("Done")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    """rules#callbacks: what a call attempt ended with."""

    SATISFIED = "satisfied", _("Reached, satisfied")
    DISSATISFIED = "dissatisfied", _("Reached, dissatisfied")
    BUSY = "busy", _("Busy: call back at the customer's time")
    NOT_NOW = "not_now", _("In a meeting, eating or unwell: retry later")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    UNREACHABLE = "unreachable", _("Unreachable")


class OutsideHoursReason(models.TextChoices):
    """rules#callbacks: why a call was recorded outside the point's calling hours. Only the
    customer's own call may be answered at rest time; the clerk never calls out then."""

    CUSTOMER_CALLED = "customer_called", _("The customer called us back")


#: Outcomes that end the callback as made (the customer was reached).
REACHED_OUTCOMES = frozenset({Outcome.SATISFIED, Outcome.DISSATISFIED})


class SelectionReason(models.TextChoices):
    VIP = "vip", _("Key customer: VIP")
    ENTERPRISE = "enterprise", _("Key customer: enterprise or government account")
    COMPLAINED = "complained", _("Key customer: has complained")
    SPECIAL_ATTENTION = "special_attention", _("Key customer: special attention")
    SAMPLED = "sampled", _("Chosen by the random sample")
    NOT_SAMPLED = "not_sampled", _("Not chosen by the random sample")
    COMPLAINT = "complaint", _("Complaint follow-up")


class CallbackDecision(TenantModel):
    """Why a handed-over ticket is or is not called back: reproducible and auditable."""

    ticket = models.OneToOneField(
        RepairTicket,
        on_delete=models.CASCADE,
        related_name="callback_decision",
        verbose_name=_("repair record"),
    )
    selected = models.BooleanField(_("called back"))
    reason = models.CharField(_("reason"), max_length=24, choices=SelectionReason.choices)
    sample_value = models.DecimalField(_("sample value"), max_digits=7, decimal_places=6)
    sample_rate = models.DecimalField(_("sampling rate"), max_digits=3, decimal_places=2)
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("callback decision")
        verbose_name_plural = _("callback decisions")

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.reason}"


class Callback(TenantModel):
    """One callback owed to a customer: first (day 3), second (days 8–15) or after a complaint."""

    kind = models.CharField(_("kind"), max_length=16, choices=CallbackKind.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CallbackStatus.choices,
        default=CallbackStatus.SCHEDULED,
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="callbacks", verbose_name=_("customer")
    )
    ticket = models.ForeignKey(
        RepairTicket,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="callbacks",
        verbose_name=_("repair record"),
    )
    reason = models.CharField(_("why called back"), max_length=24, choices=SelectionReason.choices)
    window_start = models.DateField(_("on time from"))
    window_end = models.DateField(_("on time until"))
    due_at = models.DateTimeField(_("callable from"))
    window_closes_at = models.DateTimeField(_("window closes at"))
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    overdue_since = models.DateTimeField(_("overdue since"), null=True, blank=True)
    unreachable_attempts = models.PositiveSmallIntegerField(_("unreachable attempts"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    dissatisfaction_reason = models.TextField(_("why dissatisfied"), blank=True, max_length=2000)
    suggestion = models.TextField(_("suggestion"), blank=True, max_length=2000)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("callback clerk"),
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(
        _("call length (seconds)"), null=True, blank=True
    )
    moved_reason = models.CharField(_("moved because"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "kind"],
                condition=models.Q(ticket__isnull=False),
                name="one_callback_per_ticket_and_kind",
            ),
        ]
        indexes = [
            # The dispatcher's two scans touch only due rows: (status, time) range scans.
            models.Index(fields=["status", "due_at"], name="callback_status_due"),
            models.Index(fields=["status", "window_closes_at"], name="callback_status_closes"),
            models.Index(fields=["point", "status", "due_at"], name="callback_point_status_due"),
            # The dashboard's weekly callback figures of one point (rules#dashboard), read from the
            # index alone (PostgreSQL covering index): a busy point has thousands per quarter.
            models.Index(
                fields=["point", "window_closes_at"],
                include=["id", "outcome", "duration_seconds"],
                name="callback_point_closes",
            ),
        ]

    #: What recording the outcome opened in other apps (the subscribers' results: the complaint of a
    #: dissatisfied call), for the screen's confirmation. Set by the service, never stored.
    opened: list[Opened]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.customer_id} {self.window_start}"

    @property
    def is_overdue(self) -> bool:
        return self.overdue_since is not None and self.status in (
            CallbackStatus.SCHEDULED,
            CallbackStatus.DUE,
        )


class CallbackAttempt(models.Model):
    """Every call made for a callback, with its outcome: the callback's timeline."""

    callback = models.ForeignKey(
        Callback, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("callback")
    )
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("callback clerk"),
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    duration_seconds = models.PositiveIntegerField(
        _("call length (seconds)"), null=True, blank=True
    )
    outside_hours_reason = models.CharField(
        _("outside calling hours because"),
        max_length=16,
        choices=OutsideHoursReason.choices,
        blank=True,
        default="",
        db_default="",  # bulk loads (the national data set) leave it out
    )

    tenant_field = "callback__point"

    class Meta:
        verbose_name = _("callback attempt")
        verbose_name_plural = _("callback attempts")
        ordering = ["at"]
        indexes = [
            # "Made on time" on the dashboard: an attempt before the window closed, checked
            # from the index alone for every callback of the quarter.
            models.Index(fields=["callback", "at"], name="callback_attempt_at"),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.get_outcome_display()}"


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating 1–5")
    YES_NO = "yes_no", _("Yes or no")
    TEXT = "text", _("Free text")


class Question(models.Model):
    """The callback questionnaire (rules#callbacks): data, asked in ``position`` order."""

    position = models.PositiveSmallIntegerField(_("position"), unique=True)
    text = models.CharField(_("question"), max_length=255)
    kind = models.CharField(_("answer kind"), max_length=16, choices=QuestionKind.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("callback question")
        verbose_name_plural = _("callback questions")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.text


class Answer(models.Model):
    callback = models.ForeignKey(
        Callback, on_delete=models.CASCADE, related_name="answers", verbose_name=_("callback")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    yes_no = models.BooleanField(_("yes or no"), null=True, blank=True)
    text = models.CharField(_("answer"), max_length=1000, blank=True)

    tenant_field = "callback__point"

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["callback", "question"], name="one_answer_per_question"
            ),
            models.CheckConstraint(
                name="rating_1_to_5",
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.rating or self.yes_no or self.text}"


class CallbackReport(TenantModel):
    """The monthly callback statistics (rules#callbacks): generated on the 1st, ready by the 3rd."""

    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    generated_at = models.DateTimeField(_("generated at"))
    data = models.JSONField(_("figures"), default=dict)

    class Meta:
        verbose_name = _("monthly callback report")
        verbose_name_plural = _("monthly callback reports")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "month"], name="one_callback_report_per_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.month:%Y-%m}"
