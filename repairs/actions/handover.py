"""The device goes back to the customer (rules#handover): repaired (the handover) or unrepaired
after a refused quote; both tested in front of the customer, signed for (取机签字), paid (the
derived amount, with change and invoice) and with the satisfaction card."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from counter import services as money
from counter.models import Payment, PaymentMethod
from counter.taxnumber import normalise as normalise_tax_number
from counter.taxnumber import tax_number_problem
from repairs import signatures
from repairs.actions.amounts import amount_due
from repairs.actions.base import ticket_act
from repairs.actions.blockers import blockers_answered
from repairs.models import RepairTicket, SatisfactionCard

if TYPE_CHECKING:
    from servicedesk.types import Actor


@dataclass
class ReturnUnrepairedInput:
    """What the desk records when the device goes back."""

    tested_with_customer: bool = False
    signature_data_url: str = ""
    #: The payment rows; or one cash payment of ``amount_received`` when there are none.
    payments: list[money.PaymentInput] = field(default_factory=list)
    amount_received: Decimal | None = None
    invoice_number: str = ""
    invoice_not_requested: bool = False
    invoice_title: str = ""
    invoice_tax_number: str = ""
    satisfaction_rating: int | None = None
    satisfaction_comment: str = ""
    satisfaction_declined: bool = False
    loaner_reason: str = ""  # why the device goes home while a loaner is still out


@dataclass
class HandoverInput(ReturnUnrepairedInput):
    explanation_given: bool = False


def ticket_hand_over(
    *,
    ticket: RepairTicket,
    actor: Actor,
    version: int,
    data: HandoverInput,
    now: dt.datetime | None = None,
) -> RepairTicket:
    """rules#handover: the repaired device goes home, explained, tested, signed for and paid;
    rules#callbacks: the handover schedules the follow-up callbacks."""

    def rules(locked: RepairTicket, now: dt.datetime) -> str:
        checked = _checked(locked, data)
        _take_payment_and_card(locked, actor, data, checked, now)
        locked.handed_over_at = now
        return checked.note

    return ticket_act(
        ticket=ticket, actor=actor, action="hand_over", version=version, rules=rules, now=now
    )


def ticket_return_unrepaired(
    *,
    ticket: RepairTicket,
    actor: Actor,
    version: int,
    data: ReturnUnrepairedInput,
    now: dt.datetime | None = None,
) -> RepairTicket:
    """The customer refused the quote: the device goes back unrepaired (a handover too), with
    the point's fee rule for a refused quote, the pickup signature and the satisfaction card."""

    def rules(locked: RepairTicket, now: dt.datetime) -> str:
        checked = _checked(locked, data)
        _take_payment_and_card(locked, actor, data, checked, now)
        locked.handed_over_at = now
        return checked.note

    return ticket_act(
        ticket=ticket,
        actor=actor,
        action="return_unrepaired",
        version=version,
        rules=rules,
        now=now,
    )


def handover_errors(*, ticket: RepairTicket, data: ReturnUnrepairedInput) -> dict[str, list[str]]:
    """Every refusal the handover (or the unrepaired return) would give ``data`` on ``ticket``,
    all at once: the services raise them together, and the page shows them beside the form's
    own errors when the form is refused before the service runs."""
    return _checked(ticket, data).errors


@dataclass
class _Checked:
    """The handover's checks on the data as posted, and what they read on the way."""

    errors: dict[str, list[str]]
    note: str
    signature: bytes | None
    plan: money.PaymentPlan | None
    due: Decimal
    holding: Decimal


def _checked(ticket: RepairTicket, p: ReturnUnrepairedInput) -> _Checked:
    """The handover's checks (rules#handover): a loaner still out answered, explained (a
    repaired device), tested in front of the customer, the customer's pickup signature
    (取机签字), payment of the derived amount with change and invoice, and the satisfaction card
    (rating or declined)."""
    errors: dict[str, list[str]] = {}
    note = ""
    try:
        note = blockers_answered(ticket, loaner_reason=p.loaner_reason)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if isinstance(p, HandoverInput) and not p.explanation_given:
        errors["explanation_given"] = [_("Explain what was done and how to use the device.")]
    if not p.tested_with_customer:
        errors["tested_with_customer"] = [_("Test the device in front of the customer first.")]
    signature = None
    try:
        signature = signatures.decode_data_url(p.signature_data_url)
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
    tax_problem = tax_number_problem(p.invoice_tax_number)
    if tax_problem:
        errors["invoice_tax_number"] = [tax_problem]
    return _Checked(errors, note, signature, plan, due, holding)


def _take_payment_and_card(
    ticket: RepairTicket,
    actor: Actor,
    p: ReturnUnrepairedInput,
    checked: _Checked,
    now: dt.datetime,
) -> None:
    """The checked handover recorded: the signature, the payments, the card."""
    if checked.errors:
        raise ValidationError(checked.errors)
    signature, plan, due, holding = checked.signature, checked.plan, checked.due, checked.holding
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
            invoice_tax_number=normalise_tax_number(p.invoice_tax_number)[:20],
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


def _payment_rows(p: ReturnUnrepairedInput) -> list[money.PaymentInput]:
    """The payments of the form, or one cash payment of ``amount_received``."""
    if p.payments or p.amount_received is None:
        return p.payments
    cash = PaymentMethod.objects.filter(is_cash=True, is_active=True).order_by("position").first()
    return [money.PaymentInput(cash.pk if cash else 0, p.amount_received)]
