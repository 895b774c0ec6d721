"""DOMAIN 2 ticket states: every (state, action, role) triple. Allowed ones succeed; every other
one is refused and changes nothing."""

import base64
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from repairs import transitions
from repairs.models import Quote, RepairTicket, TicketEvent, TicketStatus
from repairs.services import Payload, TransitionError, ticket_transition
from repairs.signatures import make_png
from servicedesk.models import Role
from tests.factories import make_staff
from tests.opening import open_ticket

pytestmark = pytest.mark.django_db

PNG = "data:image/png;base64," + base64.b64encode(make_png(200, 60)).decode()
FULL = Payload(
    signature_data_url=PNG,
    fault_confirmed="主板供电异常",
    repair_method="更换尾插并测试",
    consent_kind="verbal",
    reason="充电仍然不稳定",
    tested_with_customer=True,
    explanation_given=True,
    amount_received=Decimal("1000"),
    invoice_number="FP-001",
    satisfaction_rating=5,
    replacement_model="X100 Pro",
    replacement_imei="356938035643809",
    refund_reference="TK-0001",
)
# Every state × action × role, for a ticket in warranty and one out of warranty (the diagnosis
# guard sends them to different states).
WARRANTY = {"in": 100, "out": 500}
TRIPLES = list(
    itertools.product(TicketStatus.values, transitions.ACTIONS, list(Role), list(WARRANTY))
)


@pytest.fixture
def ticket_in(point):
    def make(status, warranty="in", *, days=None):
        ticket = open_ticket(
            point,
            make_staff(Role.FRONT_DESK, point=point).user,
            purchase_days_ago=WARRANTY[warranty] if days is None else days,
        )
        RepairTicket.objects.filter(pk=ticket.pk).update(
            status=status, fault_confirmed="主板供电异常"
        )
        if status == TicketStatus.AWAITING_APPROVAL:
            Quote.objects.create(ticket=ticket, labor_fee=Decimal("80"))
        ticket.refresh_from_db()
        return ticket

    return make


@pytest.mark.parametrize(
    ("status", "action", "role", "warranty"), TRIPLES, ids=["-".join(t) for t in TRIPLES]
)
def test_every_state_action_role_triple(status, action, role, warranty, point, ticket_in):
    # 三包 return and exchange need the return period (day 5), whatever the warranty column.
    days = 5 if action in transitions.SANBAO_ACTIONS else None
    ticket = ticket_in(status, warranty, days=days)
    actor = make_staff(role, point=point, region=point.region).user
    transition = transitions.find(status, action)
    allowed = transition is not None and (role == Role.ADMIN or role in transition.roles)
    if allowed:
        moved = ticket_transition(
            ticket=ticket, actor=actor, action=action, version=ticket.version, payload=FULL
        )
        if action == "diagnose":
            # The guard: repair in warranty, the customer's approval of the quote out of it.
            expected = (
                TicketStatus.AWAITING_APPROVAL if warranty == "out" else TicketStatus.REPAIRING
            )
        elif action == "approve_quote":
            # No part is listed, so none is short: straight to repair.
            expected = TicketStatus.REPAIRING
        else:
            (expected,) = transition.targets
        assert moved.status == expected
        assert moved.status in transition.targets
        # What the page offers is what happened: the advertised targets include the real one.
        assert expected in transitions.find(status, action).targets
        assert moved.version == ticket.version + 1
        assert TicketEvent.objects.filter(ticket=ticket, action=action, actor=actor).exists()
    else:
        with pytest.raises((TransitionError, PermissionDenied)):
            ticket_transition(
                ticket=ticket, actor=actor, action=action, version=ticket.version, payload=FULL
            )
        unchanged = RepairTicket.objects.get(pk=ticket.pk)
        assert (unchanged.status, unchanged.version) == (status, ticket.version)
        assert not TicketEvent.objects.filter(ticket=ticket, action=action).exists()
