"""The return batch's and the defective device's state machines (rules#parts, 旧件返还)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from parts.models import DefectiveStatus, ReturnBatch, ReturnBatchStatus
from servicedesk import audit
from servicedesk.models import Role
from servicedesk.statemachine import SYSTEM, StateMachine, Transition

if TYPE_CHECKING:
    from servicedesk.types import Actor

#: Technicians and their supervisors keep the stock (as ``repairs.transitions.TECH``).
TECH = frozenset({Role.TECHNICIAN, Role.SUPERVISOR, Role.SERVICE_MANAGER})


#: rules#parts (旧件返还): who makes, packs and ships a return batch (those who keep the
#: defective stock: technicians and their supervisors), and who receives it (the regional
#: center of the point's region: its one change of data).
STOCK_KEEPERS = TECH
REGIONAL = frozenset({Role.REGIONAL_CENTER})
B = ReturnBatchStatus


def _record_batch(
    *,
    obj: models.Model,
    transition: Transition,
    before: str,
    actor: Actor | None,
    note: str,
    now: dt.datetime,
) -> None:
    if not isinstance(obj, ReturnBatch):
        raise TypeError(f"the return batch machine moves batches, not {type(obj).__name__}")
    audit.audit_return_batch_moved(
        actor=actor, batch=obj, action=transition.action, before=before, note=note
    )


RETURN_BATCH_MACHINE = StateMachine(
    name="return_batch",
    field="status",
    transitions=[
        Transition("pack", _("Packed"), B.COLLECTED, B.PACKED, STOCK_KEEPERS),
        Transition("ship", _("Shipped"), B.PACKED, B.SHIPPED, STOCK_KEEPERS),
        Transition("receive", _("Receipt confirmed"), B.SHIPPED, B.RECEIVED, REGIONAL),
    ],
    record=_record_batch,
)

#: A faulty device of the defective stock is back with the brand once the regional center
#: received its batch (moved by that receipt, never by hand).
DEFECTIVE_DEVICE_MACHINE = StateMachine(
    name="defective_device",
    field="status",
    transitions=[
        Transition(
            "returned_to_brand",
            _("Returned to the brand"),
            DefectiveStatus.IN_STOCK,
            DefectiveStatus.RETURNED_TO_BRAND,
            frozenset({SYSTEM}),
        )
    ],
)
