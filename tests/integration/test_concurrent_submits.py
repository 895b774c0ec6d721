"""Races on real PostgreSQL: the same form sent at once from two tabs (or a double click that
reaches two workers) creates one row, and colleagues acting on one ticket or one complaint at
the same moment make one change; the others are refused (row lock + version), nothing is lost."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from complaints.models import Complaint, ComplaintContact
from complaints.services import ComplaintError, complaint_open, log_contact
from counter.models import MoneyEntry, Payment
from intake.models import Customer, MessageSlip, Visit
from intake.services.desk import customer_create, visit_register
from intake.services.hotline import call_log
from intake.services.slips import slip_take
from repairs.actions import TransitionError
from repairs.models import RepairTicket, TicketEvent
from servicedesk.models import Role
from tests import tickets
from tests.factories import CustomerFactory, make_staff
from tests.opening import open_ticket

pytestmark = [pytest.mark.services]
THREADS = 4


def at_once(work) -> tuple[list, list]:
    """Run ``work(index)`` in THREADS threads released together; (results, errors)."""
    barrier, results, errors = threading.Barrier(THREADS), [], []

    def run(index):
        try:
            barrier.wait()
            results.append(work(index))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results, errors


def _ticket(point, people, token):
    return open_ticket(point, people["desk"], people["customer"], token=token)


def _call(point, people, token):
    return call_log(
        point=point,
        actor=people["hotline"],
        token=token,
        caller_kind="customer",
        purpose="inquiry",
        summary="问保修",
        rings_to_answer=2,
    )


def _customer(point, people, token):
    return customer_create(
        point=point, actor=people["desk"], name="王小明", phone="13800138000", token=token
    )


def _arrival(point, people, token):
    return visit_register(point=point, actor=people["desk"], purpose="inquiry", token=token)


def _slip(point, people, token):
    return slip_take(
        point=point,
        actor=people["hotline"],
        caller_name="王小明",
        phone="13800138000",
        message="请回电",
        callback_due_at=timezone.now() + dt.timedelta(hours=2),
        addressee=people["supervisor"],
        read_back_confirmed=True,
        token=token,
    )


def _complaint(point, people, token):
    return complaint_open(
        point=point,
        actor=people["hotline"],
        customer=people["customer"],
        channel="hotline",
        source="call",
        summary="态度差",
        token=token,
        promised_reply_at=timezone.now() + dt.timedelta(hours=4),
    )


CREATES = {
    "ticket": (_ticket, RepairTicket),
    "call": (_call, Visit),
    "arrival": (_arrival, Visit),
    "customer": (_customer, Customer),
    "slip": (_slip, MessageSlip),
    "complaint": (_complaint, Complaint),
}


@pytest.fixture
def people(point):
    return {
        "desk": make_staff(Role.FRONT_DESK, point=point).user,
        "hotline": make_staff(Role.HOTLINE, point=point).user,
        "supervisor": make_staff(Role.SUPERVISOR, point=point).user,
        "customer": CustomerFactory(point=point),
    }


@pytest.mark.reliability(
    "The same create form sent at once (two tabs, a double click on two workers)",
    "four threads submit one form token together: customer, ticket, call, arrival, slip, complaint",
)
@pytest.mark.parametrize("kind", sorted(CREATES))
def test_one_form_token_sent_at_once_creates_one_row(kind, transactional_db, point, people):
    create, model = CREATES[kind]
    token, before = uuid.uuid4(), model.objects.count()
    results, errors = at_once(lambda _i: create(point, people, token).pk)
    assert not errors
    assert len(results) == THREADS and len(set(results)) == 1
    assert model.objects.count() == before + 1


@pytest.mark.reliability(
    "Colleagues move one repair record at the same moment",
    "four threads post the same transition on the same version (also the paid handover)",
)
@pytest.mark.parametrize("case", ["start_diagnosis", "hand_over_paid"])
def test_one_ticket_moved_at_once_makes_one_transition(case, transactional_db, point, people):
    ticket, body = tickets.ticket_ready_for(
        case, point=point, desk=people["desk"], actor=people["supervisor"]
    )
    fields = {
        "tested_with_customer": True,
        "explanation_given": True,
        "signature_data_url": tickets.PNG,
        "amount_received": Decimal("100"),
        "invoice_number": "INV-0001",
        "satisfaction_declined": True,
    }

    def move(_index):
        return tickets.act(
            ticket, people["supervisor"], body["action"], version=body["version"], **fields
        )

    results, errors = at_once(move)
    assert len(results) == 1
    assert len(errors) == THREADS - 1 and all(isinstance(e, TransitionError) for e in errors)
    assert TicketEvent.objects.filter(ticket=ticket, action=body["action"]).count() == 1
    assert Payment.objects.filter(ticket=ticket).count() == (1 if case == "hand_over_paid" else 0)
    # One payment entry too: the money is taken once (rules#payment).
    assert MoneyEntry.objects.filter(ticket=ticket).count() == (
        1 if case == "hand_over_paid" else 0
    )


@pytest.mark.reliability(
    "Colleagues act on one complaint at the same moment",
    "four threads log a contact on the same version: one is kept, the others are refused",
)
def test_one_complaint_changed_at_once_keeps_one_change(transactional_db, point, people):
    complaint = _complaint(point, people, None)

    def contact(index):
        return log_contact(
            complaint=complaint,
            actor=people["supervisor"],
            note=f"第{index}位同事回电",
            promised_reply_at=timezone.now() + dt.timedelta(days=1),
            version=complaint.version,
        )

    results, errors = at_once(contact)
    assert len(results) == 1
    assert len(errors) == THREADS - 1 and all(isinstance(e, ComplaintError) for e in errors)
    assert ComplaintContact.objects.filter(complaint=complaint, kind="contact").count() == 1
