"""The repair ticket's transition table (DOMAIN 2): (state, action) -> (next state, roles).

The one place that says which move is legal and who may make it; ``repairs.services`` executes
it. ``diagnose`` goes to repairing in warranty and to awaiting approval out of warranty."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from repairs.models import TicketStatus as S
from servicedesk.models import Role

DESK = frozenset({Role.FRONT_DESK, Role.SUPERVISOR, Role.SERVICE_MANAGER})
TECH = frozenset({Role.TECHNICIAN, Role.SUPERVISOR, Role.SERVICE_MANAGER})


@dataclass(frozen=True)
class Transition:
    action: str
    label: object
    source: str
    target: str
    roles: frozenset


TRANSITIONS: list[Transition] = [
    Transition("start_diagnosis", _("Start diagnosis"), S.REGISTERED, S.DIAGNOSING, TECH),
    Transition("diagnose", _("Record diagnosis"), S.DIAGNOSING, S.REPAIRING, TECH),
    Transition(
        "approve_quote", _("Customer approves the quote"), S.AWAITING_APPROVAL, S.REPAIRING, DESK
    ),
    Transition(
        "refuse_quote", _("Customer refuses the quote"), S.AWAITING_APPROVAL, S.QUOTE_REFUSED, DESK
    ),
    Transition(
        "complete_repair", _("Repair done: to quality check"), S.REPAIRING, S.QUALITY_CHECK, TECH
    ),
    Transition("pass_qa", _("Retest passed"), S.QUALITY_CHECK, S.READY, DESK),
    Transition("fail_qa", _("Retest failed: back to repair"), S.QUALITY_CHECK, S.REPAIRING, DESK),
    Transition("hand_over", _("Hand over to the customer"), S.READY, S.HANDED_OVER, DESK),
    Transition(
        "return_unrepaired",
        _("Return the device unrepaired"),
        S.QUOTE_REFUSED,
        S.RETURNED_UNREPAIRED,
        DESK,
    ),
]

BY_KEY = {(t.source, t.action): t for t in TRANSITIONS}
ACTIONS = sorted({t.action for t in TRANSITIONS})


def find(status: str, action: str) -> Transition | None:
    return BY_KEY.get((status, action))


def available(status: str, role: str | None) -> list[Transition]:
    return [
        t for t in TRANSITIONS if t.source == status and (role == Role.ADMIN or role in t.roles)
    ]


def label(action: str):
    return next((t.label for t in TRANSITIONS if t.action == action), action)
