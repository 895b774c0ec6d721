"""The demo data loads, can be loaded twice, and gives one user per role per point."""

import pytest
from django.core.management import call_command

from intake.models import Customer
from servicedesk.models import POINT_ROLES, Region, Role, ServicePoint, StaffProfile

pytestmark = pytest.mark.django_db


def test_demo_data_loads_twice_without_duplicates():
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert Region.objects.count() == 2
    assert ServicePoint.objects.count() == 3
    for point in ServicePoint.objects.all():
        roles = set(StaffProfile.objects.filter(point=point).values_list("role", flat=True))
        assert roles == set(POINT_ROLES)
        assert Customer.objects.filter(point=point).exists()
    assert StaffProfile.objects.filter(role=Role.REGIONAL_CENTER).count() == 2


def test_demo_points_notify_a_department_of_complaints_and_supervisors_belong_to_it():
    call_command("load_demo", verbosity=0)
    for point in ServicePoint.objects.all():
        assert point.complaint_department is not None
        supervisor = StaffProfile.objects.get(point=point, role=Role.SUPERVISOR)
        assert supervisor.department == point.complaint_department


def test_every_demo_point_has_one_exchanged_ticket_with_its_decision():
    from parts.models import DefectiveDevice
    from repairs.models import RepairTicket, SanbaoDecision, TicketStatus

    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    for point in ServicePoint.objects.all():
        exchanged = RepairTicket.objects.get(point=point, status=TicketStatus.EXCHANGED)
        assert SanbaoDecision.objects.get(ticket=exchanged).replacement_imei
        assert DefectiveDevice.objects.filter(point=point, ticket=exchanged).exists()


def test_every_demo_point_has_a_paid_repair_of_today_for_the_cash_up():
    from counter.models import MoneyEntry, MoneyKind

    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    for point in ServicePoint.objects.all():
        entries = MoneyEntry.objects.filter(ticket__point=point)
        assert set(entries.values_list("kind", flat=True)) == {
            MoneyKind.DEPOSIT,
            MoneyKind.PAYMENT,
        }
        cash = entries.get(method__code="cash")
        assert cash.change > 0 and cash.amount - cash.change == 600


def test_demo_points_have_stock_one_part_below_level_and_one_ticket_waiting_for_parts():
    from parts.models import PartStock
    from repairs.models import RepairTicket, TicketStatus

    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    for point in ServicePoint.objects.all():
        stock = list(PartStock.objects.filter(point=point))
        assert sum(row.on_hand for row in stock) > 0
        assert any(row.below_level for row in stock)
        waiting = RepairTicket.objects.filter(point=point, status=TicketStatus.WAITING_PARTS)
        assert waiting.count() == 1
        assert waiting.get().parts_expected_on is not None


def test_every_demo_point_has_a_shipped_return_batch_and_a_part_waiting_for_the_next():
    from parts.models import DefectivePart, ReturnBatch, ReturnBatchStatus

    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    for point in ServicePoint.objects.all():
        batch = ReturnBatch.objects.get(point=point)
        assert batch.status == ReturnBatchStatus.SHIPPED and batch.tracking_number
        assert batch.pieces.count() == 1
        assert DefectivePart.objects.filter(point=point, batch__isnull=True).count() == 1
