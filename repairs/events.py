"""Timeline rows: one function per event, called from services only (STYLE 8)."""

from __future__ import annotations

from repairs.models import RepairTicket, TicketEvent


def event_transition(
    *, ticket: RepairTicket, actor, action: str, from_status: str, note: str = ""
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=ticket.status,
        note=note[:500],
    )


def event_opened(*, ticket: RepairTicket, actor) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket, actor=actor, action="open", to_status=ticket.status, at=ticket.created_at
    )
