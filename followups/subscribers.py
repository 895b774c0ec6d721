"""What follow-ups adds through typed events (subscribed in ``FollowupsConfig.ready``):
the handover schedules the callbacks, and the callbacks' part of a data-protection request."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import F

from followups import transitions
from followups.models import Answer, Callback, CallbackAttempt
from intake import app_events as intake_events
from intake.models import Customer
from intake.services.privacy import when
from repairs import app_events as repairs_events

if TYPE_CHECKING:
    from repairs.models import RepairTicket


def subscribe() -> None:
    repairs_events.on_ticket_handed_over.subscribe(callbacks_for_handover)
    intake_events.on_customer_data.subscribe(customer_data)
    intake_events.on_customer_erased.subscribe(customer_erased)
    intake_events.on_customer_merged.subscribe(customer_merged)


def callbacks_for_handover(*, ticket: RepairTicket, now: dt.datetime) -> None:
    from followups.services import callbacks_schedule_for_handover

    callbacks_schedule_for_handover(ticket=ticket, now=now)


def customer_data(*, customer: Customer) -> dict[str, list]:
    callbacks = (
        Callback.objects.filter(customer=customer)
        .select_related("ticket")
        .prefetch_related("answers__question", "attempt_log")
        .order_by("due_at", "pk")
    )
    return {"callbacks": [_callback(callback) for callback in callbacks]}


def customer_erased(*, customer: Customer) -> dict[str, int]:
    callbacks = Callback.objects.filter(customer=customer)
    counts = {"callbacks": callbacks.count()}
    callbacks.update(dissatisfaction_reason="", suggestion="")
    # Nobody can call a number that is gone: open callbacks leave the clerks' queue, closed
    # without an attempt (due and made-on-time figures count them as before).
    counts["open_callbacks_closed"] = transitions.MACHINE.move_rows(
        callbacks, "close", note="customer data erased", version=F("version") + 1
    )
    Answer.objects.filter(callback__customer=customer).update(text="")
    CallbackAttempt.objects.filter(callback__customer=customer).update(note="")
    return counts


def _callback(callback: Callback) -> dict:
    return {
        "kind": callback.kind,
        "ticket": callback.ticket.number if callback.ticket is not None else None,
        "status": callback.status,
        "due_at": when(callback.due_at),
        "completed_at": when(callback.completed_at),
        "outcome": callback.outcome,
        "dissatisfaction_reason": callback.dissatisfaction_reason,
        "suggestion": callback.suggestion,
        "answers": [
            {
                "question": answer.question.text,
                "rating": answer.rating,
                "yes_no": answer.yes_no,
                "text": answer.text,
            }
            for answer in callback.answers.all()
        ],
        "attempts": [
            {"at": when(a.at), "outcome": a.outcome, "note": a.note}
            for a in callback.attempt_log.all()
        ],
    }


def customer_merged(*, kept: Customer, duplicate: Customer) -> dict[str, int]:
    """Two records of one customer merged: this app's rows of the duplicate move to the kept."""
    return {"callbacks": Callback.objects.filter(customer=duplicate).update(customer=kept)}
