"""The ticket page's figures in one read (rules#repair, rules#payment): what the actor may do
on the ticket now, what it costs, what is held, and what the page lists beside it."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse

from counter.models import MoneyEntry, PaymentMethod
from parts.models import PartLine
from repairs import app_events, selectors, transitions
from repairs.actions.amounts import amount_due, parts_total, warranty_covers
from repairs.actions.blockers import handover_blockers
from repairs.actions.commands import QUOTE_DECISION
from repairs.actions.quote import damage_acknowledgement_needed
from repairs.actions.sanbao import sanbao_options
from repairs.models import Quote, RepairTicket, RepairType, TicketEvent, WarrantyStatus
from servicedesk.models import SUPERVISING_ROLES, Role
from servicedesk.statemachine import Transition
from servicedesk.tenancy import get_profile, user_role

if TYPE_CHECKING:
    from servicedesk.types import Actor

#: Who may give money back at the counter (rules#payment).
REFUNDERS = frozenset({Role.FRONT_DESK, *SUPERVISING_ROLES, Role.ADMIN})
#: The actions whose forms take money, and those that end the customer's business here.
TAKES_MONEY = frozenset({"approve_quote", "hand_over", "return_unrepaired"})
HANDS_BACK = frozenset({"hand_over", "return_unrepaired", *transitions.SANBAO_ACTIONS})


@dataclass
class TicketPage:
    ticket: RepairTicket
    actions: list[Transition]
    sanbao_options: dict[str, str]
    panels: list[Any]
    handover_blockers: list[str]
    reveal_url: str
    earlier: QuerySet[RepairTicket]
    out_of_warranty: bool
    quote_on_form: bool
    damage_acknowledgement_needed: bool
    timeline: QuerySet[TicketEvent]
    part_lines: list[PartLine]
    parts_total: Decimal
    amount_due: Decimal
    warranty_covers: Decimal
    money_entries: list[MoneyEntry]
    held: Decimal
    to_pay: Decimal
    can_refund: bool
    refund_methods: QuerySet[PaymentMethod] | list[PaymentMethod]
    payment_methods: QuerySet[PaymentMethod] | list[PaymentMethod]
    quote: Quote | None
    notifications: QuerySet[Any]
    repair_types: QuerySet[RepairType]
    parts: selectors.PartChoices | None

    def as_context(self) -> dict[str, Any]:
        """The page's names for the template (a shallow mapping, nothing copied)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def ticket_page(*, user: Actor, ticket: RepairTicket) -> TicketPage:
    """What the ticket page shows to ``user``. A read-only user (the regional center) is offered
    no action; the 三包 choices only as the period (or the repeat rule) allows, once the fault is
    confirmed."""
    role = user_role(user)
    profile = get_profile(user)
    read_only = profile is not None and profile.is_read_only
    part_lines = list(ticket.part_lines.select_related("part"))
    options = sanbao_options(ticket)
    available = [
        t
        for t in ([] if read_only else transitions.available(ticket.status, role))
        if t.action not in transitions.SANBAO_ACTIONS or t.action in options
    ]
    offered = {t.action for t in available}
    money_entries = list(ticket.money_entries.select_related("method", "by__staff_profile"))
    held = sum((e.net for e in money_entries), Decimal("0.00"))
    due = amount_due(ticket, lines=part_lines)
    return TicketPage(
        ticket=ticket,
        actions=available,
        sanbao_options=options,
        # Other apps' sections (loaners: the loaner the customer holds), and what the handover
        # must have answered (shown with the handover's form).
        panels=app_events.ticket_panels(user=user, ticket=ticket),
        handover_blockers=handover_blockers(ticket) if offered & HANDS_BACK else [],
        # The repairs at other points are revealed by a POST (``ticket_history``), never here.
        reveal_url=(
            reverse("repairs:ticket_history", args=[ticket.pk])
            if ticket.device.imei or ticket.device.serial_number
            else ""
        ),
        earlier=selectors.ticket_earlier_repairs(user=user, ticket=ticket),
        out_of_warranty=ticket.warranty_status == WarrantyStatus.OUT_OF_WARRANTY,
        # The consent form shows the quote itself: no second copy of it below.
        quote_on_form=bool(offered & set(QUOTE_DECISION)),
        damage_acknowledgement_needed=damage_acknowledgement_needed(ticket),
        timeline=selectors.ticket_timeline(ticket=ticket),
        part_lines=part_lines,
        parts_total=parts_total(ticket, lines=part_lines),
        amount_due=due,
        warranty_covers=warranty_covers(ticket, lines=part_lines),
        money_entries=money_entries,
        held=held,
        to_pay=max(due - held, Decimal("0.00")),
        can_refund=not read_only and role in REFUNDERS,
        refund_methods=PaymentMethod.objects.filter(is_active=True) if held else [],
        payment_methods=PaymentMethod.objects.filter(is_active=True)
        if offered & TAKES_MONEY
        else [],
        quote=getattr(ticket, "quote", None),
        notifications=ticket.notifications.all(),
        repair_types=RepairType.objects.filter(point=ticket.point, is_active=True),
        parts=(
            selectors.parts_for_device(point=ticket.point, model_name=ticket.device.model_name)
            if "diagnose" in offered
            else None
        ),
    )
