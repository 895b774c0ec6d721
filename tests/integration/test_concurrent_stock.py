"""rules#parts on PostgreSQL: the stock never goes below zero under concurrent use. Technicians
diagnosing at the same moment take the last part once; the others are told it is short."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from parts.models import Part, PartStock
from repairs.actions import DiagnoseInput, PartLineInput, ticket_diagnose
from repairs.models import TicketStatus
from servicedesk.models import Role
from tests.factories import in_stock, make_staff
from tests.integration.test_concurrent_submits import THREADS, at_once
from tests.opening import open_ticket
from tests.tickets import move

pytestmark = [pytest.mark.services]


@pytest.mark.reliability(
    "Technicians take the last spare part at the same moment",
    "four threads diagnose four tickets that each list the one part left in stock",
)
def test_never_negative_two_technicians_take_the_last_part_at_once(transactional_db, point):
    desk = make_staff(Role.FRONT_DESK, point=point).user
    part = in_stock(
        Part.objects.create(point=point, code="LAST", name="尾插", price=Decimal("50")), on_hand=1
    )
    people = [make_staff(Role.TECHNICIAN, point=point).user for _ in range(THREADS)]
    tickets = []
    for tech in people:
        ticket = open_ticket(point, desk)
        tickets.append(move(ticket, tech, "start_diagnosis"))

    def diagnose(index):
        ticket = tickets[index]
        return ticket_diagnose(
            ticket=ticket,
            actor=people[index],
            version=ticket.version,
            data=DiagnoseInput(fault_confirmed="尾插损坏", parts=[PartLineInput(part.pk, 1)]),
        )

    results, errors = at_once(diagnose)
    assert [t.status for t in results] == [TicketStatus.REPAIRING]
    assert len(errors) == THREADS - 1
    assert all(
        isinstance(e, ValidationError) and "parts_expected_on" in e.message_dict for e in errors
    )
    stock = PartStock.objects.get(part=part)
    assert (stock.on_hand, stock.reserved) == (1, 1)


def test_never_negative_deliveries_and_counts_at_once_add_up(transactional_db, point):
    from parts.services.stock import stock_receive

    boss = make_staff(Role.SUPERVISOR, point=point).user
    part = in_stock(
        Part.objects.create(point=point, code="BAT", name="电池", price=Decimal("80")), on_hand=0
    )
    _results, errors = at_once(
        lambda _i: stock_receive(point=point, actor=boss, part=part, quantity=2)
    )
    assert not errors
    assert PartStock.objects.get(part=part).on_hand == 2 * THREADS
