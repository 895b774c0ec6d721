"""Demo complaints (rules#complaints): a few in different stages, one overdue, one escalated.
Idempotent: a complaint with the same demo summary at the point is not created again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from complaints import services
from complaints.models import Complaint, ComplaintCategory, DifficultType
from intake.models import Customer
from servicedesk.models import Department, Role, StaffProfile

DEMO = [
    ("【演示】维修后两天又出现闪屏，要求免费返修", "repair_quality", "received", None),
    ("【演示】前台接待态度冷淡，等待时间过长", "attitude", "clarified", None),
    ("【演示】电池更换收费比报价高", "charges", "proposed", "furious"),
    ("【演示】说好三天修好，一周还没取到手机", "turnaround", "overdue", None),
    ("【演示】进水手机被拒保，客户不认可", "warranty", "escalated", "expert"),
]


#: Who is told of a dissatisfied callback's complaint (rules#callbacks): repair-quality and
#: warranty complaints go to the brand's quality department, the rest to the point's customer
#: service department, whose members are the point's supervisor and service manager.
CATEGORY_DEPARTMENTS = {"repair_quality": "品牌质量部", "warranty": "品牌质量部"}
MEMBERS = {Role.SUPERVISOR: "客户服务部", Role.SERVICE_MANAGER: "客户服务部"}


def _demo_departments(*, point, staff):
    service, _ = Department.objects.get_or_create(point=point, name="客户服务部")
    if point.complaint_department_id is None:
        point.complaint_department = service
        point.save(update_fields=["complaint_department"])
    for code, name in CATEGORY_DEPARTMENTS.items():
        department, _ = Department.objects.get_or_create(point=None, name=name)
        ComplaintCategory.objects.filter(code=code, department__isnull=True).update(
            department=department
        )
    for role, name in MEMBERS.items():
        user = staff.get(role)
        if user is not None:
            department, _ = Department.objects.get_or_create(point=point, name=name)
            StaffProfile.objects.filter(user=user, department__isnull=True).update(
                department=department
            )


def load_demo_data(*, point, staff, today):
    _demo_departments(point=point, staff=staff)
    owner = staff.get(Role.HOTLINE) or staff.get(Role.FRONT_DESK)
    if owner is None:
        return
    customers = list(Customer.objects.filter(point=point).order_by("pk")[:10])
    if not customers:
        return
    now = timezone.now()
    for index, (summary, category, stage, difficult) in enumerate(DEMO):
        if Complaint.objects.filter(point=point, summary=summary).exists():
            continue
        complaint = services.complaint_open(
            point=point,
            actor=owner,
            customer=customers[index % len(customers)],
            channel="hotline",
            source="call",
            summary=summary,
            category=ComplaintCategory.objects.filter(code=category).first(),
            difficult_type=DifficultType.objects.filter(code=difficult).first()
            if difficult
            else None,
            promised_reply_at=now + dt.timedelta(hours=4),
        )
        if stage in ("clarified", "proposed"):
            services.complaint_clarify(
                complaint=complaint,
                actor=owner,
                data=services.ClarifyInput(
                    restatement="您反映的问题是：" + summary.removeprefix("【演示】"),
                    customer_confirmed=True,
                    promised_reply_at=now + dt.timedelta(hours=6),
                ),
            )
        if stage == "proposed":
            services.complaint_propose(
                complaint=complaint,
                actor=owner,
                data=services.ProposeInput(
                    options=("退还差价", "赠送钢化膜"),
                    promised_reply_at=now + dt.timedelta(hours=8),
                ),
            )
            services.offer_compensation(
                complaint=complaint, actor=owner, amount=Decimal("30"), description="退还差价"
            )
        if stage == "overdue":
            Complaint.objects.filter(pk=complaint.pk).update(
                promised_reply_at=now - dt.timedelta(hours=1)
            )
            services.escalate_overdue(complaint_id=complaint.pk, now=now)
        if stage == "escalated":
            services.escalate(complaint=complaint, actor=owner, note="客户要求全额赔偿，超出权限")
