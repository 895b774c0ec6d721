"""Pure date and time rules of rules#callbacks: callback windows, calling hours, sampling.

No database access here, so every rule can be tested with plain values and frozen clocks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

Windows = list[tuple[dt.time, dt.time]]


@dataclass(frozen=True)
class CallbackWindow:
    """The local days on which a callback is on time: ``first_day``..``last_day`` inclusive."""

    first_day: dt.date
    last_day: dt.date


def first_callback_window(handover_day: dt.date, days_after: int) -> CallbackWindow:
    """rules#callbacks: the first callback is due ``days_after`` (default 3) days after handover."""
    day = handover_day + dt.timedelta(days=days_after)
    return CallbackWindow(day, day)


def second_callback_window(handover_day: dt.date, window: tuple[int, int]) -> CallbackWindow:
    """rules#callbacks: the second callback falls in the window of days 8–15 after handover."""
    start, end = window
    return CallbackWindow(
        handover_day + dt.timedelta(days=start), handover_day + dt.timedelta(days=end)
    )


def within_calling_hours(at: dt.datetime, windows: Windows, tz: ZoneInfo) -> bool:
    """True when ``at`` (aware) falls inside a calling window, start inclusive, end exclusive:
    with 09:00–12:00 a call at 11:59 is allowed, at 12:00 it is not."""
    local = at.astimezone(tz).time()
    return any(start <= local < end for start, end in windows)


def next_calling_moment(at: dt.datetime, windows: Windows, tz: ZoneInfo) -> dt.datetime:
    """``at`` itself when it is calling time, else the start of the next calling window
    (possibly on a later day, across midnight)."""
    if within_calling_hours(at, windows, tz):
        return at
    local = at.astimezone(tz)
    for day_offset in range(0, 8):
        day = local.date() + dt.timedelta(days=day_offset)
        for start, _end in windows:
            candidate = dt.datetime.combine(day, start, tzinfo=tz)
            if candidate > local:
                return candidate
    raise ValueError("no calling window configured")


def day_opens_at(day: dt.date, windows: Windows, tz: ZoneInfo) -> dt.datetime:
    """The first calling moment of a local day."""
    return dt.datetime.combine(day, windows[0][0], tzinfo=tz)


def day_closes_at(day: dt.date, windows: Windows, tz: ZoneInfo) -> dt.datetime:
    """The end of the last calling window of a local day: after it the day's calls are missed."""
    return dt.datetime.combine(day, windows[-1][1], tzinfo=tz)


def sample_value(point_code: str, ticket_number: str) -> Decimal:
    """A reproducible, auditable number in [0, 1) for a ticket: the same ticket always gets the
    same value, so anyone can recompute why it was or was not chosen."""
    digest = hashlib.sha256(f"callback-sample:{point_code}:{ticket_number}".encode()).digest()
    millionths = int.from_bytes(digest[:8], "big") * 1_000_000 // 2**64
    return Decimal(millionths).scaleb(-6)


def is_sampled(value: Decimal, rate: Decimal) -> bool:
    return value < rate
