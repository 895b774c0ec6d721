"""The complaint's state machine (rules#complaints stages): received → clarified → solution proposed
(again, while the customer chooses) → resolved → followed up → closed. ``roles`` are the roles
that may act besides the complaint's owner, who may always act on their own complaint. The rows,
each with its step's command, are the table of ``complaints.commands``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from complaints.models import OfferStatus
from servicedesk.models import Role
from servicedesk.statemachine import StateMachine, Transition

SUPERVISORS = frozenset({Role.SUPERVISOR, Role.SERVICE_MANAGER})

#: The complaint's stages. Its rows are the table of ``complaints.commands`` (``TRANSITIONS``: each
#: row carries its step's command, whose service moves the complaint through this machine),
#: loaded from there when the app is ready.
MACHINE = StateMachine(name="complaint", field="stage")


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
