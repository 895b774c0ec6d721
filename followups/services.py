"""Follow-up callback services (rules#callbacks). The one place where callbacks are created and
moved.

- ``callbacks_schedule_for_handover``: called by the handover in the same transaction;
- ``callback_schedule_for_complaint``: the extra callback after a complaint is resolved;
- ``callbacks_dispatch``: what beat's dispatcher does (due rows into the queue, missed windows
  into the overdue list), idempotent and safe to run twice at once;
- ``callback_record_outcome``: the clerk's result of one call;
- ``callback_move``: moving a schedule by hand, with a reason (``MoveInput``);
- ``callback_take_slip``: a question the clerk cannot answer, as a message slip (``SlipInput``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from followups import app_events, outcomes, schedule, transitions
from followups.models import (
    Answer,
    Callback,
    CallbackAttempt,
    CallbackDecision,
    CallbackKind,
    CallbackStatus,
    Outcome,
    OutsideHoursReason,
    Question,
    QuestionKind,
    SelectionReason,
)
from intake.models import Customer, CustomerType, MessageSlip
from intake.services.slips import slip_take
from repairs.models import RepairTicket
from servicedesk.errors import ConflictError as BaseConflictError
from servicedesk.faults import checkpoint
from servicedesk.models import Role, ServicePoint
from servicedesk.permissions import has_role
from servicedesk.tenancy import scope_for, user_role

if TYPE_CHECKING:
    from servicedesk.types import Actor

CLERK_ROLES = (Role.CALLBACK_CLERK, Role.SUPERVISOR, Role.SERVICE_MANAGER)


class ConflictError(BaseConflictError):
    """The callback changed since the clerk opened it."""


def _tz(point: ServicePoint) -> ZoneInfo:
    return ZoneInfo(point.time_zone)


def _window_times(
    point: ServicePoint, window: schedule.CallbackWindow
) -> tuple[dt.datetime, dt.datetime]:
    tz = _tz(point)
    windows = point.calling_windows
    return (
        schedule.day_opens_at(window.first_day, windows, tz),
        schedule.day_closes_at(window.last_day, windows, tz),
    )


def key_customer_reason(customer: Customer, *, today: dt.date) -> str | None:
    """rules#callbacks: key customers (重点客户) are called back 100%. Returns why, or None."""
    if customer.is_vip:
        return SelectionReason.VIP
    if customer.customer_type in (CustomerType.ENTERPRISE, CustomerType.GOVERNMENT):
        return SelectionReason.ENTERPRISE
    if customer.has_complained:
        return SelectionReason.COMPLAINED
    if customer.special_attention_since and customer.special_attention_since <= today:
        return SelectionReason.SPECIAL_ATTENTION
    return None


def decide_callback(*, ticket: RepairTicket, today: dt.date) -> tuple[bool, str, Decimal]:
    """Whether a handed-over ticket is called back, and why (reproducible from the ticket)."""
    point = ticket.point
    value = schedule.sample_value(point.code, ticket.number)
    key = key_customer_reason(ticket.customer, today=today)
    if key is not None:
        return True, key, value
    if schedule.is_sampled(value, point.callback_sample_rate):
        return True, SelectionReason.SAMPLED, value
    return False, SelectionReason.NOT_SAMPLED, value


@transaction.atomic
def callbacks_schedule_for_handover(
    *, ticket: RepairTicket, now: dt.datetime | None = None
) -> list[Callback]:
    """rules#callbacks: a handover creates the callbacks it is owed, in the handover's transaction:
    the first due on day 3 after handover, the second in days 8–15; key customers always, everyone
    else by the point's reproducible sample. Running it twice creates nothing new."""
    now = now or timezone.now()
    point = ticket.point
    handed_over_at = ticket.handed_over_at or now
    handover_day = handed_over_at.astimezone(_tz(point)).date()
    selected, reason, value = decide_callback(ticket=ticket, today=handover_day)
    CallbackDecision.objects.get_or_create(
        ticket=ticket,
        defaults={
            "point": point,
            "selected": selected,
            "reason": reason,
            "sample_value": value,
            "sample_rate": point.callback_sample_rate,
            "decided_at": now,
        },
    )
    if not selected:
        return []
    windows = {
        CallbackKind.FIRST: schedule.first_callback_window(handover_day, point.callback_first_day),
        CallbackKind.SECOND: schedule.second_callback_window(
            handover_day, (point.callback_second_from_day, point.callback_second_to_day)
        ),
    }
    created = []
    for kind, window in windows.items():
        opens, closes = _window_times(point, window)
        callback, was_created = Callback.objects.get_or_create(
            ticket=ticket,
            kind=kind,
            defaults={
                "point": point,
                "customer": ticket.customer,
                "reason": reason,
                "window_start": window.first_day,
                "window_end": window.last_day,
                "due_at": opens,
                "window_closes_at": closes,
            },
        )
        if was_created:
            created.append(callback)
    return created


@transaction.atomic
def callback_schedule_for_complaint(
    *,
    point: ServicePoint,
    customer: Customer,
    resolved_at: dt.datetime,
    ticket: RepairTicket | None = None,
) -> Callback:
    """rules#complaints/6: after a complaint is resolved the customer is called back within
    ``point.complaint_callback_days`` days (回访员三天内再次回访)."""
    day = resolved_at.astimezone(_tz(point)).date()
    window = schedule.CallbackWindow(
        day + dt.timedelta(days=1), day + dt.timedelta(days=point.complaint_callback_days)
    )
    opens, closes = _window_times(point, window)
    return Callback.objects.create(
        point=point,
        customer=customer,
        ticket=None,
        kind=CallbackKind.COMPLAINT,
        reason=SelectionReason.COMPLAINT,
        window_start=window.first_day,
        window_end=window.last_day,
        due_at=opens,
        window_closes_at=closes,
    )


@dataclass
class DispatchResult:
    queued: int = 0
    overdue: int = 0


def callbacks_dispatch(*, now: dt.datetime | None = None, batch_size: int = 2000) -> DispatchResult:
    """Beat's dispatcher (rules#callbacks). Touches only due rows, in bounded batches:

    1. scheduled callbacks whose time has come move into the clerks' queue;
    2. queued callbacks whose on-time window has closed are marked overdue (still callable, now
       in the overdue list).

    Rows are claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` and flipped with a conditional
    UPDATE, so two dispatchers at once, or a re-delivered message, never act twice."""
    now = now or timezone.now()
    result = DispatchResult()
    while True:
        with transaction.atomic():
            ids = list(
                Callback.objects.select_for_update(skip_locked=True)
                .filter(status=CallbackStatus.SCHEDULED, due_at__lte=now)
                .order_by("due_at")
                .values_list("id", flat=True)[:batch_size]
            )
            if ids:
                result.queued += transitions.MACHINE.move_rows(
                    Callback.objects.filter(id__in=ids), "queue", now=now, queued_at=now
                )
                checkpoint("followups.dispatch.batch")  # a crash here rolls the batch back
        if len(ids) < batch_size:
            break
    while True:
        with transaction.atomic():
            ids = list(
                Callback.objects.select_for_update(skip_locked=True)
                .filter(
                    status__in=[CallbackStatus.DUE, CallbackStatus.SCHEDULED],
                    window_closes_at__lte=now,
                    overdue_since__isnull=True,
                )
                .order_by("window_closes_at")
                .values_list("id", flat=True)[:batch_size]
            )
            if ids:
                result.overdue += Callback.objects.filter(
                    id__in=ids, overdue_since__isnull=True
                ).update(overdue_since=now)
        if len(ids) < batch_size:
            break
    return result


def _check_clerk(actor: Actor, callback: Callback) -> None:
    scope = scope_for(actor)
    if not has_role(actor, CLERK_ROLES) or scope.read_only or not scope.allows(callback.point_id):
        raise PermissionDenied(_("Only callback clerks and supervisors make callbacks."))


def callback_outcome_errors(
    *,
    point: ServicePoint,
    outcome: str,
    dissatisfaction_reason: str,
    call_back_at: dt.datetime | None,
    now: dt.datetime,
    outside_hours_reason: str = "",
) -> dict[str, list[str]]:
    """What an outcome still lacks (rules#callbacks outcomes): a dissatisfied customer's reason,
    a busy customer's time to call back (future, inside calling hours). The callback screen's form
    asks this too, so that these errors come together with the form's own.

    rules#callbacks "when not to call": a call is recorded only within the point's calling hours
    (its own time zone), unless the customer called us back; the clerk says so on the form."""
    errors: dict[str, list[str]] = {}
    if outside_hours_reason not in ("", *OutsideHoursReason.values):
        errors["outside_hours_reason"] = [_("Choose a reason from the list.")]
    elif not outside_hours_reason and not schedule.within_calling_hours(
        now, point.calling_windows, _tz(point)
    ):
        hours = ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in point.calling_windows)
        errors["outside_hours_reason"] = [
            _(
                "It is outside the calling hours (%(hours)s): call within them, or say that"
                " the customer called us back."
            )
            % {"hours": hours}
        ]
    if outcome == Outcome.DISSATISFIED and not dissatisfaction_reason.strip():
        errors["dissatisfaction_reason"] = [
            _("Ask the customer why and write the reason down: it is required.")
        ]
    if outcome == Outcome.BUSY:
        if call_back_at is None:
            errors["call_back_at"] = [_("Ask the customer when to call back.")]
        elif call_back_at <= now:
            errors["call_back_at"] = [_("The time to call back must be in the future.")]
        elif not schedule.within_calling_hours(call_back_at, point.calling_windows, _tz(point)):
            errors["call_back_at"] = [
                _("That is outside the calling hours; agree on a time within them.")
            ]
    return errors


@transaction.atomic
def callback_record_outcome(
    *,
    callback: Callback,
    actor: Actor,
    data: outcomes.OutcomeInput,
    version: int,
    now: dt.datetime | None = None,
) -> Callback:
    """Record one call's result (rules#callbacks outcomes):

    - satisfied: done; dissatisfied: done, the reason is mandatory and a complaint is opened the
      same day (``app_events.callback_dissatisfied``);
    - busy: rescheduled to the time the customer chose (inside calling hours);
    - in a meeting / eating / unwell: retried after the point's retry delay;
    - wrong number: closed;
    - unreachable: retried on another day, closed after ``point.callback_max_attempts`` tries.

    What each outcome does (target, when tried again, reached or not) is ``followups.outcomes``.

    Refused outside the point's calling hours unless ``outside_hours_reason`` says the customer
    called us back (stored on the attempt).
    """
    now = now or timezone.now()
    _check_clerk(actor, callback)
    locked = Callback.objects.select_for_update().select_related("point").get(pk=callback.pk)
    if locked.version != version:
        raise ConflictError(_("Someone else recorded this callback meanwhile. Reload the page."))
    if locked.status not in (CallbackStatus.DUE, CallbackStatus.SCHEDULED):
        raise ValidationError(_("This callback is already finished."))
    outcome = data.outcome
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("Choose how the call ended.")]})
    errors = callback_outcome_errors(
        point=locked.point,
        outcome=outcome,
        dissatisfaction_reason=data.dissatisfaction_reason,
        call_back_at=data.call_back_at,
        now=now,
        outside_hours_reason=data.outside_hours_reason,
    )
    if errors:
        raise ValidationError(errors)
    rule = outcomes.OUTCOMES[outcome]
    _record_attempt(
        locked,
        actor=actor,
        outcome=outcome,
        note=data.note,
        duration_seconds=data.duration_seconds,
        outside_hours_reason=data.outside_hours_reason,
        now=now,
    )
    if rule.reached:
        _save_answers(locked, data.answers)
        locked.duration_seconds = data.duration_seconds
        locked.dissatisfaction_reason = data.dissatisfaction_reason.strip()
        locked.suggestion = data.suggestion.strip()
    if rule.counts_unreachable:
        locked.unreachable_attempts += 1
    locked.outcome = outcome
    if (
        rule.due is not None
        and outcomes.outcome_target(locked, outcome) == CallbackStatus.SCHEDULED
    ):
        locked.due_at = rule.due(locked.point, now, data.call_back_at)
    else:
        locked.completed_at = now
    transitions.MACHINE.move(
        locked, "record_outcome", actor=actor, role=user_role(actor), now=now, outcome=outcome
    )
    locked.save()
    locked.opened = []
    if outcome == Outcome.DISSATISFIED:
        locked.opened = app_events.callback_dissatisfied(callback=locked, actor=actor, now=now)
    return locked


def _record_attempt(
    callback: Callback,
    *,
    actor: Actor,
    outcome: str,
    note: str,
    duration_seconds: int | None,
    outside_hours_reason: str,
    now: dt.datetime,
) -> CallbackAttempt:
    """One call, whatever it ended with: counted on the callback and kept as an attempt."""
    callback.attempts += 1
    callback.handled_by = actor
    callback.version += 1
    return CallbackAttempt.objects.create(
        callback=callback,
        at=now,
        by=actor,
        outcome=outcome,
        note=note[:500],
        duration_seconds=duration_seconds,
        outside_hours_reason=outside_hours_reason,
    )


def _save_answers(callback: Callback, answers: Mapping[int, Any]) -> None:
    questions = {q.pk: q for q in Question.objects.filter(is_active=True)}
    for question_id, value in answers.items():
        question = questions.get(int(question_id))
        if question is None or value in (None, ""):
            continue
        fields: dict[str, object] = {"rating": None, "yes_no": None, "text": ""}
        if question.kind == QuestionKind.RATING:
            rating = int(value)
            if not 1 <= rating <= 5:
                raise ValidationError({f"q_{question.pk}": [_("Give a rating from 1 to 5.")]})
            fields["rating"] = rating
        elif question.kind == QuestionKind.YES_NO:
            fields["yes_no"] = value in (True, "yes", "true", "1")
        else:
            fields["text"] = str(value)[:1000]
        Answer.objects.update_or_create(callback=callback, question=question, defaults=fields)


@dataclass(frozen=True)
class MoveInput:
    """A move of the schedule by hand, as the clerk gives it (the callback screen's form)."""

    due_at: dt.datetime
    reason: str


@transaction.atomic
def callback_move(*, callback: Callback, actor: Actor, version: int, data: MoveInput) -> Callback:
    """Move a scheduled callback by hand (rules#callbacks: schedules can be moved), reason
    required."""
    _check_clerk(actor, callback)
    locked = Callback.objects.select_for_update().select_related("point").get(pk=callback.pk)
    if locked.version != version:
        raise ConflictError(_("Someone else changed this callback meanwhile. Reload the page."))
    if locked.status not in (CallbackStatus.SCHEDULED, CallbackStatus.DUE):
        raise ValidationError(_("Only open callbacks can be moved."))
    errors = {}
    reason, due_at = data.reason, data.due_at
    if not reason.strip():
        errors["reason"] = [_("Say why the callback is moved.")]
    if due_at <= timezone.now():
        errors["due_at"] = [_("Choose a time in the future.")]
    elif not schedule.within_calling_hours(due_at, locked.point.calling_windows, _tz(locked.point)):
        errors["due_at"] = [_("That is outside the calling hours.")]
    if errors:
        raise ValidationError(errors)
    locked.due_at = due_at
    transitions.MACHINE.move(
        locked, "move", actor=actor, role=user_role(actor), note=reason.strip()
    )
    locked.moved_reason = reason.strip()[:255]
    locked.version += 1
    locked.save()
    return locked


@dataclass(frozen=True)
class SlipInput:
    """A question the clerk cannot answer, for a colleague to call the customer back."""

    message: str
    addressee: Actor | None
    callback_due_at: dt.datetime | None
    read_back_confirmed: bool
    #: The form's one-time token: a double submit takes one slip.
    token: uuid.UUID | None = None


def callback_take_slip(
    *, callback: Callback, actor: Actor, data: SlipInput, now: dt.datetime | None = None
) -> MessageSlip:
    """rules#callbacks: a question the clerk cannot answer becomes a message slip for the
    colleague who can (rules#hotline: the slip's own rules), not an improvisation."""
    _check_clerk(actor, callback)
    if data.addressee is None or data.callback_due_at is None:
        raise ValidationError(_("The message slip is incomplete: question, addressee and time."))
    return slip_take(
        point=callback.point,
        actor=actor,
        caller_name=callback.customer.name,
        phone=callback.customer.phone,
        message=data.message,
        callback_due_at=data.callback_due_at,
        addressee=data.addressee,
        read_back_confirmed=data.read_back_confirmed,
        customer=callback.customer,
        token=data.token,
        now=now or timezone.now(),
    )
