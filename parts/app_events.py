"""The events of parts that the higher apps subscribe to (see ``servicedesk.events``): a
delivery received (``stock_receive``) resumes the repair records waiting for its part
(rules#parts). Parts sits below repairs and never imports it: repairs subscribes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

from servicedesk.events import Event

if TYPE_CHECKING:
    from repairs.models import RepairTicket
    from servicedesk.types import Actor


class DeliveryWaitingTickets(Protocol):
    """In the delivery's transaction, before the stock row is locked (the order every ticket
    move takes its locks in): the records waiting for the part at the point, locked, the longest
    waiting first (repairs: the tickets waiting for parts)."""

    def __call__(self, *, point_id: int, part_id: int) -> list[RepairTicket]: ...


class DeliveryResumes(Protocol):
    """In the delivery's transaction, once the stock holds the delivered parts: a waiting record
    takes what it misses and moves on when nothing is short any more; ``True`` when it moved on
    (repairs: the "parts arrived" step, made by the system)."""

    def __call__(self, *, ticket: RepairTicket, actor: Actor, now: dt.datetime) -> bool: ...


on_delivery_waiting_tickets: Event[DeliveryWaitingTickets] = Event("delivery_waiting_tickets")
on_delivery_resumes: Event[DeliveryResumes] = Event("delivery_resumes")


def delivery_waiting_tickets(*, point_id: int, part_id: int) -> list[RepairTicket]:
    """Called by ``stock_receive`` before it locks the stock row: every app's waiting records."""
    return [
        ticket
        for handler in on_delivery_waiting_tickets.subscribers
        for ticket in handler(point_id=point_id, part_id=part_id)
    ]


def delivery_resumes(*, ticket: RepairTicket, actor: Actor, now: dt.datetime) -> bool:
    """Called by ``stock_receive`` for each waiting record, oldest first: whether it moved on."""
    moved = False
    for handler in on_delivery_resumes.subscribers:
        moved = handler(ticket=ticket, actor=actor, now=now) or moved
    return moved
