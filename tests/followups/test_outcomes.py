"""The outcomes table read against docs/rules.md (rules#callbacks outcomes), written out here."""

from types import SimpleNamespace

import pytest

from followups.models import CallbackStatus, Outcome
from followups.outcomes import OUTCOMES, outcome_target

S = CallbackStatus

#: outcome → (where the call leaves the callback, tried again, the customer was reached)
RULES = {
    Outcome.SATISFIED: (S.DONE, False, True),
    Outcome.DISSATISFIED: (S.DONE, False, True),
    Outcome.BUSY: (S.SCHEDULED, True, False),
    Outcome.NOT_NOW: (S.SCHEDULED, True, False),
    Outcome.WRONG_NUMBER: (S.CLOSED, False, False),
    Outcome.UNREACHABLE: (S.SCHEDULED, True, False),
}


def test_every_outcome_has_its_rule():
    assert set(OUTCOMES) == set(Outcome.values) == set(RULES)


@pytest.mark.parametrize("outcome", list(RULES))
def test_each_outcome_leaves_the_callback_where_the_rules_say(outcome):
    target, tried_again, reached = RULES[outcome]
    rule = OUTCOMES[outcome]
    first_try = SimpleNamespace(
        unreachable_attempts=1, point=SimpleNamespace(callback_max_attempts=3)
    )
    assert outcome_target(first_try, outcome) == target
    assert (rule.due is not None) == tried_again
    assert rule.reached == reached


def test_unreachable_closes_the_callback_only_on_the_points_last_allowed_try():
    point = SimpleNamespace(callback_max_attempts=3)
    second = SimpleNamespace(unreachable_attempts=2, point=point)
    third = SimpleNamespace(unreachable_attempts=3, point=point)
    assert outcome_target(second, Outcome.UNREACHABLE) == S.SCHEDULED
    assert outcome_target(third, Outcome.UNREACHABLE) == S.CLOSED
    # Any other outcome is not counted against the limit.
    assert outcome_target(third, Outcome.NOT_NOW) == S.SCHEDULED
