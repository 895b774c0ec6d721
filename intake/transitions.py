"""The visit's state machine (rules#intake: waiting at the desk → being served → done, or
left without service) and the message slip's (rules#hotline: open until its addressee has called
back). The services move visits and slips only through ``MACHINE`` and ``SLIP_MACHINE``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from intake.models import SlipStatus
from intake.models import VisitStatus as S
from servicedesk.models import SUPERVISING_ROLES, Role
from servicedesk.statemachine import StateMachine, Transition

DESK = frozenset({Role.FRONT_DESK, Role.HOTLINE, *SUPERVISING_ROLES})

TRANSITIONS: list[Transition[None]] = [
    Transition("serve", _("Serve"), S.WAITING, S.SERVING, DESK),
    Transition("finish", _("Done"), S.WAITING, S.DONE, DESK),
    Transition("finish", _("Done"), S.SERVING, S.DONE, DESK),
    Transition("leave", _("Left without service"), S.WAITING, S.LEFT, DESK),
]

MACHINE = StateMachine(name="visit", field="status", transitions=TRANSITIONS)

#: Only the addressee logs the callback (checked by ``intake.services.slips.slip_callback``).
SLIP_TRANSITIONS: list[Transition[None]] = [
    Transition(
        "call_back",
        _("Called back"),
        SlipStatus.OPEN,
        SlipStatus.CALLED_BACK,
        frozenset(Role.values),
    ),
]

SLIP_MACHINE = StateMachine(name="slip", field="status", transitions=SLIP_TRANSITIONS)
