"""Follow-up callbacks as ``followups.services`` creates and moves them: a decision per handed-over
ticket, the first callback on day 3 and the second on days 8-15 for the selected ones, queued by
the dispatcher when due, the clerk's attempts with their outcomes and retries, answers to the
questionnaire, overdue marks for missed windows, and a complaint for every dissatisfied customer."""

from __future__ import annotations

from devtools.national import clock, vocab
from devtools.national.clock import DAY, HOUR, MINUTE, ts
from devtools.national.loader import NULL, flag
from followups.models import CallbackKind, Outcome, QuestionKind, SelectionReason
from followups.schedule import sample_value
from intake.models import CustomerType
from servicedesk.models import Role

FIRST_OUTCOMES = (
    [
        Outcome.SATISFIED,
        Outcome.DISSATISFIED,
        Outcome.BUSY,
        Outcome.NOT_NOW,
        Outcome.WRONG_NUMBER,
        Outcome.UNREACHABLE,
    ],
    [81, 1.5, 4, 4, 1, 8.5],
)
RETRY_OUTCOMES = (
    [
        Outcome.SATISFIED,
        Outcome.DISSATISFIED,
        Outcome.BUSY,
        Outcome.NOT_NOW,
        Outcome.WRONG_NUMBER,
        Outcome.UNREACHABLE,
    ],
    [76, 1, 5, 5, 1, 12],
)
MAX_ATTEMPTS = 3  # the points keep the default callback_max_attempts
RETRY_MINUTES = 120  # and the default callback_retry_minutes


def key_reason(customer, at: int) -> str | None:
    """followups.services.key_customer_reason at the handover."""
    if customer.vip:
        return SelectionReason.VIP
    if customer.kind in (CustomerType.ENTERPRISE, CustomerType.GOVERNMENT):
        return SelectionReason.ENTERPRISE
    if customer.resolved_at is not None and customer.resolved_at <= at:
        return SelectionReason.COMPLAINED
    return None


def simulate_handover_callbacks(sim) -> None:
    """In handover order, so that a complaint resolved before a later handover makes that
    customer a key customer (called back 100%)."""
    plan = sim.plan
    rate = plan.sample_rate
    decisions = sim.out["followups_callbackdecision"]
    for ticket in sorted(sim.handovers, key=lambda t: (t.handed_over_at, t.id)):
        at = ticket.handed_over_at
        value = sample_value(plan.code, ticket.number)
        reason = key_reason(ticket.customer, at)
        selected = True
        if reason is None:
            selected = value < rate
            reason = SelectionReason.SAMPLED if selected else SelectionReason.NOT_SAMPLED
        decisions.add(
            str(decisions.next_id()),
            flag(selected),
            reason,
            str(value),
            str(rate),
            clock.ts(at),
            str(plan.id),
            str(ticket.id),
        )
        if not selected:
            continue
        day = clock.local_day(at)
        callback(sim, CallbackKind.FIRST, ticket.customer, ticket, reason, day + 3, day + 3, at)
        callback(sim, CallbackKind.SECOND, ticket.customer, ticket, reason, day + 8, day + 15, at)


def callback(sim, kind, customer, ticket, reason, first_day, last_day, created_at) -> int | None:
    """Write one callback with its attempts; return when it ended (done or closed), if it did."""
    rng, now = sim.rng, sim.now
    stream = sim.out["followups_callback"]
    callback_id = stream.next_id()
    due = clock.day_opens(first_day)
    closes = clock.day_closes(last_day)
    queued = due + sim.between(30, 300)  # the dispatcher runs every few minutes
    # (at, outcome, clerk, seconds, due time it was made under, due time it set for the next)
    attempts: list[tuple[int, str, int, int | None, int, int | None]] = []
    final = None
    unreachable = 0
    # A few recent ones are still waiting in the queue, long after their window.
    forgotten = now - due < 45 * DAY and rng.random() < 0.01
    if queued <= now and not forgotten:
        if kind == CallbackKind.SECOND:
            offset = min(int(rng.expovariate(0.6)), last_day - first_day + 3)
        else:
            offset = 0 if rng.random() < 0.93 else rng.randrange(1, 3)
        t = max(queued, at_calling_time(sim, first_day + offset))
        current_due = due
        outcomes = FIRST_OUTCOMES
        while True:
            outcome = rng.choices(*outcomes)[0]
            if kind == CallbackKind.COMPLAINT and outcome == Outcome.DISSATISFIED:
                outcome = Outcome.SATISFIED
            if len(attempts) >= 5:
                outcome = Outcome.SATISFIED
            outcomes = RETRY_OUTCOMES
            clerk = sim.staff(Role.CALLBACK_CLERK)
            seconds = duration(rng, outcome)
            next_due = None
            if outcome == Outcome.UNREACHABLE:
                unreachable += 1
                if unreachable < MAX_ATTEMPTS:
                    next_due = clock.day_opens(clock.local_day(t) + 1)
            elif outcome == Outcome.BUSY:
                next_due = clock.during_calling_hours(t + sim.between(HOUR, 26 * HOUR), rng)
            elif outcome == Outcome.NOT_NOW:
                next_due = clock.during_calling_hours(t + RETRY_MINUTES * MINUTE, rng)
            attempts.append((t, outcome, clerk, seconds, current_due, next_due))
            if next_due is None:
                final = t
                break
            current_due = next_due
            if outcome == Outcome.UNREACHABLE:
                t = clock.during_calling_hours(next_due + sim.between(0, 6 * HOUR), rng)
            else:
                t = next_due + sim.between(0, 20 * MINUTE)
    kept = [a for a in attempts if a[0] <= now]
    if final is not None and final > now:
        final = None
    status, queued_at, due_at = "scheduled", NULL, due
    if kept:
        queued_at = ts(queued)
        if final is not None:
            status = (
                "done" if kept[-1][1] in (Outcome.SATISFIED, Outcome.DISSATISFIED) else "closed"
            )
            due_at = kept[-1][4]
        else:
            due_at = kept[-1][5]
            if due_at + 300 <= now:
                # the dispatcher queued the retry again
                status, queued_at = "due", ts(due_at + sim.between(30, 300))
    elif queued <= now:
        status, queued_at = "due", ts(queued)
    ended = final
    overdue = NULL
    mark = closes + sim.between(30, 300)
    if mark <= now and (ended is None or ended > mark):
        overdue = ts(mark)
    unreachable_kept = sum(1 for a in kept if a[1] == Outcome.UNREACHABLE)
    last = kept[-1] if kept else None
    reached = (
        last is not None
        and ended is not None
        and last[1] in (Outcome.SATISFIED, Outcome.DISSATISFIED)
    )
    dissatisfied = reached and last[1] == Outcome.DISSATISFIED
    reason_text = (
        vocab.DISSATISFACTION[rng.choice(list(vocab.DISSATISFACTION))] if dissatisfied else ""
    )
    suggestion = rng.choice(vocab.SUGGESTIONS) if reached and rng.random() < 0.1 else ""
    stream.add(
        str(callback_id),
        kind,
        status,
        reason,
        clock.date_str(first_day),
        clock.date_str(last_day),
        ts(due_at),
        ts(closes),
        queued_at,
        overdue,
        str(unreachable_kept),
        str(len(kept)),
        last[1] if last else "",
        reason_text,
        suggestion,
        ts(ended) if ended is not None else NULL,
        str(last[3]) if reached and last[3] is not None else NULL,
        "",
        str(1 + len(kept)),
        ts(created_at),
        str(customer.id),
        str(last[2]) if last else NULL,
        str(sim.plan.id),
        str(ticket.id) if ticket is not None else NULL,
    )
    attempt_stream = sim.out["followups_callbackattempt"]
    for at, outcome, clerk, seconds, _due, _next in kept:
        attempt_stream.add(
            str(attempt_stream.next_id()),
            ts(at),
            outcome,
            "",
            str(seconds) if seconds is not None else NULL,
            str(clerk),
            str(callback_id),
        )
    if reached:
        answers(sim, callback_id, dissatisfied, suggestion)
    if dissatisfied:
        from devtools.national.contacts import complaint

        complaint(
            sim,
            at=ended + sim.between(MINUTE, 10 * MINUTE),
            owner=last[2],
            channel="callback",
            source="callback",
            customer=customer,
            ticket=ticket,
            visit_id=None,
            callback_id=callback_id,
            category=_category_of(reason_text),
            summary=reason_text,
        )
    return ended


def _category_of(reason_text: str) -> str:
    for code, text in vocab.DISSATISFACTION.items():
        if text == reason_text:
            return code
    return "other"


def at_calling_time(sim, day: int) -> int:
    """A moment within the calling hours of a local day, mostly in the morning window."""
    windows = clock.CALLING_WINDOWS
    start, end = windows[0] if sim.rng.random() < 0.55 else windows[1]
    return clock.at_local(day, sim.between(start, end - 5 * MINUTE))


def duration(rng, outcome) -> int | None:
    if outcome == Outcome.SATISFIED:
        return rng.randrange(181, 420) if rng.random() < 0.1 else rng.randrange(50, 178)
    if outcome == Outcome.DISSATISFIED:
        return rng.randrange(120, 600)
    if outcome in (Outcome.BUSY, Outcome.NOT_NOW):
        return rng.randrange(10, 45)
    if outcome == Outcome.WRONG_NUMBER:
        return rng.randrange(5, 25)
    return None


def answers(sim, callback_id: int, dissatisfied: bool, suggestion: str) -> None:
    rng = sim.rng
    stream = sim.out["followups_answer"]
    for question_id, kind in sim.ctx.questions:
        rating, yes_no, text = NULL, NULL, ""
        if kind == QuestionKind.RATING:
            rating = str(
                rng.choice((1, 2, 2, 3)) if dissatisfied else rng.choice((5, 5, 5, 4, 4, 3))
            )
        elif kind == QuestionKind.YES_NO:
            yes_no = flag(rng.random() < (0.5 if dissatisfied else 0.97))
        elif suggestion:
            text = suggestion
        else:
            continue
        stream.add(str(stream.next_id()), rating, yes_no, text, str(callback_id), str(question_id))


__all__ = ["DAY", "callback", "simulate_handover_callbacks"]
