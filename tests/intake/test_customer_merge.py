"""One record per customer at a point (rules#customers): a supervisor merges two records of one
customer, every row of the duplicate moves to the kept record, audited once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from complaints import services as complaint_services
from complaints.models import Complaint
from followups.models import Callback
from intake.models import Channel, Customer, Device, MessageSlip, Purpose, Visit
from intake.services.merge import customer_merge
from intake.services.privacy import customer_erase
from intake.services.slips import slip_take
from repairs.models import RepairTicket
from servicedesk.models import AuditLog, Role
from tests.factories import CustomerFactory
from tests.intake.test_privacy import hand_over

pytestmark = pytest.mark.django_db


@pytest.fixture
def twice(point, staff_of):
    """王小明 recorded twice (a mobile, then an office number), each with a history."""
    point.callback_sample_rate = Decimal("1")
    point.save()
    desk, tech = staff_of(Role.FRONT_DESK).user, staff_of(Role.TECHNICIAN).user
    hotline = staff_of(Role.HOTLINE).user
    kept = CustomerFactory(point=point, name="王小明", phone="+8613912345678")
    duplicate = CustomerFactory(
        point=point, name="王小明", phone="+861065001234", is_vip=True, notes="住朝阳区"
    )
    hand_over(point, desk, tech, kept)
    hand_over(point, desk, tech, duplicate)
    hand_over(point, desk, tech, duplicate)
    complaint_services.complaint_open(
        point=point,
        actor=hotline,
        customer=duplicate,
        channel="hotline",
        source="call",
        summary="屏幕又坏了",
        promised_reply_at=timezone.now() + dt.timedelta(hours=2),
    )
    for who in (kept, duplicate, duplicate):
        Visit.objects.create(
            point=point,
            channel=Channel.WALK_IN,
            purpose=Purpose.INQUIRY,
            customer=who,
            contact_name=who.name,
            contact_phone=who.phone,
        )
    slip = slip_take(
        point=point,
        actor=hotline,
        caller_name="王先生",
        phone="01065001234",
        message="请回电",
        callback_due_at=timezone.now() + dt.timedelta(hours=3),
        addressee=tech,
        read_back_confirmed=True,
    )
    MessageSlip.objects.filter(pk=slip.pk).update(customer=duplicate)
    return {"kept": kept, "duplicate": duplicate, "supervisor": staff_of(Role.SUPERVISOR)}


def rows_of(customer) -> dict[str, int]:
    return {
        "tickets": RepairTicket.objects.filter(customer=customer).count(),
        "visits": Visit.objects.filter(customer=customer).count(),
        "devices": Device.objects.filter(customer=customer).count(),
        "slips": MessageSlip.objects.filter(customer=customer).count(),
        "complaints": Complaint.objects.filter(customer=customer).count(),
        "callbacks": Callback.objects.filter(customer=customer).count(),
    }


def test_a_merge_keeps_every_ticket_visit_and_record_of_both(twice):
    kept, duplicate = twice["kept"], twice["duplicate"]
    before = {k: rows_of(kept)[k] + rows_of(duplicate)[k] for k in rows_of(kept)}
    assert before["tickets"] == 3 and before["visits"] == 3 and before["callbacks"] >= 3

    counts = customer_merge(kept=kept, duplicate=duplicate, actor=twice["supervisor"].user)

    assert rows_of(kept) == before
    assert counts["repair_tickets"] == 2 and counts["visits"] == 2 and counts["complaints"] == 1
    assert not Customer.objects.filter(pk=duplicate.pk).exists()
    kept.refresh_from_db()
    # What the duplicate knew stays: VIP, notes, its number as the alternative contact.
    assert kept.is_vip and kept.notes == "住朝阳区" and kept.alt_phone == "+861065001234"


def test_a_merge_is_audited_once_without_personal_data(twice):
    kept, duplicate = twice["kept"], twice["duplicate"]
    customer_merge(kept=kept, duplicate=duplicate, actor=twice["supervisor"].user)
    entry = AuditLog.objects.get(action="customer.merged")
    assert entry.actor == twice["supervisor"].user and entry.object_id == str(kept.pk)
    assert entry.detail["duplicate"] == duplicate.pk and entry.detail["counts"]["repair_tickets"]
    assert "王" not in str(entry.detail) + entry.summary and "1065001234" not in str(entry.detail)


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.HOTLINE, Role.TECHNICIAN])
def test_only_the_points_supervisors_may_merge(twice, staff_of, role):
    with pytest.raises(PermissionDenied):
        customer_merge(kept=twice["kept"], duplicate=twice["duplicate"], actor=staff_of(role).user)
    assert Customer.objects.filter(pk=twice["duplicate"].pk).exists()


def test_an_erased_record_is_not_merged(twice):
    actor = twice["supervisor"].user
    customer_erase(customer=twice["duplicate"], actor=actor, reason="客户书面申请")
    with pytest.raises(ValidationError):
        customer_merge(kept=twice["kept"], duplicate=twice["duplicate"], actor=actor)
    assert Customer.objects.filter(pk=twice["duplicate"].pk).exists()


def test_one_customer_per_phone_at_a_point_but_erased_records_do_not_count(point, other_point):
    CustomerFactory(point=point, phone="+8613912345678")
    CustomerFactory(point=other_point, phone="+8613912345678")  # another point: its own record
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerFactory(point=point, phone="+8613912345678")
    CustomerFactory(point=point, phone="")
    CustomerFactory(point=point, phone="")  # two erased customers: no phone left, no conflict


# --- the page ---------------------------------------------------------------------------------


def test_supervisor_merges_from_the_customer_page(client, twice):
    kept, duplicate = twice["kept"], twice["duplicate"]
    client.force_login(twice["supervisor"].user)
    detail = client.get(reverse("intake:customer_detail", args=[kept.pk])).content.decode()
    url = reverse("intake:customer_merge", args=[kept.pk])
    assert url in detail
    page = client.get(url)
    assert page.status_code == 200
    assert f'value="{duplicate.pk}"' in page.content.decode()
    # Without the tick: refused, the choice kept.
    refused = client.post(url, {"duplicate": duplicate.pk})
    assert refused.status_code == 200 and Customer.objects.filter(pk=duplicate.pk).exists()
    assert refused.context["form"]["duplicate"].value() == str(duplicate.pk)
    response = client.post(url, {"duplicate": duplicate.pk, "confirm": "on"})
    assert response.status_code == 302
    assert RepairTicket.objects.filter(customer=kept).count() == 3
    assert AuditLog.objects.filter(action="customer.merged").count() == 1


@pytest.mark.parametrize(
    "role", [Role.FRONT_DESK, Role.HOTLINE, Role.TECHNICIAN, Role.CALLBACK_CLERK]
)
def test_other_roles_are_refused_the_merge_page(client, twice, staff_of, role):
    client.force_login(staff_of(role).user)
    url = reverse("intake:customer_merge", args=[twice["kept"].pk])
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"duplicate": twice["duplicate"].pk, "confirm": "on"}).status_code == 403
    )
    assert Customer.objects.filter(pk=twice["duplicate"].pk).exists()


def test_a_record_of_another_point_cannot_be_picked(client, twice, other_point):
    stranger = CustomerFactory(point=other_point, name="王小明")
    client.force_login(twice["supervisor"].user)
    url = reverse("intake:customer_merge", args=[twice["kept"].pk])
    response = client.post(url, {"duplicate": stranger.pk, "confirm": "on"})
    assert response.status_code == 200 and "duplicate" in response.context["form"].errors
    assert Customer.objects.filter(pk=stranger.pk).exists()


def test_the_desk_reuses_the_record_of_a_known_number(client, point, staff_of):
    known = CustomerFactory(point=point, name="张三", phone="+8613812345678")
    client.force_login(staff_of(Role.FRONT_DESK).user)
    response = client.post(
        reverse("intake:customer_create"),
        {"name": "张三", "phone": "138 1234 5678", "customer_type": "individual"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("repairs:ticket_open", args=[known.pk]))
    assert Customer.objects.filter(point=point).count() == 1
