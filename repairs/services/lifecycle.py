"""Repair-ticket lifecycle services (rules#repair). ``ticket_transition`` is the one entry
point for every state change: it checks the transition table, the actor's role and point, the
ticket's version (optimistic concurrency), runs the action's rules, writes the timeline, and
emits what follows (notification on ready; callbacks scheduled at handover)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from counter import services as money
from counter.models import Payment, PaymentMethod
from parts.models import Part, PartLine
from parts.services import stock
from repairs import signatures, transitions
from repairs.models import (
    ConsentKind,
    Quote,
    QuoteDecision,
    RepairTicket,
    RepairType,
    SatisfactionCard,
    TicketStatus,
    WarrantyStatus,
)
from repairs.services import sanbao
from servicedesk import hooks
from servicedesk.customer_messages import render_for_customer
from servicedesk.models import CERTIFIED_ROLES, NotificationKind
from servicedesk.outbox import outbox_write
from servicedesk.statemachine import SYSTEM, TransitionRefused
from servicedesk.tenancy import get_profile, scope_for, user_role

if TYPE_CHECKING:
    from servicedesk.types import Actor

#: A refused move of the ticket: wrong state, wrong role, or a stale form (the message is for
#: the user). The shared ``TransitionRefused`` of every state machine.
TransitionError = TransitionRefused


@dataclass
class PartLineInput:
    part_id: int
    quantity: int = 1


@dataclass
class Payload:
    """What a transition may carry; each action reads its own fields."""

    fault_confirmed: str = ""
    repair_type_id: int | None = None
    labor_fee: Decimal | None = None
    labor_change_reason: str = ""
    parts: list[PartLineInput] = field(default_factory=list)
    repair_method: str = ""
    consent_kind: str = ""
    signature_data_url: str = ""
    damage_acknowledged: bool = False
    reason: str = ""
    tested_with_customer: bool = False
    explanation_given: bool = False
    amount_received: Decimal | None = None  # one cash payment, when ``payments`` is empty
    payments: list[money.PaymentInput] = field(default_factory=list)
    deposit: money.PaymentInput | None = None
    invoice_number: str = ""
    invoice_not_requested: bool = False
    invoice_title: str = ""
    invoice_tax_number: str = ""
    satisfaction_rating: int | None = None
    satisfaction_comment: str = ""
    satisfaction_declined: bool = False
    loaner_reason: str = ""
    replacement_model: str = ""
    replacement_imei: str = ""
    refund_reference: str = ""
    parts_expected_on: dt.date | None = None


def parts_total(ticket: RepairTicket, *, lines: list[PartLine] | None = None) -> Decimal:
    """The sum of the part lines: in SQL, or from ``lines`` when the caller has them already."""
    if lines is not None:
        total = sum((line.unit_price * line.quantity for line in lines), Decimal("0"))
    else:
        total = ticket.part_lines.aggregate(s=Sum(F("unit_price") * F("quantity")))["s"]
    return (total or Decimal("0")).quantize(Decimal("0.01"))


def amount_due(ticket: RepairTicket, *, lines: list[PartLine] | None = None) -> Decimal:
    """Out of warranty the customer pays labor plus parts; in warranty nothing. Always derived
    from the lines, never typed in."""
    if ticket.status in (TicketStatus.QUOTE_REFUSED, TicketStatus.RETURNED_UNREPAIRED):
        # Returned unrepaired: only the point's fee rule for a refused quote (often none).
        return ticket.point.refused_quote_fee.quantize(Decimal("0.01"))
    if ticket.warranty_status != WarrantyStatus.OUT_OF_WARRANTY:
        return Decimal("0.00")
    return (ticket.labor_fee + parts_total(ticket, lines=lines)).quantize(Decimal("0.01"))


def warranty_covers(ticket: RepairTicket, *, lines: list[PartLine] | None = None) -> Decimal:
    """rules#warranty: within warranty the warranty pays the labor and the parts, so the ticket
    shows that line and the amount due is zero; outside warranty, or when nothing was repaired,
    it pays nothing."""
    if ticket.warranty_status == WarrantyStatus.OUT_OF_WARRANTY or ticket.status in (
        TicketStatus.QUOTE_REFUSED,
        TicketStatus.RETURNED_UNREPAIRED,
        TicketStatus.RETURNED,
        TicketStatus.EXCHANGED,
    ):
        return Decimal("0.00")
    return (ticket.labor_fee + parts_total(ticket, lines=lines)).quantize(Decimal("0.01"))


def _decode_signature(data_url: str) -> bytes:
    return signatures.decode_data_url(data_url)


def _check_scope(ticket: RepairTicket, actor: Actor) -> None:
    scope = scope_for(actor)
    if user_role(actor) is None or scope.read_only or not scope.allows(ticket.point_id):
        raise PermissionDenied


def _check_certificate(actor: Actor, action: str) -> None:
    """持证上岗: a technician (or desk) with an expired certificate takes no new work."""
    profile = get_profile(actor)
    if (
        profile is not None
        and profile.role in CERTIFIED_ROLES
        and not profile.certificate_valid
        and action in ("start_diagnosis", "diagnose")
    ):
        raise TransitionError(
            _("Your qualification certificate has expired: you cannot take new work.")
        )


@transaction.atomic
def ticket_transition(
    *,
    ticket: RepairTicket,
    actor: Actor,
    action: str,
    version: int,
    payload: Payload | None = None,
    now: dt.datetime | None = None,
) -> RepairTicket:
    """Move ``ticket`` by ``action`` (see ``repairs.transitions``); refuse anything else."""
    payload = payload or Payload()
    now = now or timezone.now()
    locked = (
        RepairTicket.objects.select_for_update()
        .select_related("point", "customer")
        .get(pk=ticket.pk)
    )
    if locked.version != version:
        # Checked first: a stale form (a colleague's change, or the same form sent twice) is
        # told so, rather than that its action no longer fits the ticket's new state.
        _check_scope(locked, actor)
        raise TransitionError(
            _("Someone else changed this repair record meanwhile. Reload the page.")
        )
    _check_scope(locked, actor)
    transitions.MACHINE.require(locked, action, role=user_role(actor))
    _check_certificate(actor, action)
    note = HANDLERS[action](locked, actor, payload, now)
    before = locked.status
    transitions.MACHINE.move(
        locked, action, actor=actor, role=user_role(actor), note=note or "", now=now
    )
    _after_move(locked, actor, before, now)
    locked.version += 1
    locked.save()
    if locked.status in HANDED_BACK:
        _after_handover(locked, now)
    return locked


def _diagnose(ticket: RepairTicket, actor: Actor, p: Payload, now: dt.datetime) -> str:
    errors = {}
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
    _reserve_or_wait(ticket, actor, p, now)
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
            "total": (labor + parts_total(ticket)).quantize(Decimal("0.01"))
        }
    return ""


def _reserve_or_wait(ticket: RepairTicket, actor: Actor, p: Payload, now: dt.datetime) -> None:
    """rules#parts: the diagnosis reserves the parts it lists; what the stock cannot give puts
    the ticket into waiting for parts, with the date the parts are expected."""
    if not stock.ticket_reserve_parts(ticket=ticket, actor=actor, now=now):
        ticket.parts_expected_on = None
        return
    today = timezone.localdate(now)
    if p.parts_expected_on is None or p.parts_expected_on < today:
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
    ticket.parts_expected_on = p.parts_expected_on


def _parts_arrived(ticket: RepairTicket, actor: Actor, p: Payload, now: dt.datetime) -> str:
    """rules#parts: the missing parts are reserved now, or the ticket keeps waiting."""
    if stock.ticket_reserve_parts(ticket=ticket, actor=actor, now=now):
        raise TransitionError(_("The parts are still not in stock: receive the delivery first."))
    return ""


def _after_move(ticket: RepairTicket, actor: Actor | None, before: str, now: dt.datetime) -> None:
    """What follows a move, whichever action made it (rules#parts): the time waiting for parts
    is recorded apart; the customer is told the repair waits; a ticket that leaves the point
    unrepaired gives its reserved parts back."""
    if before == TicketStatus.WAITING_PARTS and ticket.waiting_parts_since is not None:
        ticket.parts_wait += now - ticket.waiting_parts_since
        ticket.waiting_parts_since = None
    if ticket.status == TicketStatus.WAITING_PARTS and before != TicketStatus.WAITING_PARTS:
        ticket.waiting_parts_since = now
        _notify(ticket, "repairs/messages/waiting_parts.txt", now)
    if not ticket.is_open:
        stock.ticket_release_parts(ticket=ticket, actor=actor, now=now)


def _notify(ticket: RepairTicket, template: str, now: dt.datetime) -> None:
    """A message to the customer in the outbox, in the point's language."""
    outbox_write(
        point=ticket.point,
        kind=NotificationKind.CUSTOMER_REPAIR,
        ticket_id=ticket.pk,
        to=ticket.contact_phone,
        text=render_for_customer(ticket.point, template, {"ticket": ticket}),
        now=now,
    )


def waiting_tickets_lock(*, point_id: int, part_id: int) -> list[RepairTicket]:
    """The point's tickets waiting for ``part_id``, locked, the longest waiting first (locked
    before the stock row, in the same order as ``ticket_transition`` takes them)."""
    ids = PartLine.objects.filter(
        part_id=part_id,
        consumed=0,
        reserved__lt=F("quantity"),
        ticket__point_id=point_id,
        ticket__status=TicketStatus.WAITING_PARTS,
    ).values("ticket_id")
    locked = list(
        RepairTicket.objects.select_for_update()
        .select_related("point")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(locked, key=lambda t: (t.waiting_parts_since or oldest, t.pk))


def ticket_resume_if_covered(
    *, ticket: RepairTicket, actor: Actor | None, now: dt.datetime
) -> bool:
    """rules#parts: a delivery that covers what a waiting ticket misses moves it on to
    repairing (the "parts arrived" step, made by the system for whoever received it)."""
    if stock.ticket_reserve_parts(ticket=ticket, actor=actor, now=now):
        return False
    before = ticket.status
    transitions.MACHINE.move(
        ticket,
        "parts_arrived",
        actor=actor,
        role=SYSTEM,
        note=_("Delivery received"),
        now=now,
    )
    _after_move(ticket, actor, before, now)
    ticket.version += 1
    ticket.save()
    return True


def _start(ticket: RepairTicket, actor: Actor, p: Payload, now: dt.datetime) -> str:
    ticket.technician = actor
    return ""


def _decide_quote(
    ticket: RepairTicket, actor: Actor, p: Payload, now: dt.datetime, approve: bool
) -> str:
    quote = Quote.objects.select_for_update().get(ticket=ticket)
    errors = {}
    if p.consent_kind not in ConsentKind.values:
        errors["consent_kind"] = [_("Record how the customer decided: signature or phone.")]
    signature = None
    if p.consent_kind == ConsentKind.SIGNATURE:
        try:
            signature = _decode_signature(p.signature_data_url)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if (
        approve
        and (ticket.water_damage or ticket.drop_damage)
        and not (p.damage_acknowledged and p.consent_kind == ConsentKind.SIGNATURE)
    ):
        errors["damage_acknowledged"] = [
            _("Water or drop damage: the customer must sign the acknowledgement before repair.")
        ]
    if approve and p.deposit is not None:
        errors.update(money.deposit_errors(p.deposit))
    if errors:
        raise ValidationError(errors)
    if approve:
        # Parts delivered since the diagnosis are taken now (the guard then skips the wait).
        stock.ticket_reserve_parts(ticket=ticket, actor=actor, now=now)
    else:
        stock.ticket_release_parts(ticket=ticket, actor=actor, now=now, reason=_("Quote refused"))
    if approve and p.deposit is not None:
        money.take_deposit(ticket=ticket, actor=actor, payment=p.deposit, now=now)
    quote.decision = QuoteDecision.APPROVED if approve else QuoteDecision.REFUSED
    quote.decided_at = now
    quote.consent_kind = p.consent_kind
    quote.signature_png = signature
    quote.damage_acknowledged = p.damage_acknowledged
    if p.consent_kind == ConsentKind.VERBAL:
        quote.verbal_called_by, quote.verbal_called_at = actor, now
    quote.save()
    return quote.get_consent_kind_display()


def _complete(ticket: RepairTicket, actor: Actor, p: Payload, now: dt.datetime) -> str:
    if not p.repair_method.strip():
        raise ValidationError({"repair_method": [_("Record the repair method.")]})
    ticket.repair_method = p.repair_method.strip()[:2000]
    stock.ticket_consume_parts(ticket=ticket, actor=actor, now=now)
    return ""


def _fail_qa(ticket: RepairTicket, actor: Actor, p: Payload, now: dt.datetime) -> str:
    if not p.reason.strip():
        raise ValidationError(
            {"reason": [_("Say why the retest failed: the technician needs it.")]}
        )
    return p.reason.strip()


def _pass_qa(ticket: RepairTicket, actor: Actor, p: Payload, now: dt.datetime) -> str:
    ticket.ready_at = now
    _notify(ticket, "repairs/messages/ready.txt", now)
    return ""


def _take_payment_and_card(
    ticket: RepairTicket, actor: Actor, p: Payload, now: dt.datetime, *, signature_required: bool
) -> None:
    """The handover's checks (rules#handover): tested in front of the customer, the customer's
    pickup signature (取机签字), payment of the derived amount with change and invoice, and the
    satisfaction card (rating or declined)."""
    errors = {}
    if not p.tested_with_customer:
        errors["tested_with_customer"] = [_("Test the device in front of the customer first.")]
    signature = None
    if signature_required:
        try:
            signature = _decode_signature(p.signature_data_url)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if (
        not p.satisfaction_declined
        and p.satisfaction_rating is not None
        and not 1 <= p.satisfaction_rating <= 5
    ):
        errors["satisfaction_rating"] = [_("The rating is from 1 to 5.")]
    due = amount_due(ticket)
    holding = money.held(ticket)
    rows = _payment_rows(p)
    plan = None
    if due > holding or rows:
        try:
            plan = money.plan_payments(ticket=ticket, due=due, payments=rows)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if due > 0 and not p.invoice_number.strip() and not p.invoice_not_requested:
        errors["invoice_number"] = [
            _("Enter the invoice number, or tick that the customer did not ask for one.")
        ]
    if p.invoice_tax_number.strip() and not p.invoice_title.strip():
        errors["invoice_title"] = [_("A company invoice needs the company's name (抬头).")]
    if errors:
        raise ValidationError(errors)
    ticket.pickup_signature_png = signature
    if plan is not None:
        money.record_payments(plan=plan, actor=actor, now=now)
    if due > 0:
        received = holding + (plan.received if plan else Decimal("0"))
        Payment.objects.create(
            ticket=ticket,
            amount_due=due,
            amount_received=received,
            change_given=plan.change if plan else Decimal("0"),
            invoice_number=p.invoice_number.strip()[:64],
            invoice_title=p.invoice_title.strip()[:100],
            invoice_tax_number=p.invoice_tax_number.strip()[:20],
            received_by=actor,
            received_at=now,
        )
    if p.satisfaction_declined or p.satisfaction_rating:
        SatisfactionCard.objects.create(
            ticket=ticket,
            rating=None if p.satisfaction_declined else p.satisfaction_rating,
            comment=p.satisfaction_comment.strip()[:500],
            declined=p.satisfaction_declined,
            at=now,
        )


def _payment_rows(p: Payload) -> list[money.PaymentInput]:
    """The payments of the form, or one cash payment of ``amount_received``."""
    if p.payments or p.amount_received is None:
        return p.payments
    cash = PaymentMethod.objects.filter(is_cash=True, is_active=True).order_by("position").first()
    return [money.PaymentInput(cash.pk if cash else 0, p.amount_received)]


def _hand_over(ticket: RepairTicket, actor: Actor, p: Payload, now: dt.datetime) -> str:
    note = _answered_blockers(ticket, p)
    if not p.explanation_given:
        raise ValidationError(
            {"explanation_given": [_("Explain what was done and how to use the device.")]}
        )
    _take_payment_and_card(ticket, actor, p, now, signature_required=True)
    ticket.handed_over_at = now
    return note


def _return_unrepaired(ticket: RepairTicket, actor: Actor, p: Payload, now: dt.datetime) -> str:
    """The customer refused the quote: the device goes back unrepaired (a handover too), with
    the point's fee rule for a refused quote, the pickup signature and the satisfaction card."""
    note = _answered_blockers(ticket, p)
    _take_payment_and_card(ticket, actor, p, now, signature_required=True)
    ticket.handed_over_at = now
    return note


def _answered_blockers(ticket: RepairTicket, p: Payload) -> str:
    """rules#loaners: what another app says must be answered before the device goes back (the
    customer still holds a loaner) refuses the handover unless the desk gives a reason; the
    reason goes on the timeline with what it answers."""
    reasons = [r for found in hooks.fire(hooks.HANDOVER_BLOCKERS, ticket=ticket) for r in found]
    if not reasons:
        return ""
    if not p.loaner_reason.strip():
        raise ValidationError(
            {"loaner_reason": [*reasons, _("Take the loaner back first, or say why not.")]}
        )
    return _("Handed over with a loaner still out: %(reason)s (%(what)s)") % {
        "reason": p.loaner_reason.strip(),
        "what": " ".join(reasons),
    }


#: States in which something went home with the customer: the repaired device, or the
#: replacement of a 三包 exchange (a completed service for the callbacks).
HANDED_BACK = frozenset({TicketStatus.HANDED_OVER, TicketStatus.EXCHANGED})


def _after_handover(ticket: RepairTicket, now: dt.datetime) -> None:
    """rules#callbacks: the handover schedules the follow-up callbacks (``followups`` reacts to the
    hook), in the same transaction."""
    hooks.fire(hooks.TICKET_HANDED_OVER, ticket=ticket, now=now)


HANDLERS = {
    "start_diagnosis": _start,
    "diagnose": _diagnose,
    "approve_quote": lambda t, a, p, n: _decide_quote(t, a, p, n, approve=True),
    "refuse_quote": lambda t, a, p, n: _decide_quote(t, a, p, n, approve=False),
    "complete_repair": _complete,
    "pass_qa": _pass_qa,
    "fail_qa": _fail_qa,
    "hand_over": _hand_over,
    "return_unrepaired": _return_unrepaired,
    "return_device": sanbao.return_device,
    "exchange_device": sanbao.exchange_device,
    "parts_arrived": _parts_arrived,
}
