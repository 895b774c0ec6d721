"""How the screens say things (UX 4): staff by name and staff number, never the login name; times
in the point's time zone in one format; dates in date boxes in ISO form; rates as percentages;
phones grouped; "全部" where all is meant; the audit log in words with links."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from complaints import services as complaints
from intake.models import Channel, Purpose, Visit
from servicedesk import audit
from servicedesk.models import AuditLog, Role
from servicedesk.people import person_label
from tests import urlwalk
from tests.factories import CustomerFactory, make_staff

pytestmark = pytest.mark.django_db

ROLES = [role for role in Role if role != Role.ADMIN]


def test_staff_are_labelled_by_name_and_number(staff_of):
    staff = staff_of(Role.HOTLINE)
    staff.display_name, staff.staff_number = "张热线", "1023"
    staff.save()
    assert person_label(staff.user) == "张热线 · 1023"
    # Wherever an account is printed as text (dropdowns, timelines), it reads the same way.
    assert str(staff.user) == "张热线 · 1023"


def _demo_login_names() -> list[str]:
    """Give every account a login name as the demo data spells them (``bj01.hotline``,
    ``bj01.hotline2`` for a second one, ``north.regional_center`` for a region's staff)."""
    names: list[str] = []
    for user in (
        get_user_model()
        .objects.select_related("staff_profile__point", "staff_profile__region")
        .order_by("pk")
    ):
        profile = getattr(user, "staff_profile", None)
        place = profile and (profile.point or profile.region)
        base = f"{place.code.lower() if place else 'hq'}.{profile.role if profile else 'admin'}"
        name, n = base, 1
        while name in names:
            n += 1
            name = f"{base}{n}"
        user.username = name
        user.save(update_fields=["username"])
        names.append(name)
    return names


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_no_login_name_appears_on_any_page_of_the_walk(role, point, client):
    mine = urlwalk.make_objects(point)
    me = make_staff(role, point=point, region=point.region)
    logins = _demo_login_names()
    assert "bj01.hotline" in logins and "bj01.supervisor" in logins
    client.force_login(me.user)
    plain, objects = urlwalk.registry()
    shown = []
    for name in sorted(set(plain) | set(objects)):
        url = urlwalk.url_for(name, mine)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        shown += [f"{name} ({url}): {login}" for login in logins if login in page]
    assert not shown, "Pages showing a login name:\n" + "\n".join(shown)


def test_a_complaint_transfer_names_the_new_owner_by_name_and_number(point, staff_of):
    first, second = staff_of(Role.HOTLINE), staff_of(Role.FRONT_DESK)
    second.user.username = "bj01.front_desk"
    second.user.save()
    complaint = complaints.complaint_open(
        point=point,
        actor=first.user,
        customer=CustomerFactory(point=point),
        channel="hotline",
        source="call",
        summary="屏幕闪烁",
        promised_reply_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=4),
    )
    complaints.transfer_ownership(complaint=complaint, actor=first.user, new_owner=second.user)
    note = complaint.contacts.get(kind="transfer").note
    assert person_label(second.user) in note and "bj01.front_desk" not in note


def test_complaint_page_shows_its_calls_time_in_the_points_time_zone(point, staff_of, client):
    owner = staff_of(Role.HOTLINE)
    call_at = dt.datetime(2026, 11, 30, 18, 13, tzinfo=dt.UTC)  # 02:13 on 12-01 in Shanghai
    call = Visit.objects.create(
        point=point, channel=Channel.HOTLINE, purpose=Purpose.COMPLAINT, arrived_at=call_at
    )
    complaint = complaints.complaint_open(
        point=point,
        actor=owner.user,
        customer=CustomerFactory(point=point),
        channel="hotline",
        source="call",
        summary="屏幕闪烁",
        visit=call,
        promised_reply_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=4),
    )
    regional = make_staff(Role.REGIONAL_CENTER, region=point.region)
    for reader in (owner.user, regional.user):  # the point's staff and the regional center
        client.force_login(reader)
        page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
        assert "2026-12-01 02:13" in page
        assert "18:13" not in page
        assert reverse("intake:call_detail", args=[call.pk]) in page
        queue = client.get(reverse("complaints:queue")).content.decode()
        assert "18:13" not in queue


def test_staff_statistics_date_boxes_are_filled_in_iso_form(point, staff_of, client):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    page = client.get(
        reverse("reporting:staff_stats"), {"date_from": "2026-11-03", "date_to": "2026-11-30"}
    ).content.decode()
    assert 'value="2026-11-03"' in page and 'value="2026-11-30"' in page
    assert "2026/11/03" not in page


def test_sampling_rate_is_typed_and_shown_as_a_percentage(point, staff_of, client):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    url = reverse("servicedesk:point_settings", args=[point.pk])
    page = client.get(url).content.decode()
    assert re.search(r'name="callback_sample_rate"[^>]*value="30"', page)
    assert point.callback_sample_rate == Decimal("0.30")


def test_yes_no_filters_offer_all_not_unknown(point, staff_of, client):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    page = client.get(reverse("complaints:queue")).content.decode()
    overdue = re.search(r'<select name="overdue".*?</select>', page, re.S).group(0)
    assert "全部" in overdue and "未知" not in overdue
    tickets = client.get(reverse("repairs:ticket_list")).content.decode()
    for name in ("technician", "warranty"):
        select = re.search(rf'<select name="{name}".*?</select>', tickets, re.S).group(0)
        assert re.search(r'<option value=""[^>]*>全部</option>', select), select


def test_readback_script_groups_the_phone():
    from django.template import Context, Template

    rendered = Template("{{ number|phone }}").render(Context({"number": "+8613812340000"}))
    assert rendered == "138 1234 0000"


def test_audit_log_speaks_in_words_with_links(point, staff_of, client):
    supervisor = staff_of(Role.SUPERVISOR)
    customer = CustomerFactory(point=point)
    audit.audit_customer_phone_revealed(actor=supervisor.user, customer=customer)
    AuditLog.objects.create(
        actor=supervisor.user,
        point=point,
        action="complaint.compensation_decided",
        object_type="complaints.compensationoffer",
        object_id="5",
        summary="¥30.00 approved",
        detail={"amount": "30.00", "status": "approved", "complaint": 7},
    )
    client.force_login(supervisor.user)
    page = client.get(reverse("servicedesk:audit_list")).content.decode()
    page = page[page.index("<tbody>") :]
    assert "complaint.compensation_decided" not in page and "pii.phone_revealed" not in page
    assert "approved" not in page
    assert reverse("intake:customer_detail", args=[customer.pk]) in page
    assert reverse("complaints:detail", args=[7]) in page


def test_audit_log_words_settings_warranty_exports_and_compensation(point, staff_of, client):
    manager = staff_of(Role.SERVICE_MANAGER)
    hours = [["09:00", "12:00"], ["14:00", "20:00"]]
    audit.audit_point_settings_changed(
        actor=manager.user,
        point=point,
        changes={
            "callback_sample_rate": ["0.30", "0.50"],
            "calling_hours": [str(hours), str([["08:30", "12:00"]])],
            "print_format": ["a5", "receipt80"],
        },
    )
    AuditLog.objects.create(
        actor=manager.user,
        point=point,
        action="ticket.warranty_overridden",
        object_type="repairs.repairticket",
        object_id="3",
        summary="BJ01-000003: free_repair → out_of_warranty",
        detail={"before": "free_repair", "after": "out_of_warranty", "reason": "进水"},
    )
    AuditLog.objects.create(
        actor=manager.user,
        point=point,
        action="export.downloaded",
        object_type="reporting.exportjob",
        object_id="4",
        summary="2026-11-01–2026-11-30 (120)",
        detail={"kind": "on_demand", "from": "2026-11-01", "to": "2026-11-30", "rows": 120},
    )
    AuditLog.objects.create(
        actor=manager.user,
        point=point,
        action="complaint.compensation_decided",
        object_type="complaints.compensationoffer",
        object_id="5",
        summary="¥30.00 approved",
        detail={"amount": "30.00", "status": "approved", "complaint": 7},
    )
    audit.audit_device_history_shown(
        actor=manager.user,
        point=point,
        purpose="intake_preview",
        device_key="k",
        shown=[("SH01", 9)],
    )
    client.force_login(manager.user)
    page = client.get(reverse("servicedesk:audit_list")).content.decode()
    rows = page[page.index("<tbody>") :]
    assert "填写接机单时 · SH01" in rows
    for code in ("callback_sample_rate", "calling_hours", "receipt80", "free_repair", "on_demand"):
        assert code not in rows
    assert "回访抽样比例: 30% → 50%" in rows
    assert "09:00-12:00, 14:00-20:00 → 08:30-12:00" in rows
    assert "BJ01-000003: 免费维修 → 保外（收费维修）" in rows
    assert "2026-11-01 – 2026-11-30 · 120 行" in rows
    assert "批准 ¥30.00" in rows
    assert reverse("repairs:ticket_detail", args=[3]) in rows
    assert reverse("servicedesk:point_detail", args=[point.pk]) in rows
    # The filters offer everyone and every point as 全部, people by name and staff number.
    form = page[: page.index("<tbody>")]
    assert '<option value="" selected>全部</option>' in form and "---------" not in form
    assert person_label(manager.user) in form


def test_a_failed_login_is_shown_by_the_person_it_tried(point, staff_of, client):
    hotline = staff_of(Role.HOTLINE)
    hotline.user.username = "bj01.hotline"
    hotline.user.save()
    audit.audit_login_failed(username="bj01.hotline", ip_address="10.0.0.8")
    client.force_login(make_staff(Role.ADMIN).user)
    page = client.get(reverse("servicedesk:audit_list")).content.decode()
    rows = page[page.index("<tbody>") :]
    assert "登录失败" in rows and person_label(hotline.user) in rows
    assert "bj01.hotline" not in rows


def test_the_dashboards_average_wait_counts_who_is_waiting_now(point, staff_of, client):
    now = dt.datetime(2026, 11, 23, 4, 0, tzinfo=dt.UTC)  # noon in Shanghai
    for minutes in (10, 14, 18):
        Visit.objects.create(
            point=point,
            channel=Channel.WALK_IN,
            purpose=Purpose.REPAIR,
            arrived_at=now - dt.timedelta(minutes=minutes),
        )
    client.force_login(staff_of(Role.SUPERVISOR).user)
    with time_machine.travel(now, tick=False):
        page = client.get(reverse("reporting:dashboard")).content.decode()
    assert "当前等候 3 人" in page and "平均等候 14.0 分钟" in page
    assert "平均等候 0.0 分钟" not in page
    # Every chart's value axis carries its unit (0%, 0 分钟, 0 小时, 0 件), never a bare 0.
    assert page.count('<svg class="chart"') >= 10 and ">0</text>" not in page
    assert ">0 件</text>" in page


def test_date_boxes_are_filled_in_iso_form_whatever_the_language(point, staff_of, client):
    from django.utils import translation

    from reporting.forms import PeriodForm
    from servicedesk import inputs

    for language in ("zh-hans", "en"):
        with translation.override(language):
            html = inputs.DateInput().render("d", dt.date(2026, 11, 3))
            assert 'type="date"' in html and 'value="2026-11-03"' in html
            moment = dt.datetime(2026, 11, 3, 6, 5, tzinfo=dt.UTC)  # 14:05 in Shanghai
            html = inputs.DateTimeLocalInput().render("t", timezone.localtime(moment))
            assert 'type="datetime-local"' in html and 'value="2026-11-03T14:05"' in html
    form = PeriodForm(initial={"date_from": dt.date(2026, 11, 3)})
    assert 'value="2026-11-03"' in str(form["date_from"])


def test_the_sampling_rate_is_typed_in_percent_and_stored_as_before(point, staff_of, client):
    from tests.servicedesk.test_points import _form_data

    client.force_login(staff_of(Role.SERVICE_MANAGER).user)
    url = reverse("servicedesk:point_settings", args=[point.pk])
    refused = client.post(url, _form_data(point, callback_sample_rate="101"))
    assert refused.status_code == 200 and "callback_sample_rate" in refused.context["form"].errors
    assert client.post(url, _form_data(point, callback_sample_rate="35")).status_code == 302
    point.refresh_from_db()
    assert point.callback_sample_rate == Decimal("0.35")
    detail = client.get(reverse("servicedesk:point_detail", args=[point.pk])).content.decode()
    assert "35%" in detail


def test_the_slip_read_back_script_reads_the_phone_grouped(point, staff_of, client):
    operator, engineer = staff_of(Role.HOTLINE), staff_of(Role.TECHNICIAN)
    call = Visit.objects.create(
        point=point, channel=Channel.HOTLINE, purpose=Purpose.TECHNICAL, created_by=operator.user
    )
    due = timezone.localtime() + dt.timedelta(hours=3)
    client.force_login(operator.user)
    page = client.post(
        reverse("intake:visit_slip", args=[call.pk]),
        {
            "caller_name": "孙先生",
            "phone": "+86 138-1234-0000",
            "message": "想问换屏价格",
            "addressee": engineer.user.pk,
            "callback_due_at": due.strftime("%Y-%m-%dT%H:%M"),
            "step": "check",
        },
    ).content.decode()
    start = page.index("data-readback")
    script = page[start : page.index("<form", start)]
    assert "想问换屏价格" in script and "138 1234 0000" in script and "+86" not in script


def test_the_dashboards_today_is_the_points_own_day(point, staff_of, client):
    point.time_zone = "Asia/Urumqi"  # two hours behind Beijing
    point.save()
    now = dt.datetime(2026, 11, 22, 17, 50, tzinfo=dt.UTC)  # 23:50 in Urumqi, 01:50 in Beijing
    Visit.objects.create(
        point=point,
        channel=Channel.WALK_IN,
        purpose=Purpose.REPAIR,
        arrived_at=dt.datetime(2026, 11, 22, 15, 30, tzinfo=dt.UTC),  # 21:30 there, still today
    )
    client.force_login(staff_of(Role.SUPERVISOR).user)
    with time_machine.travel(now, tick=False):
        response = client.get(reverse("reporting:dashboard"))
    assert response.context["today"]["arrivals"] == 1


def test_dropdowns_of_colleagues_show_name_and_staff_number(point, staff_of, client):
    operator, engineer = staff_of(Role.HOTLINE), staff_of(Role.TECHNICIAN)
    engineer.display_name, engineer.staff_number = "李工", "2048"
    engineer.save()
    call = Visit.objects.create(
        point=point, channel=Channel.HOTLINE, purpose=Purpose.TECHNICAL, created_by=operator.user
    )
    client.force_login(operator.user)
    page = client.get(reverse("intake:visit_slip", args=[call.pk])).content.decode()
    options = re.findall(r"<option[^>]*>([^<]*)</option>", page)
    assert "李工 · 2048 (维修工程师)" in options, options
