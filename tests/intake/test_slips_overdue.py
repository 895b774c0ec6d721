"""Message slips (DOMAIN 4): callback logging and overdue detection with frozen clocks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from intake.models import MessageSlip, SlipStatus
from intake.services.slips import slip_log_callback, slip_mark_reminded, slip_take, slips_overdue
from servicedesk.models import Role

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _take(point, staff_of, due):
    taker = staff_of(Role.HOTLINE).user
    addressee = staff_of(Role.TECHNICIAN).user
    return slip_take(
        point=point,
        actor=taker,
        caller_name="王先生",
        phone="13800138000",
        message="请回电",
        callback_due_at=due,
        addressee=addressee,
        read_back_confirmed=True,
    )


def test_slip_is_overdue_after_promised_time_across_local_midnight(point, staff_of):
    # Taken 23:30 Shanghai, promised by 00:15 the next local day (16:15 UTC the same UTC day).
    with time_machine.travel(dt.datetime(2026, 3, 1, 23, 30, tzinfo=SHANGHAI), tick=False):
        slip = _take(point, staff_of, dt.datetime(2026, 3, 2, 0, 15, tzinfo=SHANGHAI))
        assert slip not in slips_overdue()
    with time_machine.travel(dt.datetime(2026, 3, 2, 0, 14, tzinfo=SHANGHAI), tick=False):
        assert slip not in slips_overdue()
    with time_machine.travel(dt.datetime(2026, 3, 1, 16, 16, tzinfo=dt.UTC), tick=False):
        assert list(slips_overdue()) == [slip]


def test_called_back_slip_is_never_overdue(point, staff_of):
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        slip = _take(point, staff_of, dt.datetime(2026, 3, 1, 10, 0, tzinfo=SHANGHAI))
        slip_log_callback(slip=slip, actor=slip.addressee, note="已回电")
    with time_machine.travel(dt.datetime(2026, 3, 1, 11, 0, tzinfo=SHANGHAI), tick=False):
        assert not slips_overdue().exists()
    slip.refresh_from_db()
    assert slip.status == SlipStatus.CALLED_BACK


def test_only_the_addressee_logs_the_callback_and_nothing_is_saved_otherwise(point, staff_of):
    slip = _take(point, staff_of, timezone.now() + dt.timedelta(hours=1))
    with pytest.raises(ValidationError):
        slip_log_callback(slip=slip, actor=slip.taken_by, note="已回电")
    with pytest.raises(ValidationError) as exc:
        slip_log_callback(slip=slip, actor=slip.addressee, note=" ")
    assert "note" in exc.value.message_dict
    slip.refresh_from_db()
    assert slip.status == SlipStatus.OPEN and slip.called_back_at is None


@pytest.mark.reliability(
    "Beat runs a periodic task twice",
    "the slip reminder marked twice: one reminder",
)
def test_overdue_reminder_is_marked_once(point, staff_of):
    slip = _take(point, staff_of, timezone.now() + dt.timedelta(minutes=5))
    assert not slip_mark_reminded(slip_id=slip.pk)
    later = timezone.now() + dt.timedelta(minutes=10)
    assert slip_mark_reminded(slip_id=slip.pk, now=later)
    assert not slip_mark_reminded(slip_id=slip.pk, now=later)
    assert MessageSlip.objects.get(pk=slip.pk).overdue_reminded_at == later


def test_slip_bad_input_gives_field_errors_and_saves_nothing(point, staff_of):
    taker = staff_of(Role.HOTLINE).user
    with pytest.raises(ValidationError) as exc:
        slip_take(
            point=point,
            actor=taker,
            caller_name="王先生",
            phone="",
            message="请回电",
            callback_due_at=timezone.now() - dt.timedelta(minutes=1),
            addressee=None,
            read_back_confirmed=True,
        )
    assert {"phone", "callback_due_at", "addressee"} <= set(exc.value.message_dict)
    assert not MessageSlip.objects.exists()
