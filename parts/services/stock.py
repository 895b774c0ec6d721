"""Spare-parts stock per point (rules#parts): reserving for a diagnosis, consuming at "repair
done", releasing when the repair does not happen, receiving deliveries, counting and adjusting.

Every change locks the part's ``PartStock`` row (``select_for_update``, in part order so two
tickets never wait on each other), writes one ``StockMovement`` and relies on the table's check
constraints as the last word: a count can never go below zero, even when two technicians take
the last part at the same moment (the second one finds it reserved and is told so)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from parts import app_events
from parts.models import DefectivePart, MovementKind, Part, PartLine, PartStock, StockMovement
from servicedesk import audit
from servicedesk.idempotency import made_before
from servicedesk.models import ServicePoint

if TYPE_CHECKING:
    from repairs.models import RepairTicket
    from servicedesk.types import Actor

#: The repair record's "out of warranty" decision (``repairs.models.WarrantyStatus``): a part
#: replaced in a paid repair stays with the customer, not with the brand.
OUT_OF_WARRANTY = "out_of_warranty"


#: Return batches whose pieces are still at the point (counted in the defective stock).
UNSHIPPED = ("collected", "packed")


class AdjustKind:
    """What a count or an adjustment does (the form's choices)."""

    COUNT = "count"  # the counted number replaces what is on hand
    DEFECTIVE = "defective"  # usable parts found defective: set aside
    DEFECTIVE_OUT = "defective_out"  # defective parts sent back or scrapped
    LEVEL = "level"  # the reorder level


def lock_stock(*, point: ServicePoint, part_ids: Iterable[int]) -> dict[int, PartStock]:
    """The stock rows of ``part_ids`` at ``point``, created when missing, locked in part order."""
    ids = sorted(set(part_ids))
    if not ids:
        return {}
    PartStock.objects.bulk_create(
        [PartStock(point=point, part_id=pk) for pk in ids], ignore_conflicts=True
    )
    rows = PartStock.objects.select_for_update().filter(point=point, part_id__in=ids)
    return {row.part_id: row for row in rows.order_by("part_id")}


def _movement(
    *,
    stock: PartStock,
    kind: str,
    quantity: int,
    actor: Actor | None,
    now: dt.datetime,
    ticket: RepairTicket | None = None,
    reason: str = "",
    token: uuid.UUID | None = None,
) -> StockMovement:
    return StockMovement.objects.create(
        form_token=token,
        point_id=stock.point_id,
        part_id=stock.part_id,
        kind=kind,
        quantity=quantity,
        ticket=ticket,
        reason=reason[:255],
        by=actor if getattr(actor, "pk", None) else None,
        at=now,
    )


def _open_lines(ticket: RepairTicket) -> list[PartLine]:
    return list(
        PartLine.objects.select_for_update()
        .filter(ticket=ticket, part__isnull=False, consumed=0)
        .order_by("part_id", "id")
    )


def ticket_reserve_parts(*, ticket: RepairTicket, actor: Actor | None, now: dt.datetime) -> int:
    """rules#parts: the diagnosis reserves the parts it lists, as far as the stock's free parts
    go. Returns how many are still short (the ticket then waits for parts)."""
    lines = _open_lines(ticket)
    stock = lock_stock(
        point=ticket.point, part_ids=[line.part_id for line in lines if line.part_id]
    )
    short = 0
    for line in lines:
        row = stock[line.part_id or 0]
        take = min(row.free, line.quantity - line.reserved)
        if take > 0:
            row.reserved += take
            row.save(update_fields=["reserved"])
            line.reserved += take
            line.save(update_fields=["reserved"])
            _movement(
                stock=row,
                kind=MovementKind.RESERVE,
                quantity=take,
                actor=actor,
                now=now,
                ticket=ticket,
            )
        short += line.quantity - line.reserved
    return short


def ticket_release_parts(
    *, ticket: RepairTicket, actor: Actor | None, now: dt.datetime, reason: str = ""
) -> int:
    """rules#parts: a repair that will not happen (quote refused, device returned) gives its
    reserved parts back to the stock. Returns how many were released."""
    lines = [line for line in _open_lines(ticket) if line.reserved]
    stock = lock_stock(
        point=ticket.point, part_ids=[line.part_id for line in lines if line.part_id]
    )
    released = 0
    for line in lines:
        row = stock[line.part_id or 0]
        row.reserved -= line.reserved
        row.save(update_fields=["reserved"])
        _movement(
            stock=row,
            kind=MovementKind.RELEASE,
            quantity=line.reserved,
            actor=actor,
            now=now,
            ticket=ticket,
            reason=reason,
        )
        released += line.reserved
        line.reserved = 0
        line.save(update_fields=["reserved"])
    return released


def ticket_consume_parts(*, ticket: RepairTicket, actor: Actor | None, now: dt.datetime) -> int:
    """rules#parts: "repair done" takes the reserved parts out of the stock (what is still
    unreserved is reserved first, if the stock has it)."""
    ticket_reserve_parts(ticket=ticket, actor=actor, now=now)
    lines = _open_lines(ticket)
    stock = lock_stock(
        point=ticket.point, part_ids=[line.part_id for line in lines if line.part_id]
    )
    # rules#parts (旧件返还): a part the brand wants back, replaced under warranty, goes into
    # the defective stock with its repair record, one row per piece, for the next return batch.
    returned = (
        set(
            Part.objects.filter(
                pk__in=[line.part_id for line in lines], must_return=True
            ).values_list("pk", flat=True)
        )
        if lines and ticket.warranty_status != OUT_OF_WARRANTY
        else set()
    )
    pieces: list[DefectivePart] = []
    used = 0
    for line in lines:
        if line.reserved < line.quantity:
            raise ValidationError(
                _("%(part)s is not in stock yet: the repair cannot be done without it.")
                % {"part": line.name}
            )
        row = stock[line.part_id or 0]
        row.reserved -= line.reserved
        row.on_hand -= line.reserved
        if line.part_id in returned:
            row.defective += line.reserved
            pieces += [
                DefectivePart(point_id=row.point_id, part_id=line.part_id, ticket=ticket, at=now)
                for _piece in range(line.reserved)
            ]
        row.save(update_fields=["reserved", "on_hand", "defective"])
        _movement(
            stock=row,
            kind=MovementKind.CONSUME,
            quantity=-line.reserved,
            actor=actor,
            now=now,
            ticket=ticket,
        )
        used += line.reserved
        line.consumed, line.reserved = line.reserved, 0
        line.save(update_fields=["consumed", "reserved"])
    DefectivePart.objects.bulk_create(pieces)
    return used


def _already_done(point: ServicePoint, token: uuid.UUID | None) -> bool:
    """The same form sent again (a double click, a resent page): checked under the stock row's
    lock, so the second of two at once sees the first one's movement."""
    return made_before(model=StockMovement, point=point, token=token) is not None


def _part_of(point: ServicePoint, part: Part) -> Part:
    if part.point_id != point.pk:
        raise ValidationError({"part": [_("This part is not on this point's price list.")]})
    return part


@transaction.atomic
def stock_receive(
    *,
    point: ServicePoint,
    actor: Actor,
    part: Part,
    quantity: int,
    reference: str = "",
    token: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> list[RepairTicket]:
    """rules#parts: a delivery adds to the stock; the tickets waiting for this part (oldest
    first) take what they miss, and each one no longer short moves on to repairing. Returns the
    tickets that moved on."""
    now = now or timezone.now()
    _part_of(point, part)
    if not 1 <= quantity <= 9999:
        raise ValidationError({"quantity": [_("A delivery is from 1 to 9999 parts.")]})
    # The waiting tickets are locked before the stock row, the order every ticket move uses.
    waiting = app_events.delivery_waiting_tickets(point_id=point.pk, part_id=part.pk)
    row = lock_stock(point=point, part_ids=[part.pk])[part.pk]
    if _already_done(point, token):
        return []
    row.on_hand += quantity
    row.save(update_fields=["on_hand"])
    _movement(
        stock=row,
        kind=MovementKind.RECEIVE,
        quantity=quantity,
        actor=actor,
        now=now,
        reason=reference,
        token=token,
    )
    audit.audit_stock_received(actor=actor, point=point, part=part, quantity=quantity)
    return [t for t in waiting if app_events.delivery_resumes(ticket=t, actor=actor, now=now)]


@transaction.atomic
def stock_adjust(
    *,
    point: ServicePoint,
    actor: Actor,
    part: Part,
    kind: str,
    quantity: int,
    reason: str,
    token: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> PartStock:
    """rules#parts: a count, a defective part set aside or sent back, or a new reorder level;
    always with a reason, and audited."""
    now = now or timezone.now()
    _part_of(point, part)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the stock changes.")]})
    if not 0 <= quantity <= 99999:
        raise ValidationError({"quantity": [_("Enter a number from 0 to 99999.")]})
    row = lock_stock(point=point, part_ids=[part.pk])[part.pk]
    if _already_done(point, token):
        return row
    before = {"on_hand": row.on_hand, "defective": row.defective, "level": row.reorder_level}
    if kind == AdjustKind.COUNT:
        if quantity < row.reserved:
            raise ValidationError(
                {
                    "quantity": [
                        _(
                            "%(reserved)s of these are reserved for repairs: release them "
                            "before counting fewer."
                        )
                        % {"reserved": row.reserved}
                    ]
                }
            )
        change, row.on_hand = quantity - row.on_hand, quantity
        movement_kind = MovementKind.ADJUST
    elif kind == AdjustKind.DEFECTIVE:
        if quantity < 1 or quantity > row.free:
            raise ValidationError(
                {"quantity": [_("Only %(free)s are free to set aside.") % {"free": row.free}]}
            )
        row.on_hand -= quantity
        row.defective += quantity
        change, movement_kind = -quantity, MovementKind.DEFECTIVE
    elif kind == AdjustKind.DEFECTIVE_OUT:
        # The pieces the brand wants back leave only in a return batch (rules#parts).
        kept = (
            DefectivePart.objects.filter(point=point, part=part)
            .filter(Q(batch__isnull=True) | Q(batch__status__in=UNSHIPPED))
            .count()
        )
        if quantity < 1 or quantity > row.defective - kept:
            raise ValidationError(
                {
                    "quantity": [
                        _(
                            "Only %(defective)s defective parts are held outside return "
                            "batches (%(kept)s go back to the brand in a batch)."
                        )
                        % {"defective": row.defective - kept, "kept": kept}
                    ]
                }
            )
        row.defective -= quantity
        change, movement_kind = 0, MovementKind.DEFECTIVE
    elif kind == AdjustKind.LEVEL:
        row.reorder_level = quantity
        change, movement_kind = 0, MovementKind.ADJUST
    else:
        raise ValidationError({"kind": [_("Choose what you are doing.")]})
    row.save(update_fields=["on_hand", "defective", "reorder_level"])
    _movement(
        stock=row,
        kind=movement_kind,
        quantity=change,
        actor=actor,
        now=now,
        reason=f"{kind}: {reason.strip()}",
        token=token,
    )
    audit.audit_stock_adjusted(
        actor=actor,
        point=point,
        part=part,
        kind=kind,
        before=before,
        after={"on_hand": row.on_hand, "defective": row.defective, "level": row.reorder_level},
        reason=reason.strip(),
    )
    return row
