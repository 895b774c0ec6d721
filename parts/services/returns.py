"""Defective parts back to the brand (旧件返还, rules#parts): return batches.

A part the brand wants back (``Part.must_return``), replaced under warranty, is written into the
point's defective stock with its repair record when "repair done" consumes it
(``stock.ticket_consume_parts``); a faulty device a 三包 return or exchange took back is there too
(``DefectiveDevice``). A return batch collects everything not yet in a batch; the point packs it,
ships it with the carrier and the tracking number, and the regional center of the point's region
marks it received. Each move goes through ``transitions.RETURN_BATCH_MACHINE`` (role and state
checked, audited); the batch row is locked, so a double submit finds the move already made."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from parts import transitions
from parts.models import (
    DefectiveDevice,
    DefectivePart,
    DefectiveStatus,
    MovementKind,
    ReturnBatch,
    ReturnBatchStatus,
)
from parts.services.stock import _movement, lock_stock
from servicedesk import audit
from servicedesk.idempotency import create_once
from servicedesk.models import Role, ServicePoint
from servicedesk.permissions import has_role, require_point_role
from servicedesk.statemachine import SYSTEM
from servicedesk.tenancy import scope_for, user_role

if TYPE_CHECKING:
    from servicedesk.types import Actor

#: The longest carrier name and tracking number (the columns' lengths).
CARRIER_MAX = ReturnBatch._meta.get_field("carrier").max_length or 64
TRACKING_MAX = ReturnBatch._meta.get_field("tracking_number").max_length or 64


def _pending_pieces(point: ServicePoint) -> QuerySet[DefectivePart]:
    return DefectivePart.objects.filter(point=point, batch__isnull=True)


def _pending_devices(point: ServicePoint) -> QuerySet[DefectiveDevice]:
    return DefectiveDevice.objects.filter(
        point=point, batch__isnull=True, status=DefectiveStatus.IN_STOCK
    )


@transaction.atomic
def return_batch_create(
    *,
    point: ServicePoint,
    actor: Actor,
    token: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> ReturnBatch:
    """rules#parts: a return batch of every defective piece (and faulty device) of the point
    not yet in a batch. Refused when nothing waits; the form's token makes a resent form
    return the batch it made the first time."""
    require_point_role(actor, point, transitions.STOCK_KEEPERS)
    return create_once(
        model=ReturnBatch,
        point=point,
        token=token,
        create=lambda: _batch_create(
            point=point, actor=actor, token=token, now=now or timezone.now()
        ),
    )


def _batch_create(
    *, point: ServicePoint, actor: Actor, token: uuid.UUID | None, now: dt.datetime
) -> ReturnBatch:
    # The waiting pieces are locked: of two batches made at once, the second finds none.
    pieces = list(_pending_pieces(point).select_for_update().values_list("pk", flat=True))
    devices = list(_pending_devices(point).select_for_update().values_list("pk", flat=True))
    if not pieces and not devices:
        raise ValidationError(
            _(
                "Nothing waits to be returned: defective parts of warranty repairs and faulty "
                "devices of returns and exchanges appear here first."
            )
        )
    sequence = (ReturnBatch.objects.filter(point=point).aggregate(m=Max("sequence"))["m"] or 0) + 1
    try:
        with transaction.atomic():
            batch = ReturnBatch.objects.create(
                point=point,
                number=f"{point.code}-R{sequence:04d}",
                sequence=sequence,
                created_by=actor,
                created_at=now,
                form_token=token,
            )
    except IntegrityError as exc:  # the same number taken by a batch made at the same moment
        raise ValidationError(
            _("Another return batch was made at the same moment. Reload the page.")
        ) from exc
    DefectivePart.objects.filter(pk__in=pieces).update(batch=batch)
    DefectiveDevice.objects.filter(pk__in=devices).update(batch=batch)
    audit.audit_return_batch_created(
        actor=actor, batch=batch, pieces=len(pieces), devices=len(devices)
    )
    return batch


def _check_mover(actor: Actor, batch: ReturnBatch, action: str) -> None:
    """Packing and shipping are the point's; receiving is the regional center's, for the points
    of its region only (its one change of data)."""
    if action == "receive":
        if not has_role(actor, transitions.REGIONAL) or not scope_for(actor).allows(batch.point_id):
            raise PermissionDenied
    else:
        require_point_role(actor, batch.point, transitions.STOCK_KEEPERS)


@transaction.atomic
def return_batch_transition(
    *,
    batch: ReturnBatch,
    actor: Actor,
    action: str,
    carrier: str = "",
    tracking_number: str = "",
    now: dt.datetime | None = None,
) -> ReturnBatch:
    """rules#parts: pack, ship (carrier and tracking number) or receive a return batch. Shipping
    takes the batch's parts out of the point's defective stock; the receipt marks its faulty
    devices returned to the brand."""
    now = now or timezone.now()
    locked = ReturnBatch.objects.select_for_update().select_related("point").get(pk=batch.pk)
    _check_mover(actor, locked, action)
    role = user_role(actor)
    transitions.RETURN_BATCH_MACHINE.require(locked, action, role=role)
    note = ""
    if action == "pack":
        locked.packed_by, locked.packed_at = actor, now
    elif action == "ship":
        carrier, tracking_number = carrier.strip(), tracking_number.strip()
        errors: dict[str, list[str]] = {}
        if not carrier:
            errors["carrier"] = [_("Enter the carrier.")]
        elif len(carrier) > CARRIER_MAX:
            errors["carrier"] = [_("At most %(n)s characters.") % {"n": CARRIER_MAX}]
        if not tracking_number:
            errors["tracking_number"] = [_("Enter the tracking number.")]
        elif len(tracking_number) > TRACKING_MAX:
            errors["tracking_number"] = [_("At most %(n)s characters.") % {"n": TRACKING_MAX}]
        if errors:
            raise ValidationError(errors)
        locked.carrier, locked.tracking_number = carrier, tracking_number
        locked.shipped_by, locked.shipped_at = actor, now
        _take_out_of_stock(locked, actor, now)
        note = f"{carrier} {tracking_number}"
    elif action == "receive":
        locked.received_by, locked.received_at = actor, now
        for device in DefectiveDevice.objects.select_for_update().filter(
            batch=locked, status=DefectiveStatus.IN_STOCK
        ):
            transitions.DEFECTIVE_DEVICE_MACHINE.move(
                device, "returned_to_brand", actor=actor, role=SYSTEM, now=now
            )
            device.save(update_fields=["status"])
    transitions.RETURN_BATCH_MACHINE.move(
        locked, action, actor=actor, role=role, note=note, now=now
    )
    locked.save()
    return locked


def _take_out_of_stock(batch: ReturnBatch, actor: Actor, now: dt.datetime) -> None:
    """The shipped parts leave the point: its defective count falls by what the batch holds."""
    counts = Counter(DefectivePart.objects.filter(batch=batch).values_list("part_id", flat=True))
    stock = lock_stock(point=batch.point, part_ids=counts)
    for part_id, count in sorted(counts.items()):
        row = stock[part_id]
        row.defective = max(row.defective - count, 0)
        row.save(update_fields=["defective"])
        _movement(
            stock=row,
            kind=MovementKind.DEFECTIVE,
            quantity=0,
            actor=actor,
            now=now,
            reason=_("%(count)s sent back to the brand in %(batch)s")
            % {"count": count, "batch": batch.number},
        )


def can_make_batches(user: Actor, point_id: int | None) -> bool:
    """Whether the page offers "make a return batch" (the service checks again)."""
    scope = scope_for(user)
    return (
        point_id is not None
        and has_role(user, transitions.STOCK_KEEPERS)
        and not scope.read_only
        and scope.allows(point_id)
    )


def available_moves(user: Actor, batch: ReturnBatch) -> list[str]:
    """The moves the batch page offers this user."""
    role = user_role(user)
    moves = []
    for t in transitions.RETURN_BATCH_MACHINE.available(batch.status, role):
        if t.action == "receive":
            if role in (Role.REGIONAL_CENTER, Role.ADMIN):
                moves.append(t.action)
        elif not scope_for(user).read_only:
            moves.append(t.action)
    return moves


__all__ = [
    "ReturnBatchStatus",
    "available_moves",
    "can_make_batches",
    "return_batch_create",
    "return_batch_transition",
]
