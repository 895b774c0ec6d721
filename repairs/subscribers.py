"""What repairs adds to the lower apps' pages and requests, through typed events
(subscribed in ``RepairsConfig.ready``): the customer's repair records, the desk search by ticket
number, the caller's open tickets, the repair records' part of a data-protection request, and
the tickets a delivery of parts resumes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import ngettext

from intake import app_events as intake_events
from intake.models import Customer
from intake.services.privacy import signature_reference, when
from parts import app_events as parts_events
from repairs.actions.base import ticket_resume_if_covered, waiting_tickets_lock
from repairs.models import (
    OPEN_STATUSES,
    Quote,
    RepairTicket,
    SanbaoDecision,
    SatisfactionCard,
    WarrantyStatus,
)
from servicedesk import events
from servicedesk.events import Found, Panel
from servicedesk.models import Notification
from servicedesk.tenancy import scoped

if TYPE_CHECKING:
    from servicedesk.models import AuditLog
    from servicedesk.types import Actor, AnyUser


#: What a ticket number typed into the desk search looks like (BJ01-000123).
TICKET_NUMBER_RE = r"^[A-Za-z0-9]{2,16}-\d{1,9}$"


def subscribe() -> None:
    intake_events.on_customer_panels.subscribe(customer_tickets_panel)
    intake_events.on_customer_search.subscribe(customers_by_ticket_number)
    intake_events.on_customer_open_work.subscribe(open_tickets_by_customer)
    intake_events.on_visit_records.subscribe(tickets_of_visits)
    intake_events.on_records_found.subscribe(tickets_found)
    intake_events.on_customer_data.subscribe(customer_data)
    intake_events.on_customer_erased.subscribe(customer_erased)
    events.on_audit_words.subscribe(audit_words)
    intake_events.on_customer_merged.subscribe(customer_merged)
    parts_events.on_delivery_waiting_tickets.subscribe(tickets_waiting_for_part)
    parts_events.on_delivery_resumes.subscribe(ticket_resumed_by_delivery)


def customer_tickets_panel(*, user: AnyUser, customer: Customer) -> Panel:
    tickets = list(
        scoped(RepairTicket, user)
        .filter(customer=customer)
        .select_related("device", "repeat_of")
        .order_by("-created_at")[:100]
    )
    return Panel(
        template="repairs/_customer_tickets.html",
        context={"tickets": tickets},
        order=10,
        summary=ngettext("%(n)d repair record", "%(n)d repair records", len(tickets))
        % {"n": len(tickets)},
    )


def customers_by_ticket_number(*, user: AnyUser, text: str) -> QuerySet | None:
    import re

    if not re.match(TICKET_NUMBER_RE, text):
        return None
    return scoped(RepairTicket, user).filter(number=text.upper()).values("customer_id")


def tickets_found(*, user: AnyUser, text: str) -> list[Found] | None:
    """The ticket a number names (any case, with or without the dash), or an IMEI's tickets."""
    from django.urls import reverse

    from repairs.selectors import ticket_list, ticket_number_candidates

    compact = "".join(ch for ch in text if ch not in " -")
    if compact.isascii() and compact.isdigit() and len(compact) == 15:
        query = ticket_list(user=user).filter(device__imei=compact)
    elif candidates := ticket_number_candidates(text):
        query = ticket_list(user=user).filter(number__in=candidates)
    else:
        return None
    return [
        Found(
            label=t.number,
            url=reverse("repairs:ticket_detail", args=[t.pk]),
            detail=f"{t.customer.name} · {t.device.model_name} · {t.get_status_display()}",
        )
        for t in query.order_by("-created_at", "-id")[:10]
    ]


def open_tickets_by_customer(*, user: AnyUser, customer_ids: list[int]) -> dict[int, list]:
    """The open tickets of a few customers (the hotline's caller card), in one query."""
    found: dict[int, list] = {pk: [] for pk in customer_ids}
    for ticket in (
        scoped(RepairTicket, user)
        .filter(customer_id__in=customer_ids, status__in=sorted(OPEN_STATUSES))
        .select_related("device")
        .order_by("-created_at")[:50]
    ):
        found[ticket.customer_id].append(ticket)
    return found


def tickets_of_visits(*, user: AnyUser, visit_ids: list[int]) -> dict[int, list[Found]]:
    """The repair record each visit ended with (the reception board's served list), in one
    query."""
    found: dict[int, list[Found]] = {}
    if not visit_ids:
        return found
    for ticket in (
        scoped(RepairTicket, user)
        .filter(visit_id__in=visit_ids)
        .only("id", "number", "status", "visit_id")
        .order_by("created_at", "id")
    ):
        if ticket.visit_id is None:  # excluded by the filter; for the type checker
            continue
        found.setdefault(ticket.visit_id, []).append(
            Found(
                label=ticket.number,
                url=reverse("repairs:ticket_detail", args=[ticket.pk]),
                detail=ticket.get_status_display(),
            )
        )
    return found


def customer_data(*, customer: Customer) -> dict[str, list]:
    tickets = (
        RepairTicket.objects.filter(customer=customer)
        .select_related("device", "quote", "payment", "satisfaction", "sanbao")
        .prefetch_related("part_lines", "notifications")
        .order_by("created_at", "pk")
    )
    return {"repair_tickets": [_ticket(ticket) for ticket in tickets]}


def customer_erased(*, customer: Customer) -> dict[str, int]:
    """The customer's words, numbers and signatures leave the repair records; the records stay
    with their dates, states and fees."""
    tickets = RepairTicket.objects.filter(customer=customer)
    count = tickets.count()
    tickets.update(
        fault_description="",
        contact_phone="",
        purchase_place="",
        pickup_signature_png=None,
    )
    Quote.objects.filter(ticket__customer=customer).update(signature_png=None)
    SanbaoDecision.objects.filter(ticket__customer=customer).update(signature_png=None)
    SatisfactionCard.objects.filter(ticket__customer=customer).update(comment="")
    Notification.objects.filter(ticket__customer=customer).update(to="", text="")
    return {"repair_tickets": count}


def _one(obj: RepairTicket, name: str) -> Any:
    try:
        return getattr(obj, name)
    except Exception:  # a missing one-to-one row (no quote, no payment, no card)
        return None


def _ticket(ticket: RepairTicket) -> dict:
    quote, payment, card, sanbao = (
        _one(ticket, "quote"),
        _one(ticket, "payment"),
        _one(ticket, "satisfaction"),
        _one(ticket, "sanbao"),
    )
    return {
        "number": ticket.number,
        "status": ticket.status,
        "created_at": when(ticket.created_at),
        "ready_at": when(ticket.ready_at),
        "handed_over_at": when(ticket.handed_over_at),
        "device": {"model": ticket.device.model_name, "imei": ticket.device.imei},
        "fault_description": ticket.fault_description,
        "accessories": ticket.accessories,
        "condition": ticket.condition,
        "contact_phone": ticket.contact_phone,
        "purchase_date": when(ticket.purchase_date),
        "purchase_place": ticket.purchase_place,
        "warranty_status": ticket.warranty_status,
        "warranty_reason": ticket.warranty_reason_text,
        "fault_confirmed": ticket.fault_confirmed,
        "repair_method": ticket.repair_method,
        "labor_fee": str(ticket.labor_fee) if ticket.labor_fee is not None else None,
        "parts": [
            {"name": line.name, "quantity": line.quantity, "unit_price": str(line.unit_price)}
            for line in ticket.part_lines.all()
        ],
        "quote": quote
        and {
            "decision": quote.decision,
            "decided_at": when(quote.decided_at),
            "consent": quote.consent_kind,
            "signature": signature_reference(quote.signature_png),
        },
        "pickup_signature": signature_reference(ticket.pickup_signature_png),
        "sanbao": sanbao
        and {
            "choice": sanbao.choice,
            "reason": sanbao.reason,
            "replacement_model": sanbao.replacement_model,
            "replacement_imei": sanbao.replacement_imei,
            "refund_reference": sanbao.refund_reference,
            "decided_at": when(sanbao.decided_at),
            "signature": signature_reference(sanbao.signature_png),
        },
        "payment": payment
        and {
            "amount_due": str(payment.amount_due),
            "amount_received": str(payment.amount_received),
            "invoice_number": payment.invoice_number,
            "received_at": when(payment.received_at),
        },
        "satisfaction_card": card
        and {"rating": card.rating, "comment": card.comment, "declined": card.declined},
        "messages_sent": [
            {"to": n.to, "text": n.text, "status": n.status, "sent_at": when(n.sent_at)}
            for n in ticket.notifications.all()
        ],
    }


def audit_words(*, entry: AuditLog) -> str | None:
    """A warranty override on the audit page: the ticket and the decisions in words."""
    if entry.action != "ticket.warranty_overridden":
        return None
    detail = entry.detail or {}
    words = dict(WarrantyStatus.choices)
    number = entry.summary.partition(":")[0]
    before, after = detail.get("before", ""), detail.get("after", "")
    return f"{number}: {words.get(before, before)} → {words.get(after, after)}"


def customer_merged(*, kept: Customer, duplicate: Customer) -> dict[str, int]:
    """Two records of one customer merged: this app's rows of the duplicate move to the kept."""
    return {"repair_tickets": RepairTicket.objects.filter(customer=duplicate).update(customer=kept)}


def tickets_waiting_for_part(*, point_id: int, part_id: int) -> list[RepairTicket]:
    """rules#parts: the point's tickets waiting for the delivered part, locked, oldest first."""
    return waiting_tickets_lock(point_id=point_id, part_id=part_id)


def ticket_resumed_by_delivery(*, ticket: RepairTicket, actor: Actor, now: dt.datetime) -> bool:
    """rules#parts: a waiting ticket takes the delivered parts and moves on once none is short."""
    return ticket_resume_if_covered(ticket=ticket, actor=actor, now=now)
