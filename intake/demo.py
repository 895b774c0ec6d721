"""Demo data for the front desk (called per point by ``manage.py load_demo``; idempotent): people
waiting at the desk and the hotline's calls. The repair records are ``repairs.demo``."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from django.utils import timezone

from intake.models import Customer, Purpose, Visit, VisitStatus
from intake.services.desk import visit_register
from intake.services.hotline import call_log
from servicedesk.models import Department, Role


def load_demo_data(*, point, staff, today):
    desk = staff.get(Role.FRONT_DESK)
    if desk is None:
        return
    customers = list(Customer.objects.filter(point=point).order_by("pk"))
    now = timezone.now()
    if not Visit.objects.filter(point=point, status=VisitStatus.WAITING).exists():
        for purpose, name, minutes in (
            (Purpose.REPAIR, "赵女士", 12),
            (Purpose.PICKUP, "钱先生", 4),
            (Purpose.INQUIRY, "", 1),
        ):
            visit_register(
                point=point,
                actor=desk,
                purpose=purpose,
                contact_name=name,
                queue_number=f"A{minutes:02d}" if point.has_queue_machine else "",
                now=now - dt.timedelta(minutes=minutes),
            )
    _demo_calls(point=point, staff=staff, customers=customers, now=now)


# (days ago, hour, caller kind, kind, rings, holds as (start, end, checks), summary)
CALLS: list[tuple[int, int, str, str, int, list[tuple[int, int, tuple[int, ...]]], str]] = [
    (0, 9, "customer", "repair_status", 2, [], "问维修进度，已告知今天下午可取"),
    (
        0,
        10,
        "customer",
        "technical",
        3,
        [(20, 55, (45,))],
        "手机发热，指导关闭后台应用，仍未解决，请其带机到店",
    ),
    (1, 11, "dealer", "inquiry", 4, [], "经销商询问备件到货时间"),
    (1, 15, "customer", "suggestion", 1, [], "希望周末延长营业时间"),
    (2, 14, "customer", "praise", 2, [], "表扬维修工程师讲解耐心"),
    (3, 16, "internal", "inquiry", 5, [(10, 60, ())], "品牌质量部核对返修数据"),
]


def _demo_calls(*, point, staff, customers, now):
    operator = staff.get(Role.HOTLINE)
    if operator is None:
        return
    service, _ = Department.objects.get_or_create(point=point, name="客户服务部")
    Department.objects.get_or_create(point=point, name="维修技术部")
    Department.objects.get_or_create(point=None, name="品牌质量部")
    for index, (days, hour, caller, kind, rings, holds, summary) in enumerate(CALLS):
        token = uuid.uuid5(uuid.NAMESPACE_URL, f"demo-call/{point.code}/{index}")
        if Visit.objects.filter(form_token=token).exists():
            continue
        local = timezone.localtime(now - dt.timedelta(days=days))
        at = local.replace(hour=hour, minute=10 + index, second=0, microsecond=0)
        if at > now:
            at = now - dt.timedelta(minutes=30 - index)
        customer = customers[index % len(customers)] if caller == "customer" and customers else None
        call_log(
            point=point,
            actor=operator,
            token=token,
            caller_kind=caller,
            purpose=kind,
            summary=summary,
            answered_at=at,
            rings_to_answer=rings,
            customer=customer,
            contact_name=customer.name if customer else "",
            department=service if kind == "suggestion" else None,
            praised_staff=staff.get(Role.TECHNICIAN) if kind == "praise" else None,
            hold_log=json.dumps([{"start": a, "end": b, "checks": list(c)} for a, b, c in holds]),
            now=at + dt.timedelta(minutes=3),
        )
