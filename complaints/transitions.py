"""The complaint's state machine (rules#complaints stages): received → clarified → solution proposed
(again, while the customer chooses) → resolved → followed up → closed. ``roles`` are the roles
that may act besides the complaint's owner, who may always act on their own complaint."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from complaints.models import OfferStatus, Stage
from servicedesk.models import Role
from servicedesk.statemachine import StateMachine, Transition

SUPERVISORS = frozenset({Role.SUPERVISOR, Role.SERVICE_MANAGER})

TRANSITIONS = [
    Transition("clarify", _("Clarify"), Stage.RECEIVED, Stage.CLARIFIED, SUPERVISORS),
    Transition("propose", _("Propose a solution"), Stage.CLARIFIED, Stage.PROPOSED, SUPERVISORS),
    Transition("propose", _("Propose a solution"), Stage.PROPOSED, Stage.PROPOSED, SUPERVISORS),
    Transition("resolve", _("Resolve"), Stage.PROPOSED, Stage.RESOLVED, SUPERVISORS),
    Transition(
        "follow_up",
        _("Followed up"),
        Stage.RESOLVED,
        Stage.FOLLOWED_UP,
        SUPERVISORS | {Role.CALLBACK_CLERK},
    ),
    Transition("close", _("Close"), Stage.FOLLOWED_UP, Stage.CLOSED, SUPERVISORS),
]

MACHINE = StateMachine(name="complaint", field="stage", transitions=TRANSITIONS)


#: A compensation offer above the offering role's limit waits for the next level's decision
#: (who may decide depends on the amount: ``complaints.services.may_decide``).
OFFER_MACHINE = StateMachine(
    name="compensation",
    field="status",
    transitions=[
        Transition("approve", _("Approve"), OfferStatus.PENDING, OfferStatus.APPROVED, SUPERVISORS),
        Transition("refuse", _("Refuse"), OfferStatus.PENDING, OfferStatus.REFUSED, SUPERVISORS),
    ],
)
