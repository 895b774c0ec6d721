"""What each call outcome does to its callback (rules#callbacks outcomes), in one table: the
status the call leaves the callback in, when it is tried again, and whether the customer was
reached (their answers, reason and suggestion kept). The transition table's guard and
``followups.services.callback_record_outcome`` both read it, so the rule "unreachable, closed
after the point's last allowed try" lives here only (``outcome_target``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from followups import schedule
from followups.models import Callback, CallbackStatus, Outcome
from servicedesk.models import ServicePoint

S = CallbackStatus

#: When a callback is tried again: from its point, the moment of the call and the time the
#: customer chose (a busy customer's; required for that outcome).
DueRule = Callable[[ServicePoint, dt.datetime, "dt.datetime | None"], dt.datetime]


def _customers_time(
    point: ServicePoint, now: dt.datetime, call_back_at: dt.datetime | None
) -> dt.datetime:
    """Busy: at the time the customer chose (the form and the service check it is given)."""
    if call_back_at is None:
        raise ValueError("a busy customer's time to call back is required")
    return call_back_at


def _after_retry_delay(
    point: ServicePoint, now: dt.datetime, call_back_at: dt.datetime | None
) -> dt.datetime:
    """In a meeting, eating, unwell: after the point's retry delay, within calling hours."""
    retry = now + dt.timedelta(minutes=point.callback_retry_minutes)
    return schedule.next_calling_moment(retry, point.calling_windows, ZoneInfo(point.time_zone))


def _next_day(
    point: ServicePoint, now: dt.datetime, call_back_at: dt.datetime | None
) -> dt.datetime:
    """Unreachable: on another day, when the next day's calling hours open."""
    tz = ZoneInfo(point.time_zone)
    tomorrow = now.astimezone(tz).date() + dt.timedelta(days=1)
    return schedule.day_opens_at(tomorrow, point.calling_windows, tz)


@dataclass(frozen=True)
class OutcomeInput:
    """One call's result as the clerk records it (the callback screen's form gives it)."""

    outcome: str
    #: Questionnaire answers by question id (kept only when the customer was reached).
    answers: Mapping[int, object] = field(default_factory=dict)
    dissatisfaction_reason: str = ""
    suggestion: str = ""
    #: A busy customer's time to call back.
    call_back_at: dt.datetime | None = None
    duration_seconds: int | None = None
    note: str = ""
    #: Why the call is recorded outside calling hours (the customer called us back).
    outside_hours_reason: str = ""


@dataclass(frozen=True)
class OutcomeRule:
    #: The status the call leaves the callback in (done and closed complete it).
    target: str
    #: When it is tried again (the outcomes that leave it scheduled).
    due: DueRule | None = None
    #: The customer answered: the survey, the reason and the suggestion are kept.
    reached: bool = False
    #: Counts as an unreachable try: closed instead once the point's last allowed try is used.
    counts_unreachable: bool = False


OUTCOMES: dict[str, OutcomeRule] = {
    Outcome.SATISFIED: OutcomeRule(S.DONE, reached=True),
    Outcome.DISSATISFIED: OutcomeRule(S.DONE, reached=True),
    Outcome.BUSY: OutcomeRule(S.SCHEDULED, due=_customers_time),
    Outcome.NOT_NOW: OutcomeRule(S.SCHEDULED, due=_after_retry_delay),
    Outcome.WRONG_NUMBER: OutcomeRule(S.CLOSED),
    Outcome.UNREACHABLE: OutcomeRule(S.SCHEDULED, due=_next_day, counts_unreachable=True),
}

#: Every status an outcome can leave a callback in (the guard's possible targets).
TARGETS = (S.DONE, S.CLOSED, S.SCHEDULED)


def outcome_target(callback: Callback, outcome: str) -> str:
    """Where ``outcome`` leaves ``callback`` (its unreachable tries already counted): the
    outcome's target, except that the point's last allowed unreachable try closes it."""
    rule = OUTCOMES[outcome]
    if (
        rule.counts_unreachable
        and callback.unreachable_attempts >= callback.point.callback_max_attempts
    ):
        return S.CLOSED
    return rule.target
