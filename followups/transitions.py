"""The callback's state machine (rules#callbacks): scheduled → in the clerks' queue → done or
closed, or back to scheduled when the customer asks to be called later. ``followups.services`` moves
callbacks only through ``MACHINE``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from followups import outcomes
from followups.models import Callback, CallbackStatus
from servicedesk.models import Role
from servicedesk.statemachine import SYSTEM, Guard, StateMachine, Transition

S = CallbackStatus
CLERKS = frozenset({Role.CALLBACK_CLERK, Role.SUPERVISOR, Role.SERVICE_MANAGER})
OPEN = (S.SCHEDULED, S.DUE)


def _after_outcome(callback: Callback, *, outcome: str, **context: Any) -> str:
    """Reached: done. Wrong number, or unreachable for the last allowed time: closed. Otherwise
    (busy, not now, unreachable again): scheduled for the next try (``followups.outcomes``)."""
    return outcomes.outcome_target(callback, outcome)


BY_OUTCOME = Guard("by_outcome", outcomes.TARGETS, _after_outcome)

TRANSITIONS: list[Transition[None]] = [
    Transition("queue", _("Into the callback queue"), S.SCHEDULED, S.DUE, frozenset({SYSTEM})),
    *(
        Transition("record_outcome", _("Record the call"), source, BY_OUTCOME, CLERKS)
        for source in OPEN
    ),
    *(Transition("move", _("Move the callback"), source, S.SCHEDULED, CLERKS) for source in OPEN),
    # The customer's number was erased on request: nobody can call it any more.
    *(
        Transition("close", _("Close without a call"), source, S.CLOSED, frozenset({SYSTEM}))
        for source in OPEN
    ),
]

MACHINE = StateMachine(name="callback", field="status", transitions=TRANSITIONS)
