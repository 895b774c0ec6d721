"""Complaint reads, scoped to the user (rules#complaints)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, F, Min, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from complaints import transitions
from complaints.models import UNRESOLVED_STAGES, CompensationOffer, Complaint, OfferStatus, Stage
from intake.models import Customer
from intake.selectors import customer_search
from repairs.models import RepairTicket
from servicedesk.models import Role, StateChange
from servicedesk.tenancy import scoped, user_role

if TYPE_CHECKING:
    from collections.abc import Iterable

    from servicedesk.models import ServicePoint
    from servicedesk.types import AnyUser

OPEN_STAGES = [*UNRESOLVED_STAGES, Stage.RESOLVED, Stage.FOLLOWED_UP]


def complaint_queue(*, user: AnyUser) -> QuerySet[Complaint]:
    """Open complaints the user may see, overdue ones first."""
    return (
        scoped(Complaint, user)
        .filter(stage__in=OPEN_STAGES)
        .select_related(
            "customer", "owner__staff_profile", "category", "point", "escalated_to__staff_profile"
        )
        .order_by(F("overdue_since").asc(nulls_last=True), "promised_reply_at", "-created_at")
    )


def with_pending_offers(queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return queryset.annotate(pending_offers=Count("offers", filter=Q(offers__status="pending")))


def offers_awaiting_decision(*, user: AnyUser) -> QuerySet[CompensationOffer]:
    """rules#complaints: the pending compensation offers that this user's role may approve,
    oldest first (an offer above the user's level waits for the next level)."""
    from complaints.services import LEVEL_ORDER  # the authority levels live with the rule

    role = user_role(user)
    offers = scoped(CompensationOffer, user).filter(status=OfferStatus.PENDING)
    if role != Role.ADMIN:
        if role not in LEVEL_ORDER:
            return offers.none()
        offers = offers.filter(needs_role__in=LEVEL_ORDER[: LEVEL_ORDER.index(role) + 1])
    return offers.select_related("complaint__customer", "offered_by__staff_profile").order_by(
        "created_at", "id"
    )


def queue_counts(queryset: QuerySet[Complaint]) -> dict:
    return queryset.order_by().aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(overdue_since__isnull=False)),
        escalated=Count("pk", filter=Q(escalated_at__isnull=False)),
        received=Count("pk", filter=Q(stage=Stage.RECEIVED)),
    )


def complaint_detail(*, user: AnyUser, pk: int) -> QuerySet[Complaint]:
    return scoped(Complaint, user).select_related(
        "customer",
        "owner__staff_profile",
        "category",
        "difficult_type",
        "visit",
        "ticket",
        "escalated_to__staff_profile",
        "point",
    )


#: How many of a customer's latest repair records the complaint form offers to link.
RECENT_TICKETS = 5
#: How many customers the complaint form's search lists (a short list to pick from).
SEARCH_RESULTS = 8


def customer_picks(
    *, user: AnyUser, point: ServicePoint, customers: Iterable[Customer]
) -> list[tuple[Customer, list[RepairTicket]]]:
    """Each customer with their latest repair records at ``point``, to link the complaint to the
    one it is about. One query for the records of all of them."""
    customers = list(customers)
    ranked = (
        scoped(RepairTicket, user)
        .filter(point=point, customer_id__in=[c.pk for c in customers])
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("customer_id")], order_by=F("created_at").desc()
            )
        )
        .select_related("device")
    )
    tickets: dict[int, list[RepairTicket]] = {c.pk: [] for c in customers}
    for ticket in ranked.filter(rank__lte=RECENT_TICKETS).order_by("customer_id", "rank"):
        tickets[ticket.customer_id].append(ticket)
    return [(c, tickets[c.pk]) for c in customers]


def complaint_customer_search(
    *, user: AnyUser, point: ServicePoint, query: str
) -> list[tuple[Customer, list[RepairTicket]]]:
    """rules#intake search (a phone, its last four digits, a name, a ticket number) within the
    point, for the complaint form; at most ``SEARCH_RESULTS`` customers with their latest
    repair records."""
    found = customer_search(user=user, query=query, limit=SEARCH_RESULTS)
    return customer_picks(
        user=user, point=point, customers=[c for c in found if c.point_id == point.pk]
    )


def complaint_stage_bar(*, complaint: Complaint) -> list[dict]:
    """The stages of rules#complaints in order: each done (with when it was reached), current,
    or still ahead. The times come from the state machine's own record of each move."""
    reached = dict(
        StateChange.objects.filter(machine=transitions.MACHINE.name, object_id=complaint.pk)
        .values_list("to_state")
        .annotate(first=Min("at"))
        .order_by()
    )
    reached[Stage.RECEIVED] = complaint.created_at
    order = list(Stage)
    current = order.index(Stage(complaint.stage))
    return [
        {
            "stage": stage,
            "label": stage.label,
            "state": "done" if i < current else "current" if i == current else "ahead",
            "at": reached.get(stage) if i <= current else None,
        }
        for i, stage in enumerate(order)
    ]
