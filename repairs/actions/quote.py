"""The customer's decision on the quote (rules#quote): approved (the repair starts, a deposit
may be taken) or refused, signed at the counter or answered by phone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from counter import services as money
from parts.services import stock
from repairs import signatures
from repairs.actions.base import ticket_act
from repairs.models import ConsentKind, Quote, QuoteDecision, RepairTicket

if TYPE_CHECKING:
    from servicedesk.types import Actor


@dataclass
class QuoteDecisionInput:
    consent_kind: str
    signature_data_url: str = ""
    damage_acknowledged: bool = False
    deposit: money.PaymentInput | None = None  # rules#payment: only when approving


def damage_acknowledgement_needed(ticket: RepairTicket) -> bool:
    """rules#quote: water or drop damage seen at intake needs the customer's signed
    acknowledgement before the repair is approved."""
    return bool(ticket.water_damage or ticket.drop_damage)


def ticket_approve_quote(
    *,
    ticket: RepairTicket,
    actor: Actor,
    version: int,
    data: QuoteDecisionInput,
    now: dt.datetime | None = None,
) -> RepairTicket:
    """rules#quote: the customer approves; the parts are reserved and a deposit may be taken."""

    def rules(locked: RepairTicket, now: dt.datetime) -> str:
        return _decide_quote(locked, actor, data, now, approve=True)

    return ticket_act(
        ticket=ticket, actor=actor, action="approve_quote", version=version, rules=rules, now=now
    )


def ticket_refuse_quote(
    *,
    ticket: RepairTicket,
    actor: Actor,
    version: int,
    data: QuoteDecisionInput,
    now: dt.datetime | None = None,
) -> RepairTicket:
    """rules#quote: the customer refuses; the reserved parts go back to the stock."""

    def rules(locked: RepairTicket, now: dt.datetime) -> str:
        return _decide_quote(locked, actor, data, now, approve=False)

    return ticket_act(
        ticket=ticket, actor=actor, action="refuse_quote", version=version, rules=rules, now=now
    )


def quote_approval_errors(
    *, ticket: RepairTicket, data: QuoteDecisionInput
) -> dict[str, list[str]]:
    """Every refusal the approval would give ``data`` on ``ticket``, all at once."""
    return _checked(ticket, data, approve=True)[0]


def quote_refusal_errors(*, ticket: RepairTicket, data: QuoteDecisionInput) -> dict[str, list[str]]:
    """Every refusal the customer's refusal would give ``data`` on ``ticket``, all at once."""
    return _checked(ticket, data, approve=False)[0]


def _checked(
    ticket: RepairTicket, p: QuoteDecisionInput, *, approve: bool
) -> tuple[dict[str, list[str]], bytes | None]:
    """rules#quote: how the customer decided (a drawn signature, or by phone), the signed damage
    acknowledgement before an approved repair, the deposit's method and reference; with the
    decoded signature."""
    errors: dict[str, list[str]] = {}
    if p.consent_kind not in ConsentKind.values:
        errors["consent_kind"] = [_("Record how the customer decided: signature or phone.")]
    signature = None
    if p.consent_kind == ConsentKind.SIGNATURE:
        try:
            signature = signatures.decode_data_url(p.signature_data_url)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if (
        approve
        and damage_acknowledgement_needed(ticket)
        and not (p.damage_acknowledged and p.consent_kind == ConsentKind.SIGNATURE)
    ):
        errors["damage_acknowledged"] = [
            _("Water or drop damage: the customer must sign the acknowledgement before repair.")
        ]
    if approve and p.deposit is not None:
        errors.update(money.deposit_errors(p.deposit))
    return errors, signature


def _decide_quote(
    ticket: RepairTicket, actor: Actor, p: QuoteDecisionInput, now: dt.datetime, approve: bool
) -> str:
    quote = Quote.objects.select_for_update().get(ticket=ticket)
    errors, signature = _checked(ticket, p, approve=approve)
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
