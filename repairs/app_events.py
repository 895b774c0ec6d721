"""The events of repairs that the higher apps subscribe to (see ``servicedesk.events``): the
handover and what must be answered before it, and the other apps' sections of the ticket page."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

from servicedesk.events import Event, Panel, sorted_panels

if TYPE_CHECKING:
    from repairs.models import RepairTicket
    from servicedesk.types import AnyUser


class TicketHandedOver(Protocol):
    """In the handover's transaction (followups: the day-3 and day-8–15 callbacks are
    scheduled)."""

    def __call__(self, *, ticket: RepairTicket, now: dt.datetime) -> None: ...


class HandoverBlockers(Protocol):
    """What must be answered before the device goes back to the customer (loaners: the customer
    still holds a loaner). The handover is refused unless the desk gives a reason, which goes on
    the ticket's timeline."""

    def __call__(self, *, ticket: RepairTicket) -> list[str]: ...


class TicketPanel(Protocol):
    """A section of the ticket page (loaners: the loaner the customer holds, or a link to lend
    one; complaints: the complaints about this repair)."""

    def __call__(self, *, user: AnyUser, ticket: RepairTicket) -> Panel | None: ...


on_ticket_handed_over: Event[TicketHandedOver] = Event("ticket_handed_over")
on_handover_blockers: Event[HandoverBlockers] = Event("handover_blockers")
on_ticket_panels: Event[TicketPanel] = Event("ticket_panels")


def ticket_handed_over(*, ticket: RepairTicket, now: dt.datetime) -> None:
    """Called by every service that hands a device (or its replacement) back to the customer,
    in its transaction (rules#callbacks)."""
    for handler in on_ticket_handed_over.subscribers:
        handler(ticket=ticket, now=now)


def handover_blockers(*, ticket: RepairTicket) -> list[str]:
    """Called by the handover services and the ticket page: every app's reasons, in order."""
    return [
        reason for handler in on_handover_blockers.subscribers for reason in handler(ticket=ticket)
    ]


def ticket_panels(*, user: AnyUser, ticket: RepairTicket) -> list[Panel]:
    """Called by the ticket page: the other apps' sections, in their order."""
    found = (handler(user=user, ticket=ticket) for handler in on_ticket_panels.subscribers)
    return sorted_panels([panel for panel in found if panel is not None])
