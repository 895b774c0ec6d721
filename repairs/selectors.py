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
