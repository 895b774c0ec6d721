"""Reads for the front desk and the hotline, always scoped to the user's points."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from intake.models import Channel, Customer, Device, MessageSlip, Visit, VisitStatus
from intake.phones import normalize_phone
from repairs.models import OPEN_STATUSES, RepairTicket
from servicedesk.tenancy import scoped

TICKET_NUMBER_RE = re.compile(r"^[A-Za-z0-9]{2,16}-\d{1,9}$")


def customer_search(*, user, query: str, limit: int = 20) -> QuerySet[Customer]:
    """One search box (DOMAIN 2 step 3): phone, IMEI or serial, ticket number, or name.

    Each kind of query is an exact or prefix match on an indexed column, so the search stays
    fast at a million tickets."""
    text = (query or "").strip()[:64]
    customers = scoped(Customer, user)
    if not text:
        return customers.none()
    if TICKET_NUMBER_RE.match(text):
        ids = scoped(RepairTicket, user).filter(number=text.upper()).values("customer_id")
        return customers.filter(pk__in=ids)[:limit]
    digits = re.sub(r"[\s-]", "", text)
    if digits.isdigit() and len(digits) == 15:
        ids = scoped(Device, user).filter(imei=digits).values("customer_id")
        return customers.filter(pk__in=ids)[:limit]
    if digits.lstrip("+").isdigit() and len(digits) >= 7:
        try:
            phone = normalize_phone(text)
        except ValidationError:
            return customers.none()
        # Two index lookups, (point, phone) and (point, alt_phone); an OR of the two would scan.
        ids = _ids(customers.filter(phone=phone), limit) + _ids(
            customers.filter(alt_phone=phone), limit
        )
        return customers.filter(pk__in=ids).order_by("name", "pk")[:limit]
    # A name prefix (pattern-ops index on (point, name)) or a device serial number.
    ids = _ids(customers.filter(name__startswith=text), limit) + list(
        scoped(Device, user)
        .filter(serial_number=text.upper())
        .values_list("customer_id", flat=True)[:limit]
    )
    return customers.filter(pk__in=ids).order_by("name", "pk")[:limit]


def _ids(queryset: QuerySet, limit: int) -> list[int]:
    return list(queryset.order_by().values_list("pk", flat=True)[:limit])


def open_tickets_for_customer(*, user, customer: Customer) -> QuerySet[RepairTicket]:
    return (
        scoped(RepairTicket, user)
        .filter(customer=customer, status__in=sorted(OPEN_STATUSES))
        .select_related("device")
        .order_by("-created_at")
    )


def customer_history(*, user, customer: Customer) -> dict:
    """A customer's visits, calls and tickets on one page (and complaints when present)."""
    tickets = (
        scoped(RepairTicket, user)
        .filter(customer=customer)
        .select_related("device", "repeat_of")
        .order_by("-created_at")[:100]
    )
    visits = scoped(Visit, user).filter(customer=customer).order_by("-arrived_at")[:100]
    devices = scoped(Device, user).filter(customer=customer).order_by("-created_at")
    slips = scoped(MessageSlip, user).filter(customer=customer).select_related("addressee")[:50]
    from complaints.models import Complaint

    complaints = (
        scoped(Complaint, user)
        .filter(customer=customer)
        .select_related("category", "owner__staff_profile")
        .order_by("-created_at")[:50]
    )
    return {
        "tickets": tickets,
        "visits": visits,
        "devices": devices,
        "slips": slips,
        "complaints": complaints,
    }


def device_history(*, user, device: Device) -> QuerySet[RepairTicket]:
    return (
        scoped(RepairTicket, user)
        .filter(device=device)
        .select_related("customer", "repeat_of")
        .order_by("-created_at")
    )


def reception_board(*, user) -> dict:
    """Who is waiting and for how long: quick matters first, then by arrival (DOMAIN 2 step 1)."""
    visits = (
        scoped(Visit, user)
        .filter(channel=Channel.WALK_IN)
        .select_related("customer", "served_by__staff_profile")
    )
    return {
        "waiting": visits.filter(status=VisitStatus.WAITING).order_by("-is_quick", "arrived_at"),
        "serving": visits.filter(status=VisitStatus.SERVING).order_by("served_at"),
    }


def slip_queue(*, user, mine_only: bool) -> QuerySet[MessageSlip]:
    """Open message slips: the user's own, or (supervisors) every open slip of their points,
    overdue ones first."""
    from intake.models import SlipStatus

    slips = (
        scoped(MessageSlip, user)
        .filter(status=SlipStatus.OPEN)
        .select_related("addressee__staff_profile", "taken_by__staff_profile", "customer")
        .order_by("callback_due_at", "id")
    )
    return slips.filter(addressee=user) if mine_only else slips
