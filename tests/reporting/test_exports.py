"""DOMAIN 8: the monthly CSV to the regional center, and on-demand exports."""

import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from complaints.models import Complaint
from parts.models import PartLine
from repairs.models import SatisfactionCard, WarrantyStatus
from reporting.exports import export_request, export_run, job_path, monthly_exports_due
from reporting.models import ExportJob, ExportKind, ExportStatus
from reporting.tasks import export_run_task
from servicedesk.models import AuditLog, Role
from tests.factories import ServicePointFactory, make_staff
from tests.followups.conftest import handed_over_ticket

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def exports_root(settings, tmp_path):
    settings.EXPORTS_ROOT = tmp_path / "exports"
    return settings.EXPORTS_ROOT


def read_export(job):
    job.refresh_from_db()
    raw = job_path(job).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM so Excel reads Chinese correctly"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.fixture
def hostile_ticket(point, staff_of):
    technician = staff_of(Role.TECHNICIAN, display_name="李工")
    ticket = handed_over_ticket(point, handed_over_at=dt.datetime(2026, 10, 20, 15, 0, tzinfo=TZ))
    ticket.created_at = dt.datetime(2026, 10, 19, 9, 30, tzinfo=TZ)
    ticket.ready_at = dt.datetime(2026, 10, 20, 11, 5, tzinfo=TZ)
    ticket.fault_description = '=HYPERLINK("http://evil.example","点我")'
    ticket.fault_confirmed = "+1 主板故障"
    ticket.repair_method = "-2 更换屏幕"
    ticket.warranty_status = WarrantyStatus.OUT_OF_WARRANTY
    ticket.warranty_reason_text = "\t超过保修期"
    ticket.labor_fee = Decimal("80.00")
    ticket.technician = technician.user
    ticket.save()
    PartLine.objects.create(
        ticket=ticket, name="@SUM(1) 屏幕", quantity=1, consumed=1, unit_price=Decimal("620.50")
    )
    PartLine.objects.create(
        ticket=ticket, name="螺丝", quantity=4, consumed=4, unit_price=Decimal("0.35")
    )
    SatisfactionCard.objects.create(ticket=ticket, rating=4)
    Complaint.objects.create(
        point=ticket.point,
        customer=ticket.customer,
        owner=technician.user,
        channel="walk_in",
        source="visit",
        summary="收费太高",
        ticket=ticket,
    )
    device = ticket.device
    device.model_name = "@SUM(A1)"
    device.imei = "490154203237518"
    device.save()
    return ticket


@pytest.mark.reliability(
    "CSV formula injection",
    "customer text starting with =, +, -, @, tab, CR, LF in the monthly export",
)
def test_exported_file_has_every_column_bom_and_no_runnable_formula(
    hostile_ticket, point, staff_of, django_capture_on_commit_callbacks
):
    supervisor = staff_of(Role.SUPERVISOR)
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(
            actor=supervisor.user,
            point=point,
            date_from=dt.date(2026, 10, 1),
            date_to=dt.date(2026, 10, 31),
        )
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.rows_total == 1
    header, row = read_export(job)
    assert header == [
        "维修单号",
        "网点编码",
        "接机时间",
        "修好时间",
        "交机时间",
        "机型",
        "IMEI/序列号",
        "保修判定",
        "判定原因",
        "故障现象",
        "故障确认",
        "维修措施",
        "工时费",
        "更换配件",
        "配件费",
        "维修工程师",
        "满意度评分",
        "投诉",
        "返修",
        "处理结果",
    ]
    assert row == [
        hostile_ticket.number,
        point.code,
        "2026-10-19 09:30",
        "2026-10-20 11:05",
        "2026-10-20 15:00",
        "'@SUM(A1)",
        "490154203237518",
        "保外",
        "'\t超过保修期",
        '\'=HYPERLINK("http://evil.example","点我")',
        "'+1 主板故障",
        "'-2 更换屏幕",
        "80.00",
        "'@SUM(1) 屏幕 x1; 螺丝 x4",
        "621.90",
        "李工",
        "4",
        "1",
        "0",
        "修复交机",
    ]
    written = AuditLog.objects.get(action="export.written")
    assert written.actor == supervisor.user
    assert written.detail == {
        "kind": "on_demand",
        "from": "2026-10-01",
        "to": "2026-10-31",
        "rows": 1,
    }


def test_only_tickets_opened_in_the_range_are_exported(point, staff_of):
    inside = handed_over_ticket(point, handed_over_at=dt.datetime(2026, 10, 31, 23, 0, tzinfo=TZ))
    inside.created_at = dt.datetime(2026, 10, 31, 23, 59, tzinfo=TZ)  # local date: 31 October
    inside.save()
    outside = handed_over_ticket(point, handed_over_at=dt.datetime(2026, 11, 2, tzinfo=TZ))
    outside.created_at = dt.datetime(2026, 11, 1, 0, 0, tzinfo=TZ)
    outside.save()
    job = ExportJob.objects.create(
        point=point,
        kind=ExportKind.ON_DEMAND,
        date_from=dt.date(2026, 10, 1),
        date_to=dt.date(2026, 10, 31),
    )
    export_run(job_id=job.pk)
    numbers = [row[0] for row in read_export(job)[1:]]
    assert numbers == [inside.number]


def test_monthly_job_is_created_once_and_rerun_replaces_the_file(point, staff_of):
    now = dt.datetime(2026, 11, 1, 2, 0, tzinfo=TZ)
    ids = monthly_exports_due(now=now)
    assert monthly_exports_due(now=now) == ids  # same job, not a second one
    (job_id,) = ExportJob.objects.filter(
        pk__in=ids, point=point, kind=ExportKind.MONTHLY
    ).values_list("pk", flat=True)
    export_run_task(job_id)
    job = ExportJob.objects.get(pk=job_id)
    assert (job.date_from, job.date_to) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert len(read_export(job)) == 1  # header only: no tickets yet
    ticket = handed_over_ticket(point, handed_over_at=dt.datetime(2026, 10, 5, tzinfo=TZ))
    ticket.created_at = dt.datetime(2026, 10, 4, 10, 0, tzinfo=TZ)
    ticket.save()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.PENDING)
    export_run(job_id=job.pk)
    assert len(read_export(job)) == 2
    assert ExportJob.objects.filter(point=point, kind=ExportKind.MONTHLY).count() == 1
    assert not [p for p in job_path(job).parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.reliability(
    "Export task delivered twice",
    "the same export job run twice: one file, one audit row",
)
def test_a_job_is_run_once_even_if_delivered_twice(point):
    job = ExportJob.objects.create(
        point=point,
        kind=ExportKind.ON_DEMAND,
        date_from=dt.date(2026, 10, 1),
        date_to=dt.date(2026, 10, 31),
    )
    assert export_run(job_id=job.pk) is not None
    assert export_run(job_id=job.pk) is None
    assert AuditLog.objects.filter(action="export.written").count() == 1


@pytest.mark.reliability(
    "Another region's export downloaded",
    "a regional center asks for another region's file: 404; its own downloads are audited",
)
def test_regional_center_gets_every_point_of_its_region_and_nothing_else(client, point):
    sibling = ServicePointFactory(region=point.region)
    stranger = ServicePointFactory()
    now = dt.datetime(2026, 11, 1, 2, 0, tzinfo=TZ)
    for job_id in monthly_exports_due(now=now):
        export_run(job_id=job_id)
    regional = make_staff(Role.REGIONAL_CENTER, region=point.region)
    client.force_login(regional.user)
    listed = {job.point for job in client.get(reverse("reporting:export_list")).context["page"]}
    assert listed == {point, sibling}
    mine = ExportJob.objects.get(point=sibling, kind=ExportKind.MONTHLY)
    response = client.post(reverse("reporting:export_download", args=[mine.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    b"".join(response.streaming_content)
    theirs = ExportJob.objects.get(point=stranger, kind=ExportKind.MONTHLY)
    assert client.post(reverse("reporting:export_download", args=[theirs.pk])).status_code == 404
    assert AuditLog.objects.filter(action="export.downloaded", actor=regional.user).count() == 1


def test_regional_center_may_request_an_export_but_not_change_data(
    client, point, django_capture_on_commit_callbacks
):
    regional = make_staff(Role.REGIONAL_CENTER, region=point.region)
    client.force_login(regional.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:export_list"),
            {"point": point.pk, "date_from": "2026-10-01", "date_to": "2026-10-31"},
        )
    assert response.status_code == 302
    assert ExportJob.objects.get().status == ExportStatus.DONE


def test_bad_range_gives_a_field_error(client, point, staff_of):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    response = client.post(
        reverse("reporting:export_list"),
        {"point": point.pk, "date_from": "2026-10-31", "date_to": "2026-10-01"},
    )
    assert response.status_code == 200 and response.context["form"].errors["date_to"]
    assert not ExportJob.objects.exists()


@pytest.mark.reliability(
    "Export by a role without the need",
    "desk roles open the export page: 403",
)
@pytest.mark.parametrize(
    "role", [Role.FRONT_DESK, Role.TECHNICIAN, Role.HOTLINE, Role.CALLBACK_CLERK]
)
def test_desk_roles_cannot_export(role, client, staff_of):
    client.force_login(staff_of(role).user)
    assert client.get(reverse("reporting:export_list")).status_code == 403
