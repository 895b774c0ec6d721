"""Reads of repair records, scoped to the user's points."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from intake.models import Device
from repairs.models import RepairTicket, TicketEvent
from servicedesk.tenancy import scoped

if TYPE_CHECKING:
    from servicedesk.types import AnyUser


def ticket_list(*, user: AnyUser) -> QuerySet[RepairTicket]:
    return scoped(RepairTicket, user).select_related("customer", "device", "point")


def ticket_earlier_repairs(*, user: AnyUser, ticket: RepairTicket) -> QuerySet[RepairTicket]:
    """The device's earlier tickets at this point (for repeat repairs, rules#repair)."""
    return (
        scoped(RepairTicket, user)
        .filter(device=ticket.device, created_at__lt=ticket.created_at)
        .order_by("-created_at")[:10]
    )


def technician_queue(*, user: AnyUser) -> QuerySet[RepairTicket]:
    """Tickets waiting for a technician, oldest first (rules#repair)."""
    from repairs.models import TicketStatus

    return (
        scoped(RepairTicket, user)
        .filter(
            status__in=[TicketStatus.REGISTERED, TicketStatus.DIAGNOSING, TicketStatus.REPAIRING]
        )
        .select_related("customer", "device", "technician__staff_profile")
        .order_by("created_at", "id")
    )


def ticket_timeline(*, ticket: RepairTicket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related("actor__staff_profile").order_by("at", "id")


def ticket_public_status(*, number: str, last_four: str) -> RepairTicket | None:
    """Self-service status (no login): the ticket only when the number and the last four digits
    of the contact phone both match; otherwise None, whether or not the ticket exists."""
    from intake.phones import last_four as phone_last_four

    number = number.strip().upper()[:32]
    digits = "".join(ch for ch in last_four if ch.isdigit())
    if len(digits) != 4 or not number:
        return None
    ticket = RepairTicket.objects.select_related("point", "customer").filter(number=number).first()
    if ticket is None:
        return None
    phones = {phone_last_four(ticket.contact_phone), phone_last_four(ticket.customer.phone)}
    return ticket if digits in phones else None


def device_history(*, user: AnyUser, device: Device) -> QuerySet[RepairTicket]:
    """The device's repair records at the user's points, newest first."""
    return (
        scoped(RepairTicket, user)
        .filter(device=device)
        .select_related("customer", "repeat_of")
        .order_by("-created_at")
    )
