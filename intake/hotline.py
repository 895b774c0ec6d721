"""Hotline rules as pure functions (rules#hotline): answering within three rings, and holds checked
back every 30 seconds. The call screen's hold timer (static/js/hotline.js) follows the same rules;
the server recomputes everything from the timer's log and never trusts a total from the page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import pairwise

#: One ring cycle of the Chinese ring-back tone: 1 s on, 4 s off.
RING_SECONDS = 5
#: A check-back counts as on time up to this many seconds after the prompt (reaction time).
CHECK_GRACE_SECONDS = 5
#: A call with more holds than this, or a hold longer than this, is not a real timer log.
MAX_HOLDS = 50
MAX_HOLD_SECONDS = 4 * 3600


def rings_from_seconds(seconds: int | None) -> int | None:
    """Rings heard before the answer, from the seconds the phone rang: the first ring starts at
    0 s, the second at 5 s, the third at 10 s."""
    if seconds is None:
        return None
    return max(0, seconds) // RING_SECONDS + 1


def answered_in_time(rings: int | None, within_rings: int) -> bool | None:
    """rules#hotline: 电话铃响三声之内 — answered at or before the point's ring limit
    (default 3)."""
    if rings is None:
        return None
    return rings <= within_rings


def next_prompt_at(hold_started: float, checks: list[float], check_seconds: int) -> float:
    """When the operator must next check back with the caller: ``check_seconds`` after the hold
    began or after the last check-back, whichever is later."""
    return max([hold_started, *checks]) + check_seconds


def prompt_due(hold_started: float, checks: list[float], now: float, check_seconds: int) -> bool:
    """Whether the screen should prompt now: the check-back interval has run out."""
    return now >= next_prompt_at(hold_started, checks, check_seconds)


@dataclass(frozen=True)
class Hold:
    start: float
    end: float
    checks: tuple[float, ...]

    @property
    def seconds(self) -> int:
        return round(self.end - self.start)

    def checked_in_time(self, check_seconds: int, grace: int = CHECK_GRACE_SECONDS) -> bool:
        """Every interval without a word to the caller (from the hold, or from the last check,
        to the next check or the end of the hold) stayed within ``check_seconds`` + grace."""
        marks = [self.start, *sorted(self.checks), self.end]
        return all(b - a <= check_seconds + grace for a, b in pairwise(marks))


@dataclass(frozen=True)
class HoldSummary:
    count: int = 0
    seconds: int = 0
    checked_in_time: int = 0


class BadHoldLog(ValueError):
    """The timer's log is not a list of holds in order."""


def parse_hold_log(raw: str) -> list[Hold]:
    """The hold timer's log: ``[{"start": s, "end": s, "checks": [s, …]}, …]`` in seconds since
    the call screen opened. Empty text is no holds."""
    if not (raw or "").strip():
        return []
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise BadHoldLog("not JSON") from exc
    if not isinstance(data, list) or len(data) > MAX_HOLDS:
        raise BadHoldLog("not a list of holds")
    holds: list[Hold] = []
    previous_end = 0.0
    for item in data:
        if not isinstance(item, dict):
            raise BadHoldLog("a hold is not an object")
        try:
            start, end = float(item["start"]), float(item["end"])
            checks = tuple(float(c) for c in item.get("checks", []))
        except (KeyError, TypeError, ValueError) as exc:
            raise BadHoldLog("a hold lacks its times") from exc
        if not (previous_end <= start <= end) or end - start > MAX_HOLD_SECONDS:
            raise BadHoldLog("holds out of order")
        if len(checks) > MAX_HOLD_SECONDS or any(not start <= c <= end for c in checks):
            raise BadHoldLog("a check-back outside its hold")
        holds.append(Hold(start, end, checks))
        previous_end = end
    return holds


def hold_summary(holds: list[Hold], check_seconds: int) -> HoldSummary:
    return HoldSummary(
        count=len(holds),
        seconds=sum(h.seconds for h in holds),
        checked_in_time=sum(1 for h in holds if h.checked_in_time(check_seconds)),
    )
