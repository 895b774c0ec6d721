"""The technician's actions (rules#repair, rules#parts): start the diagnosis, record it (the
confirmed fault, the repair type and labor fee, the parts it reserves; out of warranty, the
quote), and the parts arrived."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from parts.models import Part, PartLine
from parts.services import stock
from repairs.actions.amounts import CENT, parts_total
from repairs.actions.base import NO_INPUT, NoInput, TransitionError, ticket_act
from repairs.models import Quote, QuoteDecision, RepairTicket, RepairType, WarrantyStatus

if TYPE_CHECKING:
    from servicedesk.types import Actor


@dataclass
class PartLineInput:
    part_id: int
    quantity: int = 1


@dataclass
class DiagnoseInput:
    fault_confirmed: str
    repair_type_id: int | None = None
    labor_fee: Decimal | None = None  # the repair type's, unless given
    labor_change_reason: str = ""
    parts: list[PartLineInput] = field(default_factory=list)
    parts_expected_on: dt.date | None = None


def ticket_start_diagnosis(
    *,
    ticket: RepairTicket,
    actor: Actor,
    version: int,
    data: NoInput = NO_INPUT,
    now: dt.datetime | None = None,
) -> RepairTicket:
    """rules#repair: the technician who starts the diagnosis takes the ticket."""

    def rules(locked: RepairTicket, now: dt.datetime) -> str:
        locked.technician = actor
        return ""

    return ticket_act(
        ticket=ticket, actor=actor, action="start_diagnosis", version=version, rules=rules, now=now
    )


def ticket_diagnose(
    *,
    ticket: RepairTicket,
    actor: Actor,
    version: int,
    data: DiagnoseInput,
    now: dt.datetime | None = None,
) -> RepairTicket:
    """rules#repair: the confirmed fault, the labor (the price list's, or another with the
    reason) and the parts; out of warranty this is the quote the customer approves or refuses.
    rules#parts: the listed parts are reserved, or the ticket waits for them."""

    def rules(locked: RepairTicket, now: dt.datetime) -> str:
        return _diagnose(locked, actor, data, now)

    return ticket_act(
        ticket=ticket, actor=actor, action="diagnose", version=version, rules=rules, now=now
    )


def _diagnose(ticket: RepairTicket, actor: Actor, p: DiagnoseInput, now: dt.datetime) -> str:
    errors: dict[str, list[str]] = {}
    if not p.fault_confirmed.strip():
        errors["fault_confirmed"] = [_("Record the confirmed fault.")]
    repair_type = None
    if p.repair_type_id:
        repair_type = RepairType.objects.filter(
            pk=p.repair_type_id, point=ticket.point, is_active=True
        ).first()
        if repair_type is None:
            errors["repair_type"] = [_("Choose a repair type from this point's price list.")]
    parts = {
        part.pk: part
        for part in Part.objects.filter(point=ticket.point, pk__in=[x.part_id for x in p.parts])
    }
    for line in p.parts:
        if line.part_id not in parts:
            errors.setdefault("parts", []).append(_("A part is not on this point's price list."))
        if not 1 <= line.quantity <= 99:
            errors.setdefault("parts", []).append(_("Quantities are from 1 to 99."))
    labor = (
        p.labor_fee
        if p.labor_fee is not None
        else (repair_type.labor_fee if repair_type else Decimal("0"))
    )
    if labor < 0:
        errors["labor_fee"] = [_("The labor fee cannot be negative.")]
    listed = repair_type.labor_fee if repair_type else None
    if listed is not None and labor != listed and not p.labor_change_reason.strip():
        errors["labor_change_reason"] = [_("Say why the labor fee differs from the price list.")]
    if errors:
        raise ValidationError(errors)
    ticket.fault_confirmed = p.fault_confirmed.strip()[:2000]
    ticket.repair_type = repair_type
    ticket.labor_fee = labor
    ticket.technician = actor
    stock.ticket_release_parts(ticket=ticket, actor=actor, now=now)
    ticket.part_lines.all().delete()
    PartLine.objects.bulk_create(
        [
            PartLine(
                ticket=ticket,
                part=parts[x.part_id],
                name=parts[x.part_id].name,
                quantity=x.quantity,
                unit_price=parts[x.part_id].price,
            )
            for x in p.parts
        ]
    )
    _reserve_or_wait(ticket, actor, p.parts_expected_on, now)
    if ticket.warranty_status == WarrantyStatus.OUT_OF_WARRANTY:
        # The quote the customer approves or refuses (the transition's guard sends the ticket
        # to awaiting approval).
        Quote.objects.update_or_create(
            ticket=ticket,
            defaults={
                "labor_fee": labor,
                "labor_change_reason": p.labor_change_reason.strip()[:255],
                "decision": QuoteDecision.PENDING,
                "created_at": now,
            },
        )
        return _("Quote ¥%(total)s waits for the customer's approval.") % {
            "total": (labor + parts_total(ticket)).quantize(CENT)
        }
    return ""


def _reserve_or_wait(
    ticket: RepairTicket, actor: Actor, expected_on: dt.date | None, now: dt.datetime
) -> None:
    """rules#parts: the diagnosis reserves the parts it lists; what the stock cannot give puts
    the ticket into waiting for parts, with the date the parts are expected."""
    if not stock.ticket_reserve_parts(ticket=ticket, actor=actor, now=now):
        ticket.parts_expected_on = None
        return
    today = timezone.localdate(now)
    if expected_on is None or expected_on < today:
        missing = ", ".join(
            f"{line.name} × {line.short}" for line in ticket.part_lines.all() if line.short
        )
        raise ValidationError(
            {
                "parts_expected_on": [
                    _(
                        "Not enough in stock (%(missing)s): give the date the parts are "
                        "expected, and the repair waits for them."
                    )
                    % {"missing": missing}
                ]
            }
        )
    ticket.parts_expected_on = expected_on


def ticket_parts_arrived(
    *,
    ticket: RepairTicket,
    actor: Actor,
    version: int,
    data: NoInput = NO_INPUT,
    now: dt.datetime | None = None,
) -> RepairTicket:
    """rules#parts: the missing parts are reserved now, or the ticket keeps waiting."""

    def rules(locked: RepairTicket, now: dt.datetime) -> str:
        if stock.ticket_reserve_parts(ticket=locked, actor=actor, now=now):
            raise TransitionError(
                _("The parts are still not in stock: receive the delivery first.")
            )
        return ""

    return ticket_act(
        ticket=ticket, actor=actor, action="parts_arrived", version=version, rules=rules, now=now
    )
