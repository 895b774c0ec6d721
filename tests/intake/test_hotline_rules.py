"""DOMAIN 4 hotline rules as pure functions: three rings, and the hold check-back every 30 s."""

import json

import pytest

from intake.hotline import (
    BadHoldLog,
    Hold,
    answered_in_time,
    hold_summary,
    next_prompt_at,
    parse_hold_log,
    prompt_due,
    rings_from_seconds,
)


def test_hold_prompt_comes_30_seconds_after_the_hold_began():
    assert not prompt_due(hold_started=10, checks=[], now=39.9, check_seconds=30)
    assert prompt_due(hold_started=10, checks=[], now=40, check_seconds=30)


def test_checking_back_restarts_the_30_second_interval():
    assert next_prompt_at(10, [41], 30) == 71
    assert not prompt_due(hold_started=10, checks=[41], now=70, check_seconds=30)
    assert prompt_due(hold_started=10, checks=[41], now=71, check_seconds=30)


def test_hold_prompt_follows_the_points_setting():
    assert not prompt_due(hold_started=0, checks=[], now=30, check_seconds=45)
    assert prompt_due(hold_started=0, checks=[], now=45, check_seconds=45)


@pytest.mark.parametrize(
    ("seconds", "rings"), [(0, 1), (4, 1), (5, 2), (9, 2), (10, 3), (14, 3), (15, 4), (30, 7)]
)
def test_rings_from_seconds_with_a_five_second_ring_cycle(seconds, rings):
    assert rings_from_seconds(seconds) == rings


def test_answered_within_three_rings():
    """DOMAIN 4: 电话铃响三声之内."""
    assert answered_in_time(3, 3) is True
    assert answered_in_time(4, 3) is False
    assert answered_in_time(None, 3) is None


def test_a_hold_checked_back_every_30_seconds_counts_as_in_time():
    assert Hold(0, 85, (29, 58)).checked_in_time(30)  # gaps 29, 29, 27
    assert Hold(0, 34, ()).checked_in_time(30)  # ended within the 5-second grace
    assert not Hold(0, 40, ()).checked_in_time(30)  # 40 s without a word
    assert not Hold(0, 90, (20, 70)).checked_in_time(30)  # 50 s between checks


def test_hold_summary_counts_holds_seconds_and_holds_checked_in_time():
    holds = [Hold(5, 25, ()), Hold(30, 100, (60,)), Hold(120, 150, (140,))]
    summary = hold_summary(holds, 30)
    assert (summary.count, summary.seconds, summary.checked_in_time) == (3, 120, 2)


def test_the_timer_log_is_parsed_in_order():
    raw = json.dumps(
        [{"start": 1.5, "end": 20, "checks": []}, {"start": 30, "end": 70, "checks": [59]}]
    )
    holds = parse_hold_log(raw)
    assert [h.seconds for h in holds] == [18, 40]
    assert parse_hold_log("") == []


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "{}",
        json.dumps([{"start": 10}]),
        json.dumps([{"start": 20, "end": 10}]),
        json.dumps([{"start": 0, "end": 10}, {"start": 5, "end": 20}]),
        json.dumps([{"start": 0, "end": 10, "checks": [11]}]),
        json.dumps([{"start": "x", "end": 10}]),
        json.dumps([{"start": 0, "end": 1}] * 51),
        json.dumps([{"start": 0, "end": 5 * 3600}]),
    ],
)
def test_a_damaged_timer_log_is_refused(raw):
    with pytest.raises(BadHoldLog):
        parse_hold_log(raw)
