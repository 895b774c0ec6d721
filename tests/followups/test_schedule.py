"""DOMAIN 6 rules on plain values: windows, calling hours, sampling."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from followups import schedule

TZ = ZoneInfo("Asia/Shanghai")
WINDOWS = [(dt.time(9), dt.time(12)), (dt.time(14), dt.time(20))]


def at(hour, minute=0, day=10):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=TZ)


def test_first_callback_is_due_3_days_after_handover():
    window = schedule.first_callback_window(dt.date(2026, 11, 10), 3)
    assert window.first_day == window.last_day == dt.date(2026, 11, 13)


def test_second_callback_window_is_days_8_to_15():
    window = schedule.second_callback_window(dt.date(2026, 11, 10), (8, 15))
    assert window.first_day == dt.date(2026, 11, 18)
    assert window.last_day == dt.date(2026, 11, 25)


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (at(8, 59), False),
        (at(9, 0), True),
        (at(11, 59), True),
        (at(12, 0), False),
        (at(13, 59), False),
        (at(14, 0), True),
        (at(19, 59), True),
        (at(20, 0), False),
        (at(23, 30), False),
        (at(0, 30), False),
    ],
)
def test_calls_are_only_due_within_calling_hours(moment, allowed):
    assert schedule.within_calling_hours(moment, WINDOWS, TZ) is allowed


def test_calling_hours_are_local_time_whatever_the_clock_zone():
    # 03:30 UTC is 11:30 in Shanghai (calling time); 04:00 UTC is 12:00 (lunch rest).
    assert schedule.within_calling_hours(
        dt.datetime(2026, 11, 10, 3, 30, tzinfo=dt.UTC), WINDOWS, TZ
    )
    assert not schedule.within_calling_hours(
        dt.datetime(2026, 11, 10, 4, 0, tzinfo=dt.UTC), WINDOWS, TZ
    )


def test_outside_calling_hours_the_call_waits_for_the_next_window():
    assert schedule.next_calling_moment(at(12, 0), WINDOWS, TZ) == at(14, 0)
    assert schedule.next_calling_moment(at(10, 15), WINDOWS, TZ) == at(10, 15)


def test_after_evening_window_the_call_waits_until_next_morning_across_midnight():
    assert schedule.next_calling_moment(at(20, 0), WINDOWS, TZ) == at(9, 0, day=11)
    assert schedule.next_calling_moment(at(23, 59), WINDOWS, TZ) == at(9, 0, day=11)
    assert schedule.next_calling_moment(at(0, 1, day=11), WINDOWS, TZ) == at(9, 0, day=11)


def test_sample_is_reproducible():
    assert schedule.sample_value("BJ01", "BJ01-000123") == schedule.sample_value(
        "BJ01", "BJ01-000123"
    )
    assert schedule.sample_value("BJ01", "BJ01-000123") != schedule.sample_value(
        "BJ01", "BJ01-000124"
    )


def test_sample_takes_about_the_configured_share_over_10000_handovers():
    rate = Decimal("0.30")
    chosen = sum(
        schedule.is_sampled(schedule.sample_value("BJ01", f"BJ01-{n:06d}"), rate)
        for n in range(10_000)
    )
    assert 2850 <= chosen <= 3150  # 30% ± 1.5 points (about 3.3 standard deviations)


def test_a_rate_of_one_calls_everybody_back():
    assert all(
        schedule.is_sampled(schedule.sample_value("BJ01", f"T{n}"), Decimal("1"))
        for n in range(500)
    )
