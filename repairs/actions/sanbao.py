"""三包 return and exchange (rules#sanbao): the ``ticket_return_device`` and
``ticket_exchange_device`` actions, and what the desk is offered.

Within the return period (a ticket decided 保内（可退换修） at intake) the customer may take a
return (退货, refunded) or an exchange (换货); within the exchange period, or when the repeat-repair
rule entitles it (two repairs within warranty and back again), an exchange. Only once a
technician has confirmed the fault, and only the desk (front desk, supervisor, service manager)
records the choice. Both end the ticket; the faulty device goes to the point's defective stock;
an exchange hands a new device over, so it is a completed service for the callbacks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import Device
from intake.services.desk import DeviceFacts, device_record
from intake.validators import clean_imei
from parts.models import DefectiveDevice, PartLine
from parts.services import stock
from repairs import signatures
from repairs.actions.base import ticket_act
from repairs.actions.blockers import blockers_answered
from repairs.models import RepairTicket, SanbaoChoice, SanbaoDecision, WarrantyStatus
from servicedesk.statemachine import TransitionRefused

if TYPE_CHECKING:
    from servicedesk.types import Actor

RETURN, EXCHANGE = "return_device", "exchange_device"
CHOICE_OF = {RETURN: SanbaoChoice.RETURN, EXCHANGE: SanbaoChoice.EXCHANGE}


@dataclass
class SanbaoInput:
    """The customer's signature, and for an exchange the replacement handed over, for a return
    the refund's reference (the other's fields are ignored)."""

    signature_data_url: str = ""
    replacement_model: str = ""
    replacement_imei: str = ""
    refund_reference: str = ""
    loaner_reason: str = ""  # why the customer leaves while a loaner is still out


def sanbao_options(ticket: RepairTicket) -> dict[str, str]:
    """The 三包 actions the customer may choose on this ticket, each with the reason the
    certificate prints: none before a technician confirmed the fault; a return within the
    return period; an exchange within the exchange period or when the repeat rule entitles it."""
    if not ticket.fault_confirmed.strip():
        return {}
    options: dict[str, str] = {}
    period = ticket.warranty_reason_text
    if ticket.warranty_status == WarrantyStatus.RETURN:
        options[RETURN] = period
    if ticket.warranty_status in (WarrantyStatus.RETURN, WarrantyStatus.EXCHANGE):
        options[EXCHANGE] = period
    elif ticket.exchange_entitled:
        options[EXCHANGE] = ticket.exchange_reason or _(
            "The fault persists after two repairs within warranty."
        )
    return options


def _refuse_unless_entitled(ticket: RepairTicket, action: str) -> str:
    if not ticket.fault_confirmed.strip():
        raise TransitionRefused(
            _("A return or an exchange needs a performance fault confirmed by a technician.")
        )
    reason = sanbao_options(ticket).get(action)
    if reason is None:
        if action == RETURN:
            raise TransitionRefused(
                _("A return is only possible within the return period: %(decision)s")
                % {"decision": ticket.warranty_reason_text}
            )
        raise TransitionRefused(
            _(
                "An exchange is only possible within the exchange period, or after two repairs "
                "within warranty: %(decision)s"
            )
            % {"decision": ticket.warranty_reason_text}
        )
    return reason


def sanbao_return_errors(*, ticket: RepairTicket, data: SanbaoInput) -> dict[str, list[str]]:
    """Every refusal a 三包 return would give ``data`` on ``ticket``, all at once."""
    return _checked(ticket, data, action=RETURN).errors


def sanbao_exchange_errors(*, ticket: RepairTicket, data: SanbaoInput) -> dict[str, list[str]]:
    """Every refusal a 三包 exchange would give ``data`` on ``ticket``, all at once."""
    return _checked(ticket, data, action=EXCHANGE).errors


@dataclass
class _Checked:
    errors: dict[str, list[str]]
    blockers: str = ""
    imei: str = ""
    signature: bytes | None = None


def _checked(ticket: RepairTicket, p: SanbaoInput, *, action: str) -> _Checked:
    """rules#sanbao: a loaner still out answered, the replacement (model, a valid IMEI that is
    neither the faulty device's nor another customer's) or the refund's reference, and the
    customer's signature."""
    checked = _Checked(errors={})
    errors = checked.errors
    # The customer's business here ends: a loaner still out is answered as at a handover.
    try:
        checked.blockers = blockers_answered(ticket, loaner_reason=p.loaner_reason)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if action == EXCHANGE:
        if not p.replacement_model.strip():
            errors["replacement_model"] = [_("Enter the replacement device's model.")]
        try:
            imei = clean_imei(p.replacement_imei)
        except ValidationError as exc:
            errors["replacement_imei"] = exc.messages
        else:
            if not imei:
                errors["replacement_imei"] = [_("Enter the replacement device's IMEI.")]
            elif imei == ticket.device.imei:
                errors["replacement_imei"] = [
                    _("This is the faulty device's IMEI: enter the replacement's.")
                ]
            elif (
                Device.objects.filter(point=ticket.point, imei=imei)
                .exclude(customer=ticket.customer)
                .exists()
            ):
                errors["replacement_imei"] = [
                    _("This IMEI is another customer's device here: check the new device's box.")
                ]
            checked.imei = imei
    elif not p.refund_reference.strip():
        errors["refund_reference"] = [_("Enter the refund's reference.")]
    try:
        checked.signature = signatures.decode_data_url(p.signature_data_url)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    return checked


def _decide(
    ticket: RepairTicket, actor: Actor, p: SanbaoInput, now: dt.datetime, *, action: str
) -> str:
    reason = _refuse_unless_entitled(ticket, action)
    checked = _checked(ticket, p, action=action)
    if checked.errors:
        raise ValidationError(checked.errors)
    blockers, imei, signature = checked.blockers, checked.imei, checked.signature
    choice = CHOICE_OF[action]
    cancelled = _cancel_planned_repair(ticket, actor, now)
    replacement = None
    if choice == SanbaoChoice.EXCHANGE:
        # The new device is the customer's from today: the desk search finds it by its IMEI,
        # and its 三包 periods run from the exchange (the certificate is its proof).
        replacement, _new = device_record(
            point=ticket.point,
            customer=ticket.customer,
            facts=DeviceFacts(
                model_name=p.replacement_model.strip(),
                imei=imei,
                purchase_date=timezone.localdate(now, ticket.point.zone),
                purchase_place=_("三包 exchange at %(point)s") % {"point": ticket.point.name},
            ),
        )
    SanbaoDecision.objects.create(
        ticket=ticket,
        choice=choice,
        reason=reason[:255],
        replacement_model=p.replacement_model.strip()[:64]
        if choice == SanbaoChoice.EXCHANGE
        else "",
        replacement_imei=imei,
        replacement_device=replacement,
        refund_reference=p.refund_reference.strip()[:64] if choice == SanbaoChoice.RETURN else "",
        decided_by=actor,
        decided_at=now,
        signature_png=signature,
    )
    DefectiveDevice.objects.create(
        point=ticket.point, ticket=ticket, device=ticket.device, received_at=now
    )
    if choice == SanbaoChoice.EXCHANGE:
        # The replacement goes home with the customer: a completed service (callbacks).
        ticket.handed_over_at = now
        note = _("Replacement %(model)s, IMEI %(imei)s handed over. %(reason)s") % {
            "model": p.replacement_model.strip(),
            "imei": imei,
            "reason": reason,
        }
    else:
        note = _("Refunded, reference %(reference)s. %(reason)s") % {
            "reference": p.refund_reference.strip(),
            "reason": reason,
        }
    return f"{blockers} {note} {cancelled}".strip()


def _cancel_planned_repair(ticket: RepairTicket, actor: Actor, now: dt.datetime) -> str:
    """rules#sanbao: a return or an exchange replaces the repair: the parts the diagnosis
    reserved go back to the stock, its part lines and its labor are dropped (the claim and the
    monthly export then show the ticket as the return or exchange it was). Returns the
    timeline's words for what was cancelled."""
    stock.ticket_release_parts(ticket=ticket, actor=actor, now=now, reason=_("三包 decision"))
    planned = [line for line in ticket.part_lines.all() if not line.consumed]
    words = []
    if ticket.repair_type is not None or ticket.labor_fee:
        words.append(
            _("Planned repair %(repair)s (labor ¥%(labor)s) cancelled.")
            % {
                "repair": ticket.repair_type.name if ticket.repair_type else "",
                "labor": ticket.labor_fee,
            }
        )
    if planned:
        words.append(
            _("Parts not fitted, released: %(parts)s.")
            % {"parts": ", ".join(f"{line.name} × {line.quantity}" for line in planned)}
        )
    PartLine.objects.filter(pk__in=[line.pk for line in planned]).delete()
    ticket.repair_type = None
    ticket.labor_fee = Decimal("0")
    return " ".join(words)


def ticket_return_device(
    *,
    ticket: RepairTicket,
    actor: Actor,
    version: int,
    data: SanbaoInput,
    now: dt.datetime | None = None,
) -> RepairTicket:
    """rules#sanbao: a return (退货) within the return period; the customer is refunded."""

    def rules(locked: RepairTicket, now: dt.datetime) -> str:
        return _decide(locked, actor, data, now, action=RETURN)

    return ticket_act(
        ticket=ticket, actor=actor, action=RETURN, version=version, rules=rules, now=now
    )


def ticket_exchange_device(
    *,
    ticket: RepairTicket,
    actor: Actor,
    version: int,
    data: SanbaoInput,
    now: dt.datetime | None = None,
) -> RepairTicket:
    """rules#sanbao: an exchange (换货); the replacement goes home with the customer."""

    def rules(locked: RepairTicket, now: dt.datetime) -> str:
        return _decide(locked, actor, data, now, action=EXCHANGE)

    return ticket_act(
        ticket=ticket, actor=actor, action=EXCHANGE, version=version, rules=rules, now=now
    )
