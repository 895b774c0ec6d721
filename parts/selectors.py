"""Reads of the parts stock, the defective stock and the return batches, scoped to the user's
points."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Model, QuerySet

from parts.models import Part, PartLine, ReturnBatch
from servicedesk.tenancy import scoped

if TYPE_CHECKING:
    from servicedesk.types import AnyUser

#: The repair record's "waiting for parts" state (``repairs.models.TicketStatus``).
WAITING_PARTS = "waiting_parts"


def part_stock_list(*, user: AnyUser) -> QuerySet[Part]:
    """rules#parts: the active parts of the user's points with their stock (zero where the point
    never held any) and what the tickets waiting for them still miss; one query."""
    from django.db.models import F, IntegerField, OuterRef, Subquery, Sum
    from django.db.models.functions import Coalesce

    missing = (
        PartLine.objects.filter(part=OuterRef("pk"), consumed=0, ticket__status=WAITING_PARTS)
        .values("part")
        .annotate(missing=Sum(F("quantity") - F("reserved")))
        .values("missing")
    )
    return (
        scoped(Part, user)
        .filter(is_active=True)
        .select_related("point")
        .annotate(
            on_hand=Coalesce("stock__on_hand", 0),
            held=Coalesce("stock__reserved", 0),
            defective=Coalesce("stock__defective", 0),
            level=Coalesce("stock__reorder_level", 0),
            waiting_short=Coalesce(Subquery(missing, output_field=IntegerField()), 0),
        )
        .annotate(free=F("on_hand") - F("held"))
        .order_by("point__code", "code")
    )


def reorder_list(*, user: AnyUser) -> QuerySet[Part]:
    """rules#parts: what to order: up to the reorder level, plus what waiting tickets miss."""
    from django.db.models import F
    from django.db.models.functions import Greatest

    return (
        part_stock_list(user=user)
        .annotate(to_order=Greatest(F("level") - F("free"), 0) + F("waiting_short"))
        .filter(to_order__gt=0)
    )


def stock_movements(*, user: AnyUser) -> QuerySet[Any]:
    """The latest stock movements of the user's points (who, what, why, which ticket)."""
    from parts.models import StockMovement

    return (
        scoped(StockMovement, user)
        .select_related("part", "ticket", "by__staff_profile", "point")
        .order_by("-at", "-id")
    )


# --- defective parts back to the brand (旧件返还, rules#parts) --------------------------------


def defective_pieces_pending(*, user: AnyUser) -> QuerySet[Any]:
    """The defective parts of the user's points waiting for the next return batch, oldest
    first, with their repair record and part (one query)."""
    from parts.models import DefectivePart

    return (
        scoped(DefectivePart, user)
        .filter(batch__isnull=True)
        .select_related("part", "ticket", "point")
        .order_by("point__code", "at", "id")
    )


def defective_devices_pending(*, user: AnyUser) -> QuerySet[Any]:
    """The faulty devices of 三包 returns and exchanges of the user's points not yet in a batch."""
    from parts.models import DefectiveDevice, DefectiveStatus

    return (
        scoped(DefectiveDevice, user)
        .filter(batch__isnull=True, status=DefectiveStatus.IN_STOCK)
        .select_related("device", "ticket", "point")
        .order_by("point__code", "received_at", "id")
    )


def return_batch_list(*, user: AnyUser, status: str = "") -> QuerySet[Any]:
    """The return batches of the user's points, newest first, with how many parts and devices
    each holds (counted in subqueries: one query whatever the page shows)."""
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from parts.models import DefectiveDevice, DefectivePart

    def count_of(model: type[Model]) -> Coalesce:
        counted = (
            model._default_manager.filter(batch=OuterRef("pk"))
            .values("batch")
            .annotate(n=Count("id"))
            .values("n")
        )
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    batches = scoped(ReturnBatch, user)
    if status:
        batches = batches.filter(status=status)
    return (
        batches.select_related("point", "created_by__staff_profile")
        .annotate(piece_count=count_of(DefectivePart), device_count=count_of(DefectiveDevice))
        .order_by("-created_at", "-id")
    )


def return_batch_lines(*, batch: ReturnBatch) -> list[dict[str, Any]]:
    """The packing list's lines: per repair record and part, how many pieces (one query)."""
    from parts.models import DefectivePart

    lines: Any = (
        DefectivePart.objects.filter(batch=batch)
        .values("ticket_id", "ticket__number", "part__code", "part__name")
        .annotate(count=Count("id"))
        .order_by("ticket__number", "part__code")
    )
    return list(lines)


def return_batch_devices(*, batch: ReturnBatch) -> QuerySet[Any]:
    from parts.models import DefectiveDevice

    return (
        DefectiveDevice.objects.filter(batch=batch)
        .select_related("device", "ticket")
        .order_by("ticket__number")
    )
