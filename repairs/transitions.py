"""The repair ticket's state machine (rules#repair): the whole table of moves, who may make them,
and the guard that sends a diagnosed ticket to repair (in warranty) or to the customer's approval of
the quote (out of warranty). Each action of ``repairs.actions`` runs its rules and
moves the ticket through ``MACHINE``; nothing else assigns ``RepairTicket.status``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from parts.models import PartLine
from repairs import events
from repairs.models import RepairTicket, WarrantyStatus
from repairs.models import TicketStatus as S
from servicedesk.models import Role
from servicedesk.statemachine import SYSTEM, Guard, StateMachine, Transition

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

TRANSITIONS: list[Transition] = [
    Transition("start_diagnosis", _("Start diagnosis"), S.REGISTERED, S.DIAGNOSING, TECH),
    Transition("diagnose", _("Record diagnosis"), S.DIAGNOSING, BY_WARRANTY, TECH),
    Transition(
        "approve_quote", _("Customer approves the quote"), S.AWAITING_APPROVAL, BY_PARTS, DESK
    ),
    Transition(
        "refuse_quote", _("Customer refuses the quote"), S.AWAITING_APPROVAL, S.QUOTE_REFUSED, DESK
    ),
    Transition(
        "complete_repair", _("Repair done: to quality check"), S.REPAIRING, S.QUALITY_CHECK, TECH
    ),
    # rules#parts: made by hand, or by the delivery that brings the missing parts.
    Transition(
        "parts_arrived", _("Parts arrived"), S.WAITING_PARTS, S.REPAIRING, TECH | DESK | {SYSTEM}
    ),
    Transition("pass_qa", _("Retest passed"), S.QUALITY_CHECK, S.READY, DESK),
    Transition("fail_qa", _("Retest failed: back to repair"), S.QUALITY_CHECK, S.REPAIRING, DESK),
    Transition("hand_over", _("Hand over to the customer"), S.READY, S.HANDED_OVER, DESK),
    Transition(
        "return_unrepaired",
        _("Return the device unrepaired"),
        S.QUOTE_REFUSED,
        S.RETURNED_UNREPAIRED,
        DESK,
    ),
    # 三包 (rules#sanbao): after the technician confirmed the fault and before the repair is
    # done, instead of the repair the customer may take a return or an exchange, as the period
    # (or the repeat rule) allows: while repairing or waiting for parts, never while a quote
    # waits for the customer's consent (awaiting approval) or once the repair is done.
    *(
        Transition("return_device", _("三包 return: refund the customer"), source, S.RETURNED, DESK)
        for source in (S.REPAIRING, S.WAITING_PARTS)
    ),
    *(
        Transition(
            "exchange_device",
            _("三包 exchange: hand over a new device"),
            source,
            S.EXCHANGED,
            DESK,
        )
        for source in (S.REPAIRING, S.WAITING_PARTS)
    ),
]

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


MACHINE = StateMachine(name="ticket", field="status", transitions=TRANSITIONS, record=_record)
ACTIONS = MACHINE.actions
find = MACHINE.find
label = MACHINE.label


def available(status: str, role: str | None) -> list[Transition]:
    return MACHINE.available(status, role)
