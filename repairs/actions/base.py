"""The checks every ticket action goes through (rules#repair), in one place: the actor's point
and role, the ticket's state and version (optimistic concurrency), the move through the
transition table (which writes the timeline), and what follows any move. Each action's service
(``ticket_hand_over``, ``ticket_diagnose`` …) calls ``ticket_act`` with its own rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from parts.models import PartLine
from parts.services import stock
from repairs import app_events, transitions
from repairs.models import RepairTicket, TicketStatus
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

#: An action's own rules, run on the locked ticket before it moves; returns the timeline note.
Rules = Callable[[RepairTicket, dt.datetime], str]

#: Actions that take new work: refused to a holder of an expired certificate (持证上岗).
NEW_WORK = ("start_diagnosis", "diagnose")


@dataclass(frozen=True)
class NoInput:
    """The input of an action that carries nothing but itself (start, retest passed …)."""


NO_INPUT = NoInput()


def _no_rules(ticket: RepairTicket, now: dt.datetime) -> str:
    return ""


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
        and action in NEW_WORK
    ):
        raise TransitionError(
            _("Your qualification certificate has expired: you cannot take new work.")
        )


@transaction.atomic
def ticket_act(
    *,
    ticket: RepairTicket,
    actor: Actor,
    action: str,
    version: int,
    rules: Rules = _no_rules,
    now: dt.datetime | None = None,
) -> RepairTicket:
    """Move ``ticket`` by ``action`` (see ``repairs.transitions``) after ``rules`` accepted
    it; refuse anything else. The one place that locks the ticket, checks scope, role, state
    and version, moves it (the timeline), and bumps the version."""
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
    note = rules(locked, now)
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


def _after_move(ticket: RepairTicket, actor: Actor | None, before: str, now: dt.datetime) -> None:
    """What follows a move, whichever action made it (rules#parts): the time waiting for parts
    is recorded apart; the customer is told the repair waits; a ticket that leaves the point
    unrepaired gives its reserved parts back."""
    if before == TicketStatus.WAITING_PARTS and ticket.waiting_parts_since is not None:
        ticket.parts_wait += now - ticket.waiting_parts_since
        ticket.waiting_parts_since = None
    if ticket.status == TicketStatus.WAITING_PARTS and before != TicketStatus.WAITING_PARTS:
        ticket.waiting_parts_since = now
        notify(ticket, "repairs/messages/waiting_parts.txt", now)
    if not ticket.is_open:
        stock.ticket_release_parts(ticket=ticket, actor=actor, now=now)


def notify(ticket: RepairTicket, template: str, now: dt.datetime) -> None:
    """A message to the customer in the outbox, in the point's language."""
    outbox_write(
        point=ticket.point,
        kind=NotificationKind.CUSTOMER_REPAIR,
        ticket_id=ticket.pk,
        to=ticket.contact_phone,
        text=render_for_customer(ticket.point, template, {"ticket": ticket}),
        now=now,
    )


#: States in which something went home with the customer: the repaired device, or the
#: replacement of a 三包 exchange (a completed service for the callbacks).
HANDED_BACK = frozenset({TicketStatus.HANDED_OVER, TicketStatus.EXCHANGED})


def _after_handover(ticket: RepairTicket, now: dt.datetime) -> None:
    """rules#callbacks: the handover schedules the follow-up callbacks (``followups`` reacts to the
    event), in the same transaction."""
    app_events.ticket_handed_over(ticket=ticket, now=now)


def waiting_tickets_lock(*, point_id: int, part_id: int) -> list[RepairTicket]:
    """The point's tickets waiting for ``part_id``, locked, the longest waiting first (locked
    before the stock row, in the same order as ``ticket_act`` takes them)."""
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
