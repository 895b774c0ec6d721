"""The repair ticket's state machine (rules#repair): the machine, the roles of its rows, and the
guards that send a diagnosed ticket to repair (in warranty) or to the customer's approval of the
quote (out of warranty). The rows themselves, each with its action's command, are the table of
``repairs.actions.commands`` (``TRANSITIONS``). Each action of ``repairs.actions`` runs its rules
and moves the ticket through ``MACHINE``; nothing else assigns ``RepairTicket.status``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models

from parts.models import PartLine
from repairs import events
from repairs.models import RepairTicket, WarrantyStatus
from repairs.models import TicketStatus as S
from servicedesk.models import Role
from servicedesk.statemachine import Guard, StateMachine, Transition

if TYPE_CHECKING:
    from servicedesk.types import Actor

DESK = frozenset({Role.FRONT_DESK, Role.SUPERVISOR, Role.SERVICE_MANAGER})
TECH = frozenset({Role.TECHNICIAN, Role.SUPERVISOR, Role.SERVICE_MANAGER})


def parts_short(ticket: RepairTicket) -> bool:
    """rules#parts: a part the diagnosis listed is not (yet) reserved from the stock."""
    return PartLine.objects.filter(
        ticket=ticket, part__isnull=False, consumed=0, reserved__lt=models.F("quantity")
    ).exists()


def _after_diagnosis(ticket: RepairTicket, **context: Any) -> str:
    """No repair state out of warranty without an approved quote (rules#repair); no repair
    without the parts it needs (rules#parts: waiting for parts)."""
    if ticket.warranty_status == WarrantyStatus.OUT_OF_WARRANTY:
        return S.AWAITING_APPROVAL
    return S.WAITING_PARTS if parts_short(ticket) else S.REPAIRING


def _after_approval(ticket: RepairTicket, **context: Any) -> str:
    return S.WAITING_PARTS if parts_short(ticket) else S.REPAIRING


BY_WARRANTY = Guard(
    "by_warranty", (S.REPAIRING, S.AWAITING_APPROVAL, S.WAITING_PARTS), _after_diagnosis
)
BY_PARTS = Guard("by_parts", (S.REPAIRING, S.WAITING_PARTS), _after_approval)

#: The 三包 choices the desk records on one form (the customer picks one).
SANBAO_ACTIONS = ("return_device", "exchange_device")


def _record(
    *,
    obj: models.Model,
    transition: Transition,
    before: str,
    actor: Actor | None,
    note: str,
    now: dt.datetime,
) -> None:
    if not isinstance(obj, RepairTicket):
        raise TypeError(f"the ticket machine moves repair tickets, not {type(obj).__name__}")
    events.event_transition(
        ticket=obj, actor=actor, action=transition.action, from_status=before, note=note, at=now
    )


#: The ticket's machine. Its rows are the table of ``repairs.actions.commands`` (``TRANSITIONS``:
#: each row carries its action's command, whose service moves the ticket through this machine),
#: loaded from there when the app is ready.
MACHINE = StateMachine(name="ticket", field="status", record=_record)
find = MACHINE.find
label = MACHINE.label


def available(status: str, role: str | None) -> list[Transition]:
    return MACHINE.available(status, role)
