"""Demo complaints (rules#complaints): a few in different stages, one overdue, one escalated.
Idempotent: a complaint with the same demo summary at the point is not created again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from complaints import services
from complaints.models import Complaint, ComplaintCategory, DifficultType
from intake.models import Customer
from servicedesk.models import Role

DEMO = [
    ("【演示】维修后两天又出现闪屏，要求免费返修", "repair_quality", "received", None),
    ("【演示】前台接待态度冷淡，等待时间过长", "attitude", "clarified", None),
    ("【演示】电池更换收费比报价高", "charges", "proposed", "furious"),
    ("【演示】说好三天修好，一周还没取到手机", "turnaround", "overdue", None),
    ("【演示】进水手机被拒保，客户不认可", "warranty", "escalated", "expert"),
]


def load_demo_data(*, point, staff, today):
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
            services.transition(
                complaint=complaint,
                actor=owner,
                action="clarify",
                restatement="您反映的问题是：" + summary.removeprefix("【演示】"),
                customer_confirmed=True,
                promised_reply_at=now + dt.timedelta(hours=6),
            )
        if stage == "proposed":
            services.transition(
                complaint=complaint,
                actor=owner,
                action="propose",
                options=["退还差价", "赠送钢化膜"],
                promised_reply_at=now + dt.timedelta(hours=8),
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
