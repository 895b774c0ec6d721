"""The shared state-machine shape: every stateful model's table is the whole truth, moves write
one event, and nothing outside the machines writes a state field."""

import importlib.util
from pathlib import Path

import pytest

from complaints import transitions as complaint_transitions
from complaints.models import OfferStatus, Stage
from followups import transitions as callback_transitions
from followups.models import CallbackStatus
from intake import transitions as intake_transitions
from intake.models import SlipStatus, VisitStatus
from loaners import transitions as loaner_transitions
from loaners.models import LoanerStatus
from repairs import transitions as ticket_transitions
from repairs.models import TicketStatus
from reporting import transitions as export_transitions
from reporting.models import ExportStatus
from servicedesk import outbox
from servicedesk.models import NotificationStatus
from servicedesk.statemachine import SYSTEM, TransitionRefused

ROOT = Path(__file__).resolve().parents[2]
MACHINES = [
    (ticket_transitions.MACHINE, TicketStatus),
    (outbox.NOTIFICATION_MACHINE, NotificationStatus),
    (complaint_transitions.MACHINE, Stage),
    (complaint_transitions.OFFER_MACHINE, OfferStatus),
    (callback_transitions.MACHINE, CallbackStatus),
    (intake_transitions.MACHINE, VisitStatus),
    (intake_transitions.SLIP_MACHINE, SlipStatus),
    (export_transitions.MACHINE, ExportStatus),
    (loaner_transitions.MACHINE, LoanerStatus),
]


@pytest.mark.parametrize(("machine", "choices"), MACHINES, ids=[m.name for m, _ in MACHINES])
def test_every_table_names_only_real_states(machine, choices):
    assert machine.states() <= set(choices.values)


def test_the_diagnosis_guard_advertises_all_of_its_targets():
    diagnose = ticket_transitions.find(TicketStatus.DIAGNOSING, "diagnose")
    assert set(diagnose.targets) == {
        TicketStatus.REPAIRING,
        TicketStatus.AWAITING_APPROVAL,
        TicketStatus.WAITING_PARTS,
    }
    approve = ticket_transitions.find(TicketStatus.AWAITING_APPROVAL, "approve_quote")
    assert set(approve.targets) == {TicketStatus.REPAIRING, TicketStatus.WAITING_PARTS}


def test_background_moves_are_refused_to_people_and_people_moves_to_background_work():
    class Callback:
        status = CallbackStatus.SCHEDULED

    with pytest.raises(TransitionRefused):
        callback_transitions.MACHINE.require(Callback(), "queue", role="callback_clerk")
    with pytest.raises(TransitionRefused):
        callback_transitions.MACHINE.require(Callback(), "move", role=SYSTEM)
    assert callback_transitions.MACHINE.require(Callback(), "queue", role=SYSTEM)


def test_background_moves_are_not_offered_on_pages():
    assert callback_transitions.MACHINE.available(CallbackStatus.SCHEDULED, "admin")
    offered = {
        t.action for t in callback_transitions.MACHINE.available(CallbackStatus.SCHEDULED, "admin")
    }
    assert "queue" not in offered and "close" not in offered


def _checker():
    spec = importlib.util.spec_from_file_location(
        "check_status_writes", ROOT / "scripts" / "check_status_writes.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_state_field_is_written_outside_the_machines():
    assert _checker().main() == 0


def test_the_check_finds_each_kind_of_state_write(tmp_path, monkeypatch):
    checker = _checker()
    monkeypatch.setattr(checker, "ROOT", tmp_path)
    bad = tmp_path / "bad.py"
    bad.write_text(
        "ticket.status = 'ready'\n"
        "Ticket.objects.filter(pk=1).update(status='ready')\n"
        "setattr(complaint, 'stage', 'closed')\n"
        "Ticket.objects.create(status='registered')\n"
        "Ticket.objects.filter(pk=1).update(status='x')  # status-write-ok: documented\n"
    )
    found = checker.problems(bad)
    assert [line.split(":")[1] for line in found] == ["1", "2", "3"]
