"""The migrations that bring in one record per customer and phone at a point: duplicates
recorded before are merged into the oldest record, every ticket, visit, device, slip,
complaint and callback kept, and the merge is logged."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from complaints import services as complaint_services
from complaints.models import Complaint
from followups.models import Callback
from intake.models import Channel, Customer, Purpose, Visit
from repairs.models import RepairTicket
from servicedesk.models import Role
from tests.factories import CustomerFactory
from tests.intake.test_privacy import hand_over

#: Before the constraint: intake's step 1 and every app's re-pointing step not yet applied.
BEFORE = [
    ("intake", "0010_device_history"),
    ("repairs", "0014_ticket_states_returned_exchanged_waiting"),
    ("followups", "0004_dashboard_indexes"),
    ("complaints", "0005_category_department"),
]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_duplicates_recorded_before_are_merged_keeping_every_record(point, staff_of, caplog):
    desk, tech = staff_of(Role.FRONT_DESK).user, staff_of(Role.TECHNICIAN).user
    hotline = staff_of(Role.HOTLINE).user
    migrate(BEFORE)
    try:
        oldest = CustomerFactory(point=point, name="王小明", phone="+8613912345678")
        twin = CustomerFactory(point=point, name="王先生", phone="+8613912345678", is_vip=True)
        third = CustomerFactory(point=point, name="王", phone="+8613912345678", notes="常客")
        other = CustomerFactory(point=point, phone="+8613700002222")
        erased = [CustomerFactory(point=point, phone="") for _ in range(2)]
        for customer in (oldest, twin, third, other):
            hand_over(point, desk, tech, customer)
            Visit.objects.create(
                point=point,
                channel=Channel.WALK_IN,
                purpose=Purpose.INQUIRY,
                customer=customer,
            )
        complaint_services.complaint_open(
            point=point,
            actor=hotline,
            customer=twin,
            channel="hotline",
            source="call",
            summary="屏幕又坏了",
            promised_reply_at=timezone.now() + dt.timedelta(hours=2),
        )
        callbacks = Callback.objects.count()
    finally:
        with caplog.at_level(logging.WARNING, logger="intake.customer_duplicates"):
            migrate(None)

    assert set(Customer.objects.values_list("pk", flat=True)) == {
        oldest.pk,
        other.pk,
        *(c.pk for c in erased),
    }
    assert RepairTicket.objects.filter(customer=oldest).count() == 3
    assert Visit.objects.filter(customer=oldest).count() == 3
    assert Complaint.objects.get().customer_id == oldest.pk
    assert Callback.objects.count() == callbacks
    assert not Callback.objects.filter(customer__in=[twin.pk, third.pk]).exists()
    oldest.refresh_from_db()
    assert oldest.is_vip and oldest.notes == "常客" and oldest.name == "王小明"
    assert f"customer {twin.pk} (point {point.pk}) merged into {oldest.pk}" in caplog.text
    assert "2 duplicate customer record(s) found" in caplog.text
