"""Who reacts to what across the apps, in the order the apps are installed: the whole wiring of
the typed events in one table, written here (not read from the code), so a subscription that
goes missing or appears fails a test."""

from __future__ import annotations

import pytest

from followups import app_events as followups_events
from intake import app_events as intake_events
from parts import app_events as parts_events
from repairs import app_events as repairs_events
from servicedesk import events

EXPECTED = {
    events.on_audit_words: ["repairs.subscribers.audit_words", "reporting.subscribers.audit_words"],
    intake_events.on_customer_erased: [
        "repairs.subscribers.customer_erased",
        "complaints.subscribers.customer_erased",
        "followups.subscribers.customer_erased",
        "loaners.subscribers.customer_erased",
    ],
    intake_events.on_customer_merged: [
        "repairs.subscribers.customer_merged",
        "complaints.subscribers.customer_merged",
        "followups.subscribers.customer_merged",
    ],
    intake_events.on_customer_data: [
        "repairs.subscribers.customer_data",
        "complaints.subscribers.customer_data",
        "followups.subscribers.customer_data",
        "loaners.subscribers.customer_data",
    ],
    intake_events.on_customer_panels: [
        "repairs.subscribers.customer_tickets_panel",
        "complaints.subscribers.customer_complaints_panel",
    ],
    intake_events.on_customer_search: ["repairs.subscribers.customers_by_ticket_number"],
    intake_events.on_records_found: ["repairs.subscribers.tickets_found"],
    intake_events.on_customer_open_work: ["repairs.subscribers.open_tickets_by_customer"],
    intake_events.on_visit_records: ["repairs.subscribers.tickets_of_visits"],
    parts_events.on_delivery_waiting_tickets: ["repairs.subscribers.tickets_waiting_for_part"],
    parts_events.on_delivery_resumes: ["repairs.subscribers.ticket_resumed_by_delivery"],
    repairs_events.on_ticket_handed_over: ["followups.subscribers.callbacks_for_handover"],
    repairs_events.on_handover_blockers: ["loaners.subscribers.handover_blockers"],
    repairs_events.on_ticket_panels: [
        "complaints.subscribers.ticket_complaints_panel",
        "loaners.subscribers.ticket_panel",
    ],
    followups_events.on_callback_dissatisfied: ["complaints.subscribers.complaint_from_callback"],
    followups_events.on_callback_report: ["complaints.subscribers.callback_report_figures"],
}


@pytest.mark.parametrize("event", EXPECTED, ids=lambda event: event.name)
def test_each_event_reaches_exactly_its_subscribers_in_app_order(event):
    names = [f"{h.__module__}.{h.__qualname__}" for h in event.subscribers]
    assert names == EXPECTED[event]


def test_subscribing_twice_keeps_one_subscription():
    event: events.Event[events.AuditWords] = events.Event("test")

    def words(*, entry):
        return None

    event.subscribe(words)
    event.subscribe(words)
    assert event.subscribers == (words,)
