"""The loaner's state machine (rules#loaners): available → lent → available, or retired.
``loaners.services`` moves loaners only through ``MACHINE``; each move is a ``StateChange``
row, and each lend and return also its ``Loan`` row (the loaner's history)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from loaners.models import LoanerStatus
from servicedesk.models import Role
from servicedesk.statemachine import StateMachine, Transition

S = LoanerStatus
#: Who lends, takes back and retires loaners: the counter and its supervisors.
DESK = frozenset({Role.FRONT_DESK, Role.SUPERVISOR, Role.SERVICE_MANAGER})

TRANSITIONS: list[Transition[None]] = [
    Transition("lend", _("Lend to a customer"), S.AVAILABLE, S.LENT, DESK),
    Transition("return", _("Take back"), S.LENT, S.AVAILABLE, DESK),
    Transition("retire", _("Retire"), S.AVAILABLE, S.RETIRED, DESK),
]

MACHINE = StateMachine(name="loaner", field="status", transitions=TRANSITIONS)
