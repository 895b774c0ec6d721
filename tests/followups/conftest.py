from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from intake.models import Device
from repairs.models import ProofOfPurchase, RepairTicket, TicketStatus, WarrantyStatus
from servicedesk.models import Role
from tests.factories import CustomerFactory

_numbers = itertools.count(1)


def handed_over_ticket(point, *, customer=None, handed_over_at=None, opened_by=None):
    """A ticket already handed over at ``handed_over_at`` (built directly: followups only needs
    the handed-over ticket, not the way it got there)."""
    customer = customer or CustomerFactory(point=point)
    device = Device.objects.create(
        point=point,
        customer=customer,
        model_name="X100",
        imei="",
        serial_number=f"SN{next(_numbers)}",
    )
    n = next(_numbers)
    when = handed_over_at or timezone.now()
    return RepairTicket.objects.create(
        point=point,
        number=f"{point.code}-{n:06d}",
        sequence=n,
        status=TicketStatus.HANDED_OVER,
        customer=customer,
        device=device,
        fault_description="屏幕不亮",
        proof_of_purchase=ProofOfPurchase.INVOICE,
        contact_phone=customer.phone,
        warranty_status=WarrantyStatus.FREE_REPAIR,
        warranty_reason="in_repair_period",
        warranty_reason_text="保修期内",
        created_by=opened_by.user if opened_by else customer_user(point),
        created_at=when - dt.timedelta(days=1),
        handed_over_at=when,
    )


def customer_user(point):
    from tests.factories import make_staff

    return make_staff(Role.FRONT_DESK, point=point).user


@pytest.fixture
def ticket_at(point):
    def make(handed_over_at, **kwargs):
        return handed_over_ticket(point, handed_over_at=handed_over_at, **kwargs)

    return make
