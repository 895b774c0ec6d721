"""Opening a repair record in tests: ``open_ticket`` with sensible defaults."""

import datetime as dt
import uuid

from django.utils import timezone

from intake.services.desk import DeviceFacts
from repairs.services import TicketOpenInput, ticket_open
from tests.factories import CustomerFactory

VALID_IMEI = "490154203237518"


def open_ticket(
    point,
    actor,
    customer=None,
    *,
    imei=VALID_IMEI,
    serial="",
    purchase_days_ago=100,
    proof="invoice",
    token=None,
    now=None,
    **extra,
):
    customer = customer or CustomerFactory(point=point)
    today = timezone.localdate(now) if now else timezone.localdate()
    facts = DeviceFacts(
        model_name="X100 Pro",
        imei=imei,
        serial_number=serial,
        purchase_date=today - dt.timedelta(days=purchase_days_ago)
        if purchase_days_ago is not None
        else None,
    )
    fields = {
        "fault_description": "屏幕不亮",
        "proof_of_purchase": proof,
        "contact_phone": customer.phone,
        "backup_warning_given": True,
    } | extra
    return ticket_open(
        point=point,
        actor=actor,
        data=TicketOpenInput(customer=customer, device=facts, **fields),
        token=token or uuid.uuid4(),
        now=now,
    )
