"""The export job's state machine: queued → running → ready or failed; a failed or abandoned job
runs again, and a finished or failed month can be exported again (queued anew; a queued one is
only handed to a worker again). The moves are
conditional UPDATEs (``StateMachine.move_rows``), so two workers never run the same job."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from reporting.models import ExportStatus as S
from servicedesk.models import SUPERVISING_ROLES
from servicedesk.statemachine import SYSTEM, StateMachine, Transition

WORKER = frozenset({SYSTEM})
SUPERVISORS = frozenset(SUPERVISING_ROLES)

TRANSITIONS: list[Transition[None]] = [
    Transition("run", _("Run"), S.PENDING, S.RUNNING, WORKER),
    Transition("run", _("Run"), S.FAILED, S.RUNNING, WORKER),
    # Taken again from a dead worker (see ``reporting.exports._claim``).
    Transition("run", _("Run"), S.RUNNING, S.RUNNING, WORKER),
    Transition("finish", _("Ready"), S.RUNNING, S.DONE, WORKER),
    Transition("fail", _("Failed"), S.RUNNING, S.FAILED, WORKER),
    Transition("rerun", _("Export again"), S.DONE, S.PENDING, SUPERVISORS),
    Transition("rerun", _("Export again"), S.FAILED, S.PENDING, SUPERVISORS),
]

MACHINE = StateMachine(name="export", field="status", transitions=TRANSITIONS)
