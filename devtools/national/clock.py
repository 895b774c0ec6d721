"""Time for the generator: plain epoch seconds (integers are fast), local Asia/Shanghai days,
office and calling hours, and the seasonal shape of the year."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random

DAY = 86400
HOUR = 3600
MINUTE = 60
#: Asia/Shanghai has kept UTC+8 without daylight saving time since 1991, so local days are a
#: fixed offset away (every generated point keeps the default time zone).
LOCAL_OFFSET = 8 * HOUR
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()

OPENS = 9 * HOUR  # the front desk's day: 09:00-18:00 local
CLOSES = 18 * HOUR
HOTLINE_CLOSES = 20 * HOUR
#: Defaults of rules#callbacks (every generated point keeps them): 09:00-12:00 and 14:00-20:00.
CALLING_WINDOWS = ((9 * HOUR, 12 * HOUR), (14 * HOUR, 20 * HOUR))

# Lunar new year's day (春节) around the generated years.
NEW_YEAR = {
    2022: dt.date(2022, 2, 1),
    2023: dt.date(2023, 1, 22),
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
    2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3),
}

# Intake by half hour from 09:00: a morning peak and a longer afternoon one.
DESK_PROFILE = [3, 5, 7, 8, 8, 7, 5, 3, 4, 6, 7, 7, 6, 5, 4, 3, 2, 2]
# Hotline calls by half hour from 09:00 to 20:00.
HOTLINE_PROFILE = [4, 6, 8, 8, 7, 6, 4, 3, 5, 7, 7, 6, 6, 5, 4, 4, 3, 3, 3, 2, 2, 1]

_dates: dict[int, str] = {}
# "HH:MM:SS+00" for every second of a day: a timestamp is then two lookups and a concatenation.
_TIMES = [f" {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00" for s in range(DAY)]


def date_str(day: int) -> str:
    """ISO date of a day number (days since 1970-01-01)."""
    text = _dates.get(day)
    if text is None:
        text = _dates[day] = dt.date.fromordinal(_EPOCH_ORDINAL + day).isoformat()
    return text


def ts(t: int) -> str:
    """A timestamp for COPY, in UTC."""
    day, s = divmod(t, DAY)
    text = _dates.get(day)
    if text is None:
        text = date_str(day)
    return text + _TIMES[s]


def local_day(t: int) -> int:
    return (t + LOCAL_OFFSET) // DAY


def local_seconds(t: int) -> int:
    return (t + LOCAL_OFFSET) % DAY


def at_local(day: int, seconds: int) -> int:
    """The epoch second of a local day and time of day."""
    return day * DAY + seconds - LOCAL_OFFSET


def day_of(date: dt.date) -> int:
    return date.toordinal() - _EPOCH_ORDINAL


def date_of(day: int) -> dt.date:
    return dt.date.fromordinal(_EPOCH_ORDINAL + day)


def epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def during_office(t: int, rng: random.Random) -> int:
    """``t`` if the desk is open then, else a moment soon after the next opening."""
    s = local_seconds(t)
    if s < OPENS:
        return t - s + OPENS + rng.randrange(20 * MINUTE)
    if s >= CLOSES:
        return t - s + DAY + OPENS + rng.randrange(20 * MINUTE)
    return t


def during_calling_hours(t: int, rng: random.Random) -> int:
    """``t`` if it is calling time, else a moment early in the next calling window."""
    s = local_seconds(t)
    base = t - s
    for _round in range(2):
        for start, end in CALLING_WINDOWS:
            if s < start:
                return base + start + rng.randrange(30 * MINUTE)
            if s < end:
                return base + s
        base += DAY
        s = 0
    raise AssertionError("unreachable")


def day_opens(day: int) -> int:
    """First calling moment of a local day (followups.schedule.day_opens_at)."""
    return at_local(day, CALLING_WINDOWS[0][0])


def day_closes(day: int) -> int:
    """End of the last calling window of a local day (followups.schedule.day_closes_at)."""
    return at_local(day, CALLING_WINDOWS[-1][1])


def season_factor(date: dt.date) -> float:
    """How busy a day is compared with an ordinary one."""
    factor = 1.0
    new_year = NEW_YEAR.get(date.year)
    next_new_year = NEW_YEAR.get(date.year + 1)
    for ny in (new_year, next_new_year):
        if ny is None:
            continue
        offset = (date - ny).days
        if -1 <= offset <= 6:
            factor *= 0.45  # Spring Festival holiday: points half closed
        elif 7 <= offset <= 27:
            factor *= 1.5  # after the holiday: everything broken over the holiday comes in
    md = (date.month, date.day)
    if (11, 12) <= md <= (12, 5):
        factor *= 1.35  # Singles' Day (双十一) purchases: early faults and 7/30-day claims
    if (6, 19) <= md <= (7, 5):
        factor *= 1.2  # 618 shopping festival
    if (9, 15) <= md <= (10, 15):
        factor *= 1.3  # new-model launch in September: trade-ins, first faults
    if (10, 1) <= md <= (10, 7):
        factor *= 0.85  # National Day holiday
    if date.weekday() >= 5:
        factor *= 1.15  # weekends bring more walk-ins
    return factor


class Rng(random.Random):
    """``random.Random`` with quicker draws for the generator's hot loops (``choice``,
    ``randrange`` with one or two bounds, ``choices`` of one); reproducible per seed like it."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randrange(self, start, stop=None, step=1):
        if stop is None:
            return int(self.random() * start)
        return start + int(self.random() * (stop - start))

    def choices(self, population, weights=None, *, cum_weights=None, k=1):
        if cum_weights is None:
            cum_weights = list(itertools.accumulate(weights))
        total = cum_weights[-1]
        return [population[bisect.bisect(cum_weights, self.random() * total)] for _i in range(k)]


class DaySampler:
    """Draws local days between ``first`` and ``last`` (inclusive) with the seasonal shape and a
    modest growth of the network over the period; ``last_fraction`` weights the last day (today)
    by the share of it already past."""

    def __init__(self, first: int, last: int, last_fraction: float = 1.0):
        self.first = first
        total = 0.0
        self.cumulative = []
        span = max(1, last - first)
        for day in range(first, last + 1):
            weight = season_factor(date_of(day)) * (0.9 + 0.2 * (day - first) / span)
            if day == last:
                weight *= last_fraction
            total += weight
            self.cumulative.append(total)
        self.total = total

    def draw(self, rng: random.Random) -> int:
        return self.first + bisect.bisect_left(self.cumulative, rng.random() * self.total)


class HourSampler:
    """Draws a time of day from a half-hour profile starting at 09:00."""

    def __init__(self, profile: list[int]):
        self.cumulative = []
        total = 0
        for weight in profile:
            total += weight
            self.cumulative.append(total)
        self.total = total

    def draw(self, rng: random.Random) -> int:
        slot = bisect.bisect_left(self.cumulative, rng.random() * self.total)
        return OPENS + slot * 30 * MINUTE + rng.randrange(30 * MINUTE)
