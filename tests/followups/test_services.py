"""DOMAIN 6 callback rules through the services, with frozen clocks (time_machine)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from followups.models import Callback, CallbackDecision, CallbackKind, CallbackStatus, Outcome
from followups.outcomes import OutcomeInput
from followups.services import (
    ConflictError,
    MoveInput,
    callback_move,
    callback_record_outcome,
    callbacks_dispatch,
    callbacks_schedule_for_handover,
)
from intake.models import CustomerType
from servicedesk.models import Role
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def local(y, m, d, hh=0, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def everyone_sampled(point):
    point.callback_sample_rate = Decimal("1")
    point.save()
    return point


def test_handover_schedules_first_on_day_3_and_second_in_days_8_to_15(everyone_sampled, ticket_at):
    ticket = ticket_at(local(2026, 11, 10, 16, 30))
    first, second = sorted(callbacks_schedule_for_handover(ticket=ticket), key=lambda c: c.kind)
    assert first.kind == CallbackKind.FIRST
    assert (first.window_start, first.window_end) == (dt.date(2026, 11, 13), dt.date(2026, 11, 13))
    assert first.due_at == local(2026, 11, 13, 9)
    assert first.window_closes_at == local(2026, 11, 13, 20)
    assert second.kind == CallbackKind.SECOND
    assert (second.window_start, second.window_end) == (
        dt.date(2026, 11, 18),
        dt.date(2026, 11, 25),
    )
    assert second.window_closes_at == local(2026, 11, 25, 20)


def test_day_3_counts_from_the_local_handover_date(everyone_sampled, ticket_at):
    # 23:30 in Shanghai is still 15:30 UTC of the same day; 00:30 local is the next day.
    late = ticket_at(local(2026, 11, 10, 23, 30))
    after_midnight = ticket_at(local(2026, 11, 11, 0, 30))
    assert callbacks_schedule_for_handover(ticket=late)[0].window_start == dt.date(2026, 11, 13)
    assert callbacks_schedule_for_handover(ticket=after_midnight)[0].window_start == dt.date(
        2026, 11, 14
    )


def test_scheduling_twice_creates_no_duplicates(everyone_sampled, ticket_at):
    ticket = ticket_at(local(2026, 11, 10, 10))
    callbacks_schedule_for_handover(ticket=ticket)
    assert callbacks_schedule_for_handover(ticket=ticket) == []
    assert Callback.objects.filter(ticket=ticket).count() == 2


@pytest.mark.parametrize(
    ("flags", "reason"),
    [
        ({"is_vip": True}, "vip"),
        ({"customer_type": CustomerType.ENTERPRISE}, "enterprise"),
        ({"customer_type": CustomerType.GOVERNMENT}, "enterprise"),
        ({"has_complained": True}, "complained"),
        ({"special_attention_since": dt.date(2026, 1, 1)}, "special_attention"),
    ],
)
def test_key_customers_are_always_called_back(flags, reason, point, ticket_at):
    point.callback_sample_rate = Decimal("0")
    point.save()
    customer = CustomerFactory(point=point, **flags)
    ticket = ticket_at(local(2026, 11, 10, 10), customer=customer)
    assert len(callbacks_schedule_for_handover(ticket=ticket)) == 2
    assert CallbackDecision.objects.get(ticket=ticket).reason == reason


def test_special_attention_starting_tomorrow_is_not_yet_key(point, ticket_at):
    point.callback_sample_rate = Decimal("0")
    point.save()
    customer = CustomerFactory(point=point, special_attention_since=dt.date(2026, 11, 11))
    ticket = ticket_at(local(2026, 11, 10, 10), customer=customer)
    assert callbacks_schedule_for_handover(ticket=ticket) == []


def test_a_customer_not_sampled_is_recorded_with_the_reason(point, ticket_at):
    point.callback_sample_rate = Decimal("0")
    point.save()
    ticket = ticket_at(local(2026, 11, 10, 10))
    assert callbacks_schedule_for_handover(ticket=ticket) == []
    decision = CallbackDecision.objects.get(ticket=ticket)
    assert not decision.selected and decision.reason == "not_sampled"
    assert decision.sample_rate == Decimal("0.00") and decision.sample_value >= 0


def test_dispatcher_queues_due_callbacks_only_in_time_and_is_idempotent(
    everyone_sampled, ticket_at
):
    ticket = ticket_at(local(2026, 11, 10, 10))
    callbacks_schedule_for_handover(ticket=ticket)
    assert callbacks_dispatch(now=local(2026, 11, 13, 8, 59)).queued == 0
    assert callbacks_dispatch(now=local(2026, 11, 13, 9, 0)).queued == 1
    assert callbacks_dispatch(now=local(2026, 11, 13, 9, 5)).queued == 0
    first = Callback.objects.get(ticket=ticket, kind=CallbackKind.FIRST)
    assert first.status == CallbackStatus.DUE


def test_a_missed_window_goes_to_the_overdue_list_once(everyone_sampled, ticket_at):
    ticket = ticket_at(local(2026, 11, 10, 10))
    callbacks_schedule_for_handover(ticket=ticket)
    callbacks_dispatch(now=local(2026, 11, 13, 9))
    assert callbacks_dispatch(now=local(2026, 11, 13, 19, 59)).overdue == 0
    assert callbacks_dispatch(now=local(2026, 11, 13, 20, 0)).overdue == 1
    assert callbacks_dispatch(now=local(2026, 11, 13, 20, 5)).overdue == 0
    first = Callback.objects.get(ticket=ticket, kind=CallbackKind.FIRST)
    assert first.is_overdue and first.status == CallbackStatus.DUE


@pytest.fixture
def due_callback(everyone_sampled, ticket_at):
    ticket = ticket_at(local(2026, 11, 10, 10))
    callbacks_schedule_for_handover(ticket=ticket)
    callbacks_dispatch(now=local(2026, 11, 13, 9))
    return Callback.objects.get(ticket=ticket, kind=CallbackKind.FIRST)


@pytest.fixture
def clerk(staff_of):
    return staff_of(Role.CALLBACK_CLERK).user


def record(callback, clerk, outcome, now, **kwargs):
    callback.refresh_from_db()
    return callback_record_outcome(
        callback=callback,
        actor=clerk,
        data=OutcomeInput(outcome=outcome, **kwargs),
        version=callback.version,
        now=now,
    )


def test_unreachable_is_retried_on_different_days_then_closed_after_three(due_callback, clerk):
    first = record(due_callback, clerk, Outcome.UNREACHABLE, local(2026, 11, 13, 10))
    assert first.status == CallbackStatus.SCHEDULED and first.due_at == local(2026, 11, 14, 9)
    callbacks_dispatch(now=local(2026, 11, 14, 9))
    second = record(due_callback, clerk, Outcome.UNREACHABLE, local(2026, 11, 14, 15))
    assert second.due_at == local(2026, 11, 15, 9)
    callbacks_dispatch(now=local(2026, 11, 15, 9))
    third = record(due_callback, clerk, Outcome.UNREACHABLE, local(2026, 11, 15, 9, 30))
    assert third.status == CallbackStatus.CLOSED and third.unreachable_attempts == 3
    assert third.attempt_log.count() == 3


def test_busy_customer_is_called_back_at_the_time_they_chose(due_callback, clerk):
    chosen = local(2026, 11, 13, 16, 30)
    result = record(due_callback, clerk, Outcome.BUSY, local(2026, 11, 13, 10), call_back_at=chosen)
    assert result.status == CallbackStatus.SCHEDULED and result.due_at == chosen
    assert callbacks_dispatch(now=local(2026, 11, 13, 16, 29)).queued == 0
    assert callbacks_dispatch(now=chosen).queued == 1


def test_busy_reschedule_must_be_inside_calling_hours(due_callback, clerk):
    with pytest.raises(ValidationError) as exc:
        record(
            due_callback,
            clerk,
            Outcome.BUSY,
            local(2026, 11, 13, 10),
            call_back_at=local(2026, 11, 13, 12, 30),
        )
    assert "call_back_at" in exc.value.message_dict
    due_callback.refresh_from_db()
    assert due_callback.status == CallbackStatus.DUE and due_callback.attempts == 0


def test_meeting_meal_or_unwell_is_retried_later_in_calling_hours(due_callback, clerk):
    result = record(due_callback, clerk, Outcome.NOT_NOW, local(2026, 11, 13, 11))
    # 11:00 + 120 minutes = 13:00, lunch rest: the retry waits for 14:00.
    assert result.status == CallbackStatus.SCHEDULED and result.due_at == local(2026, 11, 13, 14)
    assert result.unreachable_attempts == 0


def test_dissatisfied_needs_a_reason(due_callback, clerk):
    with pytest.raises(ValidationError) as exc:
        record(due_callback, clerk, Outcome.DISSATISFIED, local(2026, 11, 13, 10))
    assert "dissatisfaction_reason" in exc.value.message_dict
    due_callback.refresh_from_db()
    assert due_callback.status == CallbackStatus.DUE


def test_satisfied_customer_closes_the_callback_with_answers(due_callback, clerk):
    from followups.models import Question

    questions = list(Question.objects.order_by("position"))
    answers = {questions[0].pk: "5", questions[3].pk: "yes", questions[4].pk: "希望营业时间更长"}
    result = record(
        due_callback,
        clerk,
        Outcome.SATISFIED,
        local(2026, 11, 13, 10),
        answers=answers,
        duration_seconds=95,
    )
    assert result.status == CallbackStatus.DONE and result.duration_seconds == 95
    assert result.answers.count() == 3


def test_wrong_number_closes_the_callback(due_callback, clerk):
    result = record(due_callback, clerk, Outcome.WRONG_NUMBER, local(2026, 11, 13, 10))
    assert result.status == CallbackStatus.CLOSED


def test_no_outcome_is_recorded_at_rest_time_unless_the_customer_called_us(due_callback, clerk):
    """rules#callbacks "when not to call": at 12:30 the clerk does not call out; a customer who
    calls us back at that time is recorded, with that reason on the attempt."""
    with pytest.raises(ValidationError) as refused:
        record(due_callback, clerk, Outcome.SATISFIED, local(2026, 11, 13, 12, 30))
    assert list(refused.value.message_dict) == ["outside_hours_reason"]
    assert due_callback.attempt_log.count() == 0
    result = record(
        due_callback,
        clerk,
        Outcome.SATISFIED,
        local(2026, 11, 13, 12, 30),
        outside_hours_reason="customer_called",
    )
    assert result.status == CallbackStatus.DONE
    assert result.attempt_log.get().outside_hours_reason == "customer_called"


def test_calling_hours_are_the_points_own_local_hours(due_callback, clerk, point):
    """12:30 in Beijing is 10:30 in Urumqi: inside a western point's morning window; 10:00 in
    Beijing is 08:00 there, before it opens."""
    point.time_zone = "Asia/Urumqi"
    point.save()
    with pytest.raises(ValidationError):
        record(due_callback, clerk, Outcome.NOT_NOW, local(2026, 11, 13, 10))
    result = record(due_callback, clerk, Outcome.SATISFIED, local(2026, 11, 13, 12, 30))
    assert result.status == CallbackStatus.DONE


def test_a_stale_form_is_refused(due_callback, clerk):
    stale = due_callback.version
    record(due_callback, clerk, Outcome.NOT_NOW, local(2026, 11, 13, 10))
    with pytest.raises(ConflictError):
        callback_record_outcome(
            callback=due_callback,
            actor=clerk,
            data=OutcomeInput(outcome=Outcome.SATISFIED),
            version=stale,
            now=local(2026, 11, 13, 10, 5),
        )


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.TECHNICIAN, Role.HOTLINE])
def test_only_callback_clerks_and_supervisors_make_callbacks(role, due_callback, staff_of):
    with pytest.raises(PermissionDenied):
        record(due_callback, staff_of(role).user, Outcome.SATISFIED, local(2026, 11, 13, 10))


def test_another_points_clerk_cannot_record(due_callback, other_point):
    from tests.factories import make_staff

    stranger = make_staff(Role.CALLBACK_CLERK, point=other_point).user
    with pytest.raises(PermissionDenied):
        record(due_callback, stranger, Outcome.SATISFIED, local(2026, 11, 13, 10))


def test_moving_a_callback_needs_a_reason_and_calling_hours(due_callback, clerk):
    with time_machine.travel(local(2026, 11, 13, 10), tick=False):
        with pytest.raises(ValidationError):
            callback_move(
                callback=due_callback,
                actor=clerk,
                version=due_callback.version,
                data=MoveInput(due_at=local(2026, 11, 14, 10), reason=""),
            )
        moved = callback_move(
            callback=due_callback,
            actor=clerk,
            version=due_callback.version,
            data=MoveInput(due_at=local(2026, 11, 14, 10), reason="顾客出差，约明天上午"),
        )
    assert moved.due_at == local(2026, 11, 14, 10) and moved.status == CallbackStatus.SCHEDULED


def test_dissatisfaction_becomes_a_complaint_the_same_day(due_callback, clerk):
    from complaints.models import Complaint

    record(
        due_callback,
        clerk,
        Outcome.DISSATISFIED,
        local(2026, 11, 13, 10),
        dissatisfaction_reason="换完屏幕后触摸还是不灵",
    )
    complaint = Complaint.objects.get(customer=due_callback.customer)
    assert complaint.channel == "callback" and complaint.source == "callback"
    assert complaint.ticket == due_callback.ticket and complaint.callback == due_callback
    assert complaint.created_at == local(2026, 11, 13, 10)
    assert "触摸" in complaint.summary
