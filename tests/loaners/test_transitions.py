"""The loaner's transition table is the whole truth: each (state, action) pair, its target and
who may make it."""

import pytest

from loaners.models import LoanerStatus as S
from loaners.transitions import MACHINE
from servicedesk.models import Role
from servicedesk.statemachine import TransitionRefused

TABLE = [
    (S.AVAILABLE, "lend", S.LENT),
    (S.LENT, "return", S.AVAILABLE),
    (S.AVAILABLE, "retire", S.RETIRED),
]
WRITERS = [Role.FRONT_DESK, Role.SUPERVISOR, Role.SERVICE_MANAGER]
READERS = [Role.TECHNICIAN, Role.HOTLINE, Role.CALLBACK_CLERK, Role.REGIONAL_CENTER]


class Loaner:
    def __init__(self, status):
        self.status = status


@pytest.mark.parametrize(("source", "action", "target"), TABLE)
def test_the_counter_and_supervisors_make_each_move_and_nobody_else(source, action, target):
    for role in WRITERS:
        loaner = Loaner(source)
        MACHINE.require(loaner, action, role=role)
    for role in READERS:
        with pytest.raises(TransitionRefused):
            MACHINE.require(Loaner(source), action, role=role)
    assert MACHINE.find(source, action).target == target


def test_a_lent_or_retired_loaner_is_not_lent_and_a_retired_one_never_comes_back():
    for state in (S.LENT, S.RETIRED):
        assert MACHINE.find(state, "lend") is None
    assert not [t for t in MACHINE.transitions if t.source == S.RETIRED]
