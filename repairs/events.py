"""Timeline rows: one function per event, called from services only (STYLE 8)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from repairs.models import RepairTicket, TicketEvent, WarrantyStatus


def event_transition(
    *,
    ticket: RepairTicket,
    actor,
    action: str,
    from_status: str,
    note: str = "",
    at: dt.datetime | None = None,
) -> TicketEvent:
    """A move of the ticket (written by ``repairs.transitions.MACHINE``)."""
    return TicketEvent.objects.create(
        ticket=ticket,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=ticket.status,
        note=note[:500],
        at=at or timezone.now(),
    )


def event_warranty_overridden(
    *, ticket: RepairTicket, actor, before: str, reason: str, at: dt.datetime | None = None
) -> TicketEvent:
    """The supervisor's override of the warranty decision, on the ticket's timeline."""
    return TicketEvent.objects.create(
        ticket=ticket,
        actor=actor,
        action="override_warranty",
        from_status=ticket.status,
        to_status=ticket.status,
        note=(f"{WarrantyStatus(before).label} → {ticket.get_warranty_status_display()}: {reason}")[
            :500
        ],
        at=at or timezone.now(),
    )


def event_opened(*, ticket: RepairTicket, actor) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket, actor=actor, action="open", to_status=ticket.status, at=ticket.created_at
    )
