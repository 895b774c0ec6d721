"""Reads of repair records, scoped to the user's points."""

from __future__ import annotations

from django.db.models import QuerySet

from repairs.models import RepairTicket
from servicedesk.tenancy import scoped


def ticket_list(*, user) -> QuerySet[RepairTicket]:
    return scoped(RepairTicket, user).select_related("customer", "device", "point")


def ticket_earlier_repairs(*, user, ticket: RepairTicket) -> QuerySet[RepairTicket]:
    """The device's earlier tickets at this point (for repeat repairs, DOMAIN 2)."""
    return (
        scoped(RepairTicket, user)
        .filter(device=ticket.device, created_at__lt=ticket.created_at)
        .order_by("-created_at")[:10]
    )


def technician_queue(*, user) -> QuerySet[RepairTicket]:
    """Tickets waiting for a technician, oldest first (DOMAIN 2 step 4)."""
    from repairs.models import TicketStatus

    return (
        scoped(RepairTicket, user)
        .filter(
            status__in=[TicketStatus.REGISTERED, TicketStatus.DIAGNOSING, TicketStatus.REPAIRING]
        )
        .select_related("customer", "device", "technician__staff_profile")
        .order_by("created_at", "id")
    )


def ticket_timeline(*, ticket: RepairTicket):
    return ticket.events.select_related("actor__staff_profile").order_by("at", "id")
