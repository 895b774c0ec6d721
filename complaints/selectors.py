"""Complaint reads, scoped to the user (rules#complaints)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, F, Q, QuerySet

from complaints.models import CompensationOffer, Complaint, OfferStatus, Stage
from servicedesk.models import Role
from servicedesk.tenancy import scoped, user_role

if TYPE_CHECKING:
    from servicedesk.types import AnyUser

OPEN_STAGES = [Stage.RECEIVED, Stage.CLARIFIED, Stage.PROPOSED, Stage.RESOLVED, Stage.FOLLOWED_UP]


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
