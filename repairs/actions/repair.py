"""The repair and its quality check (rules#repair): the repair done (its method; the reserved
parts are used), then the desk's retest: passed (the customer is told it is ready) or failed
(back to the technician, with why)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from parts.services import stock
from repairs.actions.base import NO_INPUT, NoInput, notify, ticket_act
from repairs.models import RepairTicket

if TYPE_CHECKING:
    from servicedesk.types import Actor


@dataclass
class CompleteRepairInput:
    repair_method: str


@dataclass
class QaFailInput:
    reason: str


def ticket_complete_repair(
    *,
    ticket: RepairTicket,
    actor: Actor,
    version: int,
    data: CompleteRepairInput,
    now: dt.datetime | None = None,
) -> RepairTicket:
    """rules#repair: the repair method is recorded; rules#parts: the reserved parts are used."""

    def rules(locked: RepairTicket, now: dt.datetime) -> str:
        if not data.repair_method.strip():
            raise ValidationError({"repair_method": [_("Record the repair method.")]})
        locked.repair_method = data.repair_method.strip()[:2000]
        stock.ticket_consume_parts(ticket=locked, actor=actor, now=now)
        return ""

    return ticket_act(
        ticket=ticket, actor=actor, action="complete_repair", version=version, rules=rules, now=now
    )


def ticket_pass_qa(
    *,
    ticket: RepairTicket,
    actor: Actor,
    version: int,
    data: NoInput = NO_INPUT,
    now: dt.datetime | None = None,
) -> RepairTicket:
    """rules#repair: the retest passed; the device is ready and the customer is told."""

    def rules(locked: RepairTicket, now: dt.datetime) -> str:
        locked.ready_at = now
        notify(locked, "repairs/messages/ready.txt", now)
        return ""

    return ticket_act(
        ticket=ticket, actor=actor, action="pass_qa", version=version, rules=rules, now=now
    )


def ticket_fail_qa(
    *,
    ticket: RepairTicket,
    actor: Actor,
    version: int,
    data: QaFailInput,
    now: dt.datetime | None = None,
) -> RepairTicket:
    """rules#repair: the retest failed; the reason is the timeline's note for the technician."""

    def rules(locked: RepairTicket, now: dt.datetime) -> str:
        if not data.reason.strip():
            raise ValidationError(
                {"reason": [_("Say why the retest failed: the technician needs it.")]}
            )
        return data.reason.strip()

    return ticket_act(
        ticket=ticket, actor=actor, action="fail_qa", version=version, rules=rules, now=now
    )
