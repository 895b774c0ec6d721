"""The front desk's and the technicians' cards: arrivals, quotes, parts, quality checks,
pickups, slips, the repair queue."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intake.models import Channel, MessageSlip, SlipStatus, Visit, VisitStatus
from repairs import selectors as tickets
from repairs.models import RepairTicket, TicketStatus
from reporting.worklists.cards import (
    Card,
    Item,
    _card,
    _list_url,
    _minutes,
    _rows,
    _ticket_item,
    _tickets,
)
from servicedesk.models import ServicePoint
from servicedesk.tenancy import scoped

if TYPE_CHECKING:
    from servicedesk.types import AnyUser


def _arrivals(user: AnyUser, now: dt.datetime) -> Card:
    visits = (
        scoped(Visit, user)
        .filter(channel=Channel.WALK_IN, status=VisitStatus.WAITING)
        .select_related("customer")
        .order_by("arrived_at", "id")
    )

    def item(v: Visit) -> Item:
        name = v.customer.name if v.customer else (v.contact_name or _("(not given)"))
        minutes = _minutes(v.arrived_at, now)
        return Item(
            label=" ".join(filter(None, [v.queue_number, name])),
            url=reverse("intake:board"),
            detail=f"{v.get_purpose_display()} · "
            + ngettext("waiting %(n)d min", "waiting %(n)d min", minutes) % {"n": minutes},
            urgent=minutes >= 15,
        )

    return _card(
        "arrivals",
        _("Arrivals waiting"),
        reverse("intake:board"),
        _("Nobody is waiting at the desk. Arrivals registered on the reception board appear here."),
        visits,
        item,
    )


def _quotes(user: AnyUser, now: dt.datetime) -> Card:
    return _card(
        "quotes",
        _("Quotes awaiting the customer"),
        _list_url(status=TicketStatus.AWAITING_APPROVAL),
        _("No quote waits. Out-of-warranty repairs appear here until the customer decides."),
        _tickets(user, TicketStatus.AWAITING_APPROVAL),
        _ticket_item(now),
    )


def _waiting_parts(user: AnyUser, now: dt.datetime) -> Card:
    """rules#parts: tickets waiting for parts, the longest waiting first, with the expected
    date (late ones flagged)."""
    queryset = (
        tickets.ticket_list(user=user)
        .filter(status=TicketStatus.WAITING_PARTS)
        .order_by("waiting_parts_since", "id")
    )
    today = timezone.localdate(now)

    def item(t: RepairTicket) -> Item:
        entry = _ticket_item(now)(t)
        expected = t.parts_expected_on
        if expected is not None:
            entry.flag = _("parts expected %(date)s") % {"date": f"{expected:%Y-%m-%d}"}
            entry.urgent = entry.urgent or expected < today
        return entry

    return _card(
        "waiting_parts",
        _("Waiting for parts"),
        _list_url(status=TicketStatus.WAITING_PARTS, sort="oldest"),
        _("No repair waits for parts. Repairs whose parts are out of stock appear here."),
        queryset,
        item,
    )


def _retests(user: AnyUser, now: dt.datetime) -> Card:
    return _card(
        "retests",
        _("Retests to do"),
        _list_url(status=TicketStatus.QUALITY_CHECK),
        _("No retest waits. Repaired devices appear here for the retest before pickup."),
        _tickets(user, TicketStatus.QUALITY_CHECK),
        _ticket_item(now),
    )


def _ready(user: AnyUser, now: dt.datetime, points: list[ServicePoint] | None = None) -> Card:
    queryset = (
        tickets.ticket_list(user=user).filter(status=TicketStatus.READY).order_by("ready_at", "id")
    )
    rows, total = _rows(queryset)
    make = _ticket_item(now, since="ready_at")
    items = []
    for t in rows:
        entry = make(t)
        if t.ready_at and (now - t.ready_at).days >= t.point.pickup_overdue_days:
            entry.flag, entry.urgent = _("overdue for pickup"), True
        items.append(entry)
    overdue = tickets.ticket_list(user=user).filter(
        tickets.pickup_overdue(user=user, now=now, points=points)
    )
    card = Card(
        "ready",
        _("Ready for pickup"),
        _list_url(status=TicketStatus.READY, sort="oldest"),
        _("Nothing is ready for pickup. Repaired devices that passed the retest appear here."),
        total,
        items,
    )
    card.extra.append(
        (
            _("overdue for pickup"),
            overdue.count(),
            _list_url(status=TicketStatus.READY, overdue="1"),
        )
    )
    return card


def _slip_item(s: MessageSlip) -> Item:
    return Item(
        label=s.caller_name,
        url=reverse("intake:slip_queue") + f"?mine=1#slip-{s.pk}",
        detail=_("call back by %(time)s")
        % {"time": timezone.localtime(s.callback_due_at).strftime("%Y-%m-%d %H:%M")},
        urgent=s.callback_due_at < timezone.now(),
    )


def _my_slips(user: AnyUser, title: str, *, taken_too: bool = False) -> Card:
    mine = Q(addressee=user) | Q(taken_by=user) if taken_too else Q(addressee=user)
    slips = (
        scoped(MessageSlip, user)
        .filter(mine, status=SlipStatus.OPEN)
        .order_by("callback_due_at", "id")
    )
    return _card(
        "slips",
        title,
        reverse("intake:slip_queue") + "?mine=1",
        _("No message slip waits for you. Slips addressed to you appear here."),
        slips,
        _slip_item,
    )


def _my_queue(user: AnyUser, now: dt.datetime) -> Card:
    queryset = (
        tickets.ticket_list(user=user)
        .filter(technician_id=user.pk, status__in=[TicketStatus.DIAGNOSING, TicketStatus.REPAIRING])
        .order_by("-customer_waits", "created_at", "id")
    )
    rows, total = _rows(queryset)
    notes = tickets.failed_retest_notes(tickets=rows)
    make = _ticket_item(now)
    items = []
    for t in rows:
        entry = make(t)
        if t.pk in notes:
            entry.flag = _("retest failed: %(reason)s") % {"reason": notes[t.pk] or "—"}
            entry.urgent = True
        items.append(entry)
    return Card(
        "my_queue",
        _("My queue"),
        _list_url(mine="1"),
        _("Nothing in your hands. Tickets you start diagnosing appear here."),
        total,
        items,
    )


def _to_diagnose(user: AnyUser, now: dt.datetime) -> Card:
    return _card(
        "to_diagnose",
        _("To diagnose"),
        _list_url(status=TicketStatus.REGISTERED, sort="oldest"),
        _("No new repair waits for diagnosis. Repair records opened at the desk appear here."),
        _tickets(user, TicketStatus.REGISTERED),
        _ticket_item(now),
    )
