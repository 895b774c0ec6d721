"""Data-protection requests: a customer's personal data exported or erased on request, by the
point's supervisor or service manager only, audited, without changing any statistics."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from complaints import services as complaint_services
from followups.models import Callback
from followups.reports import report_figures
from intake.models import Channel, Customer, MessageSlip, Purpose, Visit
from intake.selectors import customer_search
from intake.services.privacy import ERASED_NAME, customer_data_export, customer_erase
from intake.services.slips import slip_take
from repairs.models import Quote, RepairTicket
from reporting import monthly_export
from reporting.dashboard import quality_trends, today_figures
from reporting.exports import export_run, monthly_exports_due
from reporting.models import ExportJob, ExportKind
from reporting.staff_stats import staff_figures
from servicedesk.models import AuditLog, Role
from tests.factories import CustomerFactory, make_staff
from tests.opening import open_ticket
from tests.tickets import FULL, walk_to_handover

pytestmark = pytest.mark.django_db

PHONE = "+8613912345678"


def hand_over(point, desk, tech, customer, **extra):
    """A ticket taken through the real transitions: pickup signature, payment, satisfaction
    card with a comment, callbacks scheduled."""
    ticket = open_ticket(
        point, desk, customer, imei="", serial=f"SER{RepairTicket.objects.count():05d}"
    )
    payload = FULL | {"satisfaction_comment": "王先生很满意", **extra}
    return walk_to_handover(ticket, desk=desk, tech=tech, payload=payload)


@pytest.fixture
def world(point, other_point, staff_of):
    point.callback_sample_rate = Decimal("1")
    point.save()
    desk, tech = staff_of(Role.FRONT_DESK).user, staff_of(Role.TECHNICIAN).user
    hotline, supervisor = staff_of(Role.HOTLINE).user, staff_of(Role.SUPERVISOR)
    wang = CustomerFactory(
        point=point, name="王小明", phone=PHONE, alt_phone="+8613800001111", notes="住朝阳区"
    )
    neighbour = CustomerFactory(point=point, name="李大华", phone="+8613700002222")
    twin = CustomerFactory(point=other_point, name="王小明", phone=PHONE)  # same person elsewhere
    ticket = hand_over(point, desk, tech, wang)
    hand_over(point, desk, tech, neighbour)
    complaint_services.complaint_open(
        point=point,
        actor=hotline,
        customer=wang,
        channel="hotline",
        source="call",
        summary="王小明说屏幕又坏了",
        promised_reply_at=timezone.now() + dt.timedelta(hours=2),
        ticket=ticket,
    )
    Visit.objects.create(
        point=point,
        channel=Channel.HOTLINE,
        purpose=Purpose.INQUIRY,
        contact_name="王先生",
        contact_phone=PHONE,
        summary="问维修进度",
    )
    slip_take(
        point=point,
        actor=hotline,
        caller_name="王先生",
        phone="13912345678",
        message="请技术员回电",
        callback_due_at=timezone.now() + dt.timedelta(hours=3),
        addressee=tech,
        read_back_confirmed=True,
    )
    return {
        "wang": wang,
        "neighbour": neighbour,
        "twin": twin,
        "ticket": ticket,
        "supervisor": supervisor,
    }


def test_the_export_holds_everything_on_the_person_and_nobody_else(world):
    document = customer_data_export(customer=world["wang"], actor=world["supervisor"].user)
    text = json.dumps(document, ensure_ascii=False)
    assert document["customer"]["name"] == "王小明" and document["customer"]["phone"] == PHONE
    assert document["customer"]["notes"] == "住朝阳区"
    assert [t["number"] for t in document["repair_tickets"]] == [world["ticket"].number]
    ticket = document["repair_tickets"][0]
    assert ticket["pickup_signature"]["stored"] and ticket["pickup_signature"]["bytes"] > 0
    assert "iVBOR" not in text  # a signature is a reference, not the image
    assert ticket["satisfaction_card"] == {
        "rating": 5,
        "comment": "王先生很满意",
        "declined": False,
    }
    assert document["complaints"][0]["summary"] == "王小明说屏幕又坏了"
    assert len(document["callbacks"]) == 2
    assert [v["summary"] for v in document["visits_and_calls"]] == ["问维修进度"]
    assert [s["message"] for s in document["message_slips"]] == ["请技术员回电"]
    assert "李大华" not in text and "13700002222" not in text  # the neighbour
    assert str(world["twin"].pk) not in {str(document["customer"]["id"])}


def test_an_export_is_audited_without_the_data(world):
    customer_data_export(customer=world["wang"], actor=world["supervisor"].user)
    entry = AuditLog.objects.get(action="customer.data_exported")
    assert entry.actor == world["supervisor"].user and entry.object_id == str(world["wang"].pk)
    assert entry.detail["counts"]["repair_tickets"] == 1
    assert "王" not in json.dumps(entry.detail, ensure_ascii=False) + entry.summary


def statistics(point, supervisor):
    """Every figure the point's statistics show: dashboard, quality trends, staff statistics,
    callback report, and the monthly export's rows."""
    today = timezone.localdate()
    month = today.replace(day=1)
    return {
        "today": today_figures(user=supervisor),
        "trends": quality_trends(user=supervisor),
        "staff": staff_figures(
            user=supervisor, date_from=today - dt.timedelta(days=31), date_to=today
        ),
        "callback report": report_figures(point=point, month=month),
        "export rows": monthly_export.tickets_for(
            point=point, date_from=month, date_to=today
        ).count(),
    }


@pytest.mark.reliability(
    "Erasure request breaking the statistics",
    "a customer with tickets, complaint, callbacks, calls and slips erased: every dashboard,"
    " staff and report figure and the export's row count unchanged",
)
def test_erasure_keeps_every_statistic_and_the_monthly_export_rows(
    world, point, tmp_path, settings
):
    supervisor = world["supervisor"].user
    before = statistics(point, supervisor)
    customer_erase(customer=world["wang"], actor=supervisor, reason="顾客书面申请删除个人信息")
    assert statistics(point, supervisor) == before
    settings.EXPORTS_ROOT = tmp_path
    job_ids = monthly_exports_due(now=timezone.now() + dt.timedelta(days=32))
    for job_id in job_ids:
        export_run(job_id=job_id)
    job = ExportJob.objects.get(point=point, kind=ExportKind.MONTHLY)
    lines = (tmp_path / job.file_name).read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + 2 == 1 + job.rows_total  # both tickets still there
    assert "王" not in "".join(lines) and "13912345678" not in "".join(lines)


def test_after_erasure_nothing_finds_or_shows_the_person(world, point):
    wang, supervisor = world["wang"], world["supervisor"].user
    result = customer_erase(customer=wang, actor=supervisor, reason="顾客书面申请删除个人信息")
    assert result.counts["repair_tickets"] == 1 and result.counts["message_slips"] == 1
    for query in ("13912345678", "139 1234 5678", "13800001111", "王小", "王小明"):
        assert wang not in customer_search(user=supervisor, query=query)
    # Found by its ticket number, the record no longer says who it was.
    assert [c.name for c in customer_search(user=supervisor, query=world["ticket"].number)] == [
        ERASED_NAME
    ]
    wang.refresh_from_db()
    assert (wang.name, wang.phone, wang.alt_phone, wang.notes) == (ERASED_NAME, "", "", "")
    ticket = RepairTicket.objects.get(pk=world["ticket"].pk)
    assert ticket.pickup_signature_png is None and ticket.contact_phone == ""
    assert ticket.fault_description == ""
    assert ticket.satisfaction.rating == 5 and ticket.satisfaction.comment == ""
    assert not Quote.objects.filter(ticket=ticket, signature_png__isnull=False).exists()
    assert not MessageSlip.objects.filter(point=point).exclude(phone="").exists()
    assert not Visit.objects.filter(point=point, contact_phone=PHONE).exists()
    complaint = wang.complaints.get()
    assert complaint.summary == "" and complaint.stage == "received"
    assert Callback.objects.filter(customer=wang).count() == 2  # the rows stay, for the figures
    # ... but none is left for a clerk to call: the number is gone.
    assert set(Callback.objects.filter(customer=wang).values_list("status", flat=True)) == {
        "closed"
    }
    assert result.counts["open_callbacks_closed"] == 2
    document = customer_data_export(customer=wang, actor=supervisor)
    assert "王小明" not in json.dumps(document, ensure_ascii=False)
    # The neighbour and the same person at another point are untouched.
    world["neighbour"].refresh_from_db()
    world["twin"].refresh_from_db()
    assert world["neighbour"].name == "李大华" and world["twin"].phone == PHONE


def test_an_erasure_is_audited_once_and_cannot_be_repeated(world):
    wang, supervisor = world["wang"], world["supervisor"].user
    customer_erase(customer=wang, actor=supervisor, reason="顾客书面申请")
    with pytest.raises(ValidationError):
        customer_erase(customer=wang, actor=supervisor, reason="顾客书面申请")
    entry = AuditLog.objects.get(action="customer.erased")
    assert entry.actor == supervisor and entry.object_id == str(wang.pk)
    assert entry.detail["reason"] == "顾客书面申请" and entry.detail["counts"]["complaints"] == 1
    assert "王小明" not in json.dumps(entry.detail, ensure_ascii=False) + entry.summary
    with pytest.raises(ValidationError):  # nor can a ticket be opened for the erased record
        open_ticket(wang.point, make_staff(Role.FRONT_DESK, point=wang.point).user, wang)


def test_an_erasure_needs_a_reason(world):
    with pytest.raises(ValidationError) as exc:
        customer_erase(customer=world["wang"], actor=world["supervisor"].user, reason=" ")
    assert "reason" in exc.value.message_dict
    assert Customer.objects.get(pk=world["wang"].pk).erased_at is None


@pytest.mark.parametrize(
    "role",
    [Role.FRONT_DESK, Role.TECHNICIAN, Role.HOTLINE, Role.CALLBACK_CLERK, Role.REGIONAL_CENTER],
)
def test_other_roles_may_neither_export_nor_erase(role, world, point):
    user = make_staff(role, point=point, region=point.region).user
    with pytest.raises(PermissionDenied):
        customer_data_export(customer=world["wang"], actor=user)
    with pytest.raises(PermissionDenied):
        customer_erase(customer=world["wang"], actor=user, reason="试图删除")


# --- the pages ----------------------------------------------------------------------------


def test_the_customer_page_offers_the_buttons_to_supervisors_only(client, world, staff_of):
    url = reverse("intake:customer_detail", args=[world["wang"].pk])
    client.force_login(world["supervisor"].user)
    page = client.get(url).content.decode()
    assert reverse("intake:customer_erase", args=[world["wang"].pk]) in page
    assert reverse("intake:customer_data_export", args=[world["wang"].pk]) in page
    client.force_login(staff_of(Role.FRONT_DESK).user)
    page = client.get(url).content.decode()
    assert reverse("intake:customer_erase", args=[world["wang"].pk]) not in page


def test_the_export_is_a_json_download_by_post(client, world):
    client.force_login(world["supervisor"].user)
    url = reverse("intake:customer_data_export", args=[world["wang"].pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    assert "王小明" not in response["Content-Disposition"]
    assert json.loads(response.content)["customer"]["phone"] == PHONE


def test_erasing_takes_a_second_step_with_the_reason(client, world):
    client.force_login(world["supervisor"].user)
    url = reverse("intake:customer_erase", args=[world["wang"].pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "王小明" in confirm.content.decode()
    unticked = client.post(url, {"reason": "顾客书面申请"})
    assert unticked.status_code == 200 and unticked.context["form"].errors["confirm"]
    assert Customer.objects.get(pk=world["wang"].pk).erased_at is None
    done = client.post(url, {"reason": "顾客书面申请", "confirm": "on"})
    assert done.status_code == 302
    assert Customer.objects.get(pk=world["wang"].pk).erased_at is not None
    page = client.get(done["Location"]).content.decode()
    assert "王小明" not in page and "13912345678" not in page.replace(" ", "")


@pytest.mark.reliability(
    "Personal data exported or erased by someone without the right",
    "desk roles POST the export and the erasure: 403; another point's supervisor: 404",
)
@pytest.mark.parametrize("name", ["intake:customer_erase", "intake:customer_data_export"])
@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.HOTLINE, Role.CALLBACK_CLERK])
def test_other_roles_get_403_and_another_point_404(
    client, world, staff_of, other_point, name, role
):
    client.force_login(staff_of(role).user)
    url = reverse(name, args=[world["wang"].pk])
    assert client.post(url, {"reason": "试图删除", "confirm": "on"}).status_code == 403
    client.force_login(make_staff(Role.SUPERVISOR, point=other_point).user)
    assert client.post(url, {"reason": "试图删除", "confirm": "on"}).status_code == 404
    assert Customer.objects.get(pk=world["wang"].pk).erased_at is None
