"""Tenant isolation of lists, searches, figures and exports (DOMAIN 1): two points hold look-alike
data (the same customer name and phone, the same IMEI, ticket numbers that differ only in the point
code, one code a prefix of the other); another point's rows never show, and another point's ids
sent inside a form's body are refused without a change."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from complaints.services import complaint_open, escalate, offer_compensation
from followups.models import Callback, CallbackKind, CallbackStatus, SelectionReason
from followups.reports import callback_report_generate
from intake.models import Channel, Purpose, Visit
from intake.services.hotline import call_log
from intake.services.slips import slip_take
from parts.models import Part
from repairs.actions import ticket_start_diagnosis
from repairs.models import RepairType
from reporting import exports as exporting
from reporting.models import ExportJob
from servicedesk.models import Department, Role
from tests import urlwalk
from tests.factories import (
    CustomerFactory,
    RegionFactory,
    ServicePointFactory,
    in_stock,
    make_staff,
)
from tests.opening import VALID_IMEI, open_ticket

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
SAME_NAME, SAME_PHONE = "王小明", "+8613800138000"
ROLES = [role for role in Role if role != Role.ADMIN]


def seed(point, marker: str) -> dict:
    """One point's look-alike data; every free text carries ``marker``."""
    staff = {
        role: make_staff(role, point=point, display_name=f"{marker}{role[:4]}")
        for role in (Role.FRONT_DESK, Role.TECHNICIAN, Role.HOTLINE, Role.SUPERVISOR)
    }
    desk, tech = staff[Role.FRONT_DESK].user, staff[Role.TECHNICIAN].user
    customer = CustomerFactory(
        point=point, name=SAME_NAME, phone=SAME_PHONE, company=f"{marker}公司"
    )
    RepairType.objects.create(point=point, code="SCREEN", name=f"{marker}换屏", labor_fee=80)
    in_stock(
        Part.objects.create(point=point, code="P1", name=f"{marker}屏幕", price=Decimal("100"))
    )
    waiting = open_ticket(point, desk, customer, fault_description=f"{marker}不开机")
    diagnosing = open_ticket(
        point, desk, customer, imei="", serial="SN-LOOKALIKE-1", fault_description=f"{marker}进水"
    )
    ticket_start_diagnosis(ticket=diagnosing, actor=tech, version=1)
    board = Visit.objects.create(
        point=point,
        channel=Channel.WALK_IN,
        purpose=Purpose.REPAIR,
        contact_name=f"{marker}排队",
        contact_phone=SAME_PHONE,
    )
    department = Department.objects.create(point=point, name=f"{marker}质量部")
    call = call_log(
        point=point,
        actor=staff[Role.HOTLINE].user,
        token=uuid.uuid4(),
        caller_kind="customer",
        purpose=Purpose.SUGGESTION,
        summary=f"{marker}建议延长营业",
        rings_to_answer=2,
        customer=customer,
        department=department,
        now=NOW - dt.timedelta(minutes=20),
    )
    call_log(
        point=point,
        actor=staff[Role.HOTLINE].user,
        token=uuid.uuid4(),
        caller_kind="customer",
        purpose=Purpose.PRAISE,
        summary=f"{marker}表扬师傅",
        rings_to_answer=5,
        customer=customer,
        praised_staff=tech,
        now=NOW - dt.timedelta(minutes=10),
    )
    slip = slip_take(
        point=point,
        actor=staff[Role.HOTLINE].user,
        caller_name=SAME_NAME,
        phone=SAME_PHONE,
        message=f"{marker}留言",
        callback_due_at=NOW - dt.timedelta(hours=1),
        addressee=staff[Role.SUPERVISOR].user,
        read_back_confirmed=True,
        now=NOW - dt.timedelta(hours=3),
    )
    complaint = complaint_open(
        point=point,
        actor=staff[Role.HOTLINE].user,
        customer=customer,
        channel="hotline",
        source="call",
        summary=f"{marker}投诉态度",
        ticket=waiting,
        promised_reply_at=NOW + dt.timedelta(hours=4),
        now=NOW,
    )
    escalate(complaint=complaint, actor=staff[Role.HOTLINE].user, note=f"{marker}上报")
    offer_compensation(
        complaint=complaint,
        actor=staff[Role.HOTLINE].user,
        amount=Decimal("150"),
        description=f"{marker}补偿",
    )
    for kind, status, due in (
        (CallbackKind.FIRST, CallbackStatus.DUE, NOW),
        (CallbackKind.SECOND, CallbackStatus.SCHEDULED, NOW + dt.timedelta(days=1)),
    ):
        Callback.objects.create(
            point=point,
            customer=customer,
            ticket=waiting,
            kind=kind,
            status=status,
            reason=SelectionReason.SAMPLED,
            window_start=due.date(),
            window_end=due.date(),
            due_at=due - dt.timedelta(hours=1),
            window_closes_at=due + dt.timedelta(hours=8),
        )
    report = callback_report_generate(point=point, month=dt.date(2026, 10, 1))
    return {
        "staff": staff,
        "customer": customer,
        "tickets": [waiting, diagnosing],
        "visit": board,
        "call": call,
        "slip": slip,
        "complaint": complaint,
        "report": report,
        "markers": [
            marker,
            waiting.number,
            diagnosing.number,
            *(f"/repairs/{t.pk}/" for t in (waiting, diagnosing)),
            f"/desk/customers/{customer.pk}/",
            f"/complaints/{complaint.pk}/",
            f"/desk/hotline/calls/{call.pk}/",
            f"/desk/hotline/departments/{department.pk}/",
        ],
    }


def pages(mine: dict) -> list[str]:
    """Every list, search, queue and figure page, and my own objects' pages."""
    plain, _objects = urlwalk.registry()
    skip = {"login", "logout", "set_language", "health"}
    ticket = mine["tickets"][0]
    urls = [reverse(name) for name in sorted(plain - skip)]
    urls += [
        urlwalk.url_for(name, mine["objects"])
        for name in sorted(urlwalk.registry()[1])
        if name in urlwalk.get_only()
    ]
    search = reverse("intake:search")
    urls += [
        f"{search}?q={SAME_PHONE}",
        f"{search}?q=13800138000",
        f"{search}?q={SAME_NAME}",
        f"{search}?q={VALID_IMEI}",
        f"{search}?q={ticket.number}",
        f"{search}?q={ticket.number[:4]}",
        f"{reverse('intake:caller_lookup')}?q=13800138000",
        f"{reverse('complaints:customer_search')}?q={SAME_PHONE}",
        f"{reverse('complaints:customer_search')}?q={SAME_PHONE[-4:]}",
        f"{reverse('complaints:customer_search')}?q={SAME_NAME}",
        f"{reverse('complaints:new')}?ticket={ticket.pk}",
        f"{reverse('intake:slip_queue')}?mine=0",
        f"{reverse('intake:call_log')}?day={NOW.date().isoformat()}",
        f"{reverse('intake:answering')}?start=2026-11-01&end=2026-11-30",
        f"{reverse('reporting:staff_stats')}?by=point",
        f"{reverse('reporting:staff_stats')}?date_from=2026-11-01&date_to=2026-11-30",
        f"{reverse('followups:queue')}?tab=upcoming",
        f"{reverse('followups:queue')}?tab=overdue",
        f"{reverse('complaints:queue')}?sort=newest",
        f"{reverse('repairs:ticket_detail', args=[ticket.pk])}",
        f"{reverse('intake:customer_detail', args=[mine['customer'].pk])}",
        f"{reverse('intake:call_detail', args=[mine['call'].pk])}",
        f"{reverse('complaints:detail', args=[mine['complaint'].pk])}",
        f"{reverse('followups:report_detail', args=[mine['report'].pk])}",
    ]
    return urls


VOLATILE = [
    (re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"'), b"csrf"),
    (re.compile(rb'"X-CSRFToken": "[^"]*"'), b"csrf"),
    (re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), b"uuid"),
    (re.compile(rb'nonce="[^"]*"'), b"nonce"),
]


def render_all(viewers: dict, urls: list[str], client) -> dict:
    seen = {}
    for role, user in viewers.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, (role, url)
            body = b"".join(response) if response.streaming else response.content
            for pattern, replacement in VOLATILE:
                body = pattern.sub(replacement, body)
            seen[role, url] = (response.status_code, body)
    return seen


def reveal_all(viewers: dict, mine: dict, client) -> dict:
    """Every role's reveal of my device's nationwide history: the ticket's, the device's and
    the intake preview's (the roles that may not get a refusal, never a 500)."""
    ticket = mine["tickets"][0]
    posts = [
        (reverse("repairs:ticket_history", args=[ticket.pk]), {}),
        (reverse("repairs:device_history", args=[ticket.device_id]), {}),
        (
            reverse("repairs:ticket_preview", args=[mine["customer"].pk]),
            {"imei": VALID_IMEI, "proof_of_purchase": "invoice"},
        ),
    ]
    seen = {}
    for role, user in viewers.items():
        client.force_login(user)
        for url, data in posts:
            response = client.post(url, data)
            assert response.status_code < 500, (role, url)
            seen[role, url] = response.content.decode("utf-8", "replace")
    return seen


@pytest.mark.reliability(
    "Another point's look-alike rows in lists, searches and figures",
    "same names, phones, IMEI, similar ticket numbers; every page before and after, every role",
)
def test_another_points_look_alike_data_changes_no_page_of_mine(point, client):
    with time_machine.travel(NOW, tick=False):
        mine = seed(point, "本点")
        mine["objects"] = urlwalk.make_objects(point)
        viewers = {role: make_staff(role, point=point, region=point.region).user for role in ROLES}
        urls = pages(mine)
        before = render_all(viewers, urls, client)

        far = ServicePointFactory(region=RegionFactory(code="EAST", name="华东"), code="BJ011")
        theirs = [seed(far, "外点甲"), seed(ServicePointFactory(region=far.region), "外点乙")]
        urlwalk.make_objects(far)
        after = render_all(viewers, urls, client)
        # The reveals of the device's repairs at other points (POST): another point's records
        # show as facts (that is their purpose), never a marker of its own data.
        revealed = reveal_all(viewers, mine, client)

    # The audit log grows with my own page views in between (logins, report downloads).
    audit_pages = {reverse("servicedesk:audit_list")}
    failures = []
    for key, (status, body) in after.items():
        text = body.decode("utf-8", "replace")
        leaked = [m for seeded in theirs for m in seeded["markers"] if m in text]
        if leaked:
            failures.append(f"{key}: shows {leaked}")
        elif (status, body) != before[key] and key[1] not in audit_pages:
            failures.append(f"{key}: changed when another point's data was added")
    for key, text in revealed.items():
        if leaked := [m for seeded in theirs for m in seeded["markers"] if m in text]:
            failures.append(f"{key}: reveals {leaked}")
    assert not failures, "\n".join(failures)
    assert any("本点" in body.decode() for _s, body in after.values())  # my own rows do show
    assert any("data-point=" in text for text in revealed.values())  # the facts do show


@pytest.mark.reliability(
    "Another point's rows in an export",
    "monthly CSV and callback report CSV of a point, look-alike data in another point",
)
def test_exports_hold_only_the_points_own_rows(point, other_point, client, settings, tmp_path):
    settings.EXPORTS_ROOT = tmp_path
    with time_machine.travel(NOW, tick=False):
        mine = seed(point, "本点")
        theirs = seed(other_point, "外点")
        supervisor = mine["staff"][Role.SUPERVISOR]
        job = exporting.export_request(
            actor=supervisor.user, point=point, date_from=NOW.date(), date_to=NOW.date()
        )
        exporting.export_run(job_id=job.pk)
        client.force_login(supervisor.user)
        monthly = client.post(reverse("reporting:export_download", args=[job.pk]))
        report = client.post(reverse("followups:report_csv", args=[mine["report"].pk]))
    monthly_text = b"".join(monthly).decode("utf-8-sig")
    assert ExportJob.objects.get(pk=job.pk).rows_total == 2
    assert all(t.number in monthly_text for t in mine["tickets"])
    for text in (monthly_text, report.content.decode("utf-8-sig")):
        assert not [m for m in theirs["markers"] if m in text]


@pytest.mark.reliability(
    "Another point's ids slipped into a form's body",
    "my own URLs posted with their customer, visit, colleague, department, part or point",
)
def test_another_points_ids_inside_a_form_are_refused_and_change_nothing(
    point, other_point, client
):
    """The URL is mine, but the body names another point's customer, visit, colleague,
    department, part or point: refused, nothing stored, nothing of theirs shown."""
    mine, theirs = urlwalk.make_objects(point), urlwalk.make_objects(other_point)
    theirs_seed = seed(other_point, "外点")
    part = Part.objects.get(point=other_point, code="P1")
    ticket = mine["ticket"]
    ticket_start_diagnosis(ticket=ticket, actor=mine["supervisor"], version=ticket.version)
    ticket.refresh_from_db()
    cases = [
        (
            "repairs:ticket_open",
            {"customer_pk": mine["customer"].pk},
            urlwalk.posts()["repairs:ticket_open"](mine) | {"visit": theirs["visit"].pk},
        ),
        (
            "intake:visit_slip",
            {"pk": mine["visit"].pk},
            urlwalk.posts()["intake:visit_slip"](mine) | {"addressee": theirs["supervisor"].pk},
        ),
        (
            "followups:callback_slip",
            {"pk": mine["callback"].pk},
            urlwalk.posts()["followups:callback_slip"](mine)
            | {"addressee": theirs["supervisor"].pk},
        ),
        (
            "complaints:new",
            {},
            urlwalk.posts()["complaints:new"](mine) | {"customer": theirs["complaint"].customer_id},
        ),
        (
            "complaints:new",
            {},
            urlwalk.posts()["complaints:new"](mine) | {"visit": theirs["call"].pk},
        ),
        (
            "complaints:new",
            {},
            urlwalk.posts()["complaints:new"](mine) | {"ticket": theirs["ticket"].pk},
        ),
        (
            "loaners:lend",
            {},
            urlwalk.posts()["loaners:lend"](mine) | {"customer": theirs["loan_customer"].pk},
        ),
        (
            "loaners:lend",
            {},
            urlwalk.posts()["loaners:lend"](mine) | {"loaner": theirs["loaner"].pk},
        ),
        (
            "loaners:lend",
            {},
            urlwalk.posts()["loaners:lend"](mine) | {"ticket": theirs["ticket"].pk},
        ),
        (
            "complaints:bulk_reassign",
            {},
            {"ids": [theirs["complaint"].pk], "owner": mine["complaint_colleague"].pk},
        ),
        (
            "complaints:bulk_reassign",
            {},
            {"ids": [mine["complaint"].pk], "owner": theirs["complaint_colleague"].pk},
        ),
        (
            "complaints:act",
            {"pk": mine["complaint"].pk, "what": "transfer"},
            {"version": mine["complaint"].version, "owner": theirs["complaint_colleague"].pk},
        ),
        (
            "intake:call_screen",
            {},
            urlwalk.posts()["intake:call_screen"](mine) | {"customer": theirs["customer"].pk},
        ),
        (
            "intake:call_screen",
            {},
            urlwalk.posts()["intake:call_screen"](mine)
            | {"purpose": "suggestion", "department": theirs["department"].pk},
        ),
        (
            "intake:call_screen",
            {},
            urlwalk.posts()["intake:call_screen"](mine)
            | {"purpose": "praise", "praised_staff": theirs["staff"].user.pk},
        ),
        (
            "repairs:ticket_action",
            {"pk": ticket.pk},
            {
                "action": "diagnose",
                "version": ticket.version,
                "fault_confirmed": "屏坏",
                "part_0": part.pk,
                "quantity_0": "1",
            },
        ),
        (
            "repairs:ticket_action",
            {"pk": ticket.pk},
            {
                "action": "diagnose",
                "version": ticket.version,
                "fault_confirmed": "屏坏",
                "repair_type": RepairType.objects.get(point=other_point).pk,
            },
        ),
        (
            "reporting:export_list",
            {},
            urlwalk.posts()["reporting:export_list"](mine) | {"point": other_point.pk},
        ),
    ]
    client.force_login(mine["supervisor"])
    failures = []
    for name, kwargs, body in cases:
        url = reverse(name, kwargs=kwargs)
        before = urlwalk.db_state()
        response = client.post(url, body, follow=True)
        text = response.content.decode()
        if response.status_code >= 500:
            failures.append(f"{name}: {response.status_code}")
        if changed := urlwalk.changed_tables(before, urlwalk.db_state()):
            failures.append(f"{name} {body}: changed {changed}")
        if leaked := [m for m in theirs_seed["markers"] if m in text]:
            failures.append(f"{name}: shows {leaked}")
    assert not failures, "\n".join(failures)
