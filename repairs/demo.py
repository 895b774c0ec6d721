"""Demo repair data (called per point by ``manage.py load_demo`` after ``intake.demo``;
idempotent).

The warranty policy, the point's public price list, and repair records opened through the real
intake service. A few records are dated back and marked as handed over so that the dashboard,
callbacks and exports have history to show; that history is demo data only (in the product a
ticket only moves through the actions of ``repairs.actions``)."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from decimal import Decimal

from django.utils import timezone

from intake.models import Customer
from intake.services.desk import DeviceFacts
from parts.models import Part, PartStock
from repairs import actions
from repairs.actions import (
    NO_INPUT,
    CompleteRepairInput,
    DiagnoseInput,
    HandoverInput,
    PartLineInput,
    QuoteDecisionInput,
    SanbaoInput,
)
from repairs.models import RepairTicket, RepairType, TicketStatus, WarrantyPolicy
from repairs.services import TicketOpenInput, ticket_open
from repairs.signatures import make_png
from servicedesk.models import Role

POLICY_TEXT = (
    "本品牌手机享受国家三包及全国联保服务：自购机之日起7日内出现性能故障，可选择退货、换货或免费维修；"
    "30日内可选择换货或免费维修；一年内免费维修。进水、摔坏等人为损坏及私自拆修不在保修范围内，"
    "维修须凭发票或保修卡。"
)
REPAIR_TYPES = [
    ("SCREEN", "更换屏幕总成", "80.00"),
    ("BATTERY", "更换电池", "50.00"),
    ("PORT", "更换尾插（充电口）", "60.00"),
    ("BOARD", "主板维修", "150.00"),
    ("SOFT", "软件升级与系统恢复", "30.00"),
]
# (code, name, model, also fits, price); no model: fits every model.
PARTS = [
    ("P-SCR-X100", "X100 屏幕总成", "X100", "X100 Pro", "620.00"),
    ("P-SCR-X200", "X200 屏幕总成", "X200", "", "780.00"),
    ("P-BAT-X100", "X100 电池", "X100", "X100 Pro", "129.00"),
    ("P-BAT-X200", "X200 电池", "X200", "", "149.00"),
    ("P-PORT-X100", "X100 尾插小板", "X100", "X100 Pro", "45.00"),
    ("P-CAM-X200", "X200 后置摄像头", "X200", "", "260.00"),
    ("P-SPK-X100", "X100 扬声器", "X100", "X100 Pro", "38.00"),
    ("P-BACK-X200", "X200 后盖", "X200", "", "90.00"),
    ("P-SIM-ALL", "SIM 卡托（通用）", "", "", "15.00"),
]
# (code, on hand, reorder level, must the old part go back to the maker): a few in stock, the
# rear camera below its level, the X200 screen out of stock (the demo's waiting ticket needs it).
STOCK = [
    ("P-SCR-X100", 4, 2, True),
    ("P-SCR-X200", 0, 2, True),
    ("P-BAT-X100", 8, 3, False),
    ("P-BAT-X200", 6, 3, False),
    ("P-PORT-X100", 10, 4, False),
    ("P-CAM-X200", 1, 3, True),
    ("P-SPK-X100", 5, 2, False),
    ("P-BACK-X200", 3, 1, False),
    ("P-SIM-ALL", 30, 10, False),
]
#: The demo ticket that waits for parts (index in ``TICKETS``) and the part it waits for.
WAITING_TICKET, WAITING_PART = 3, "P-SCR-X200"
# (customer index, model, IMEI, days since purchase, fault, days ago opened, handed over?)
TICKETS = [
    (0, "X100 Pro", "490154203237518", 200, "屏幕有一条竖线，触摸偶尔失灵", 20, True),
    (1, "X200", "356938035643809", 15, "充电很慢，充一晚上也充不满", 12, True),
    (2, "X100", "352099001761481", 500, "手机进水后无法开机", 6, True),
    (3, "X200 Pro", "990000862471853", 40, "通话时对方听不到声音", 1, False),
    (4, "X100 Pro", "353918059472114", 3, "新买的手机后摄像头拍照模糊", 0, False),
]


def load_demo_data(*, point, staff, today):
    WarrantyPolicy.objects.get_or_create(
        is_default=True,
        defaults={"name": "品牌保修政策（三包）", "brand": "演示品牌", "policy_text": POLICY_TEXT},
    )
    for code, name, fee in REPAIR_TYPES:
        RepairType.objects.update_or_create(
            point=point, code=code, defaults={"name": name, "labor_fee": Decimal(fee)}
        )
    for code, name, model_name, also_fits, price in PARTS:
        Part.objects.update_or_create(
            point=point,
            code=code,
            defaults={
                "name": name,
                "model_name": model_name,
                "also_fits": also_fits,
                "price": Decimal(price),
            },
        )
    for code, on_hand, level, must_return in STOCK:
        part = Part.objects.get(point=point, code=code)
        if part.must_return != must_return:
            part.must_return = must_return
            part.save(update_fields=["must_return"])
        # Demo stock, set once: a second load keeps what the demo's users did since.
        PartStock.objects.get_or_create(
            point=point, part=part, defaults={"on_hand": on_hand, "reorder_level": level}
        )
    desk = staff.get(Role.FRONT_DESK)
    if desk is None:
        return
    customers = list(Customer.objects.filter(point=point).order_by("pk"))
    now = timezone.now()
    for index, (who, model, imei, bought, fault, opened, handed) in enumerate(TICKETS):
        token = uuid.uuid5(uuid.NAMESPACE_URL, f"demo-ticket/{point.code}/{index}")
        if RepairTicket.objects.filter(intake_token=token).exists():
            continue
        opened_at = now - dt.timedelta(days=opened, hours=2)
        customer = customers[who % len(customers)]
        ticket = ticket_open(
            point=point,
            actor=desk,
            data=TicketOpenInput(
                customer=customer,
                device=DeviceFacts(
                    model_name=model,
                    imei=imei,
                    purchase_date=today - dt.timedelta(days=bought),
                    purchase_place="官方旗舰店",
                ),
                fault_description=fault,
                proof_of_purchase="invoice",
                contact_phone=customer.phone,
                backup_warning_given=True,
                accessories="无",
                condition="外观良好",
                water_damage="进水" in fault,
            ),
            token=token,
            now=opened_at,
        )
        if handed:  # demo history only (see the module docstring)
            RepairTicket.objects.filter(pk=ticket.pk).update(  # status-write-ok: demo history
                status=TicketStatus.HANDED_OVER,
                fault_confirmed="检测确认故障",
                repair_method="更换相关配件并测试通过",
                labor_fee=Decimal("80.00"),
                technician=staff.get(Role.TECHNICIAN),
                ready_at=opened_at + dt.timedelta(days=1),
                handed_over_at=opened_at + dt.timedelta(days=1, hours=3),
            )
        elif index == WAITING_TICKET and staff.get(Role.TECHNICIAN) is not None:
            _wait_for_parts(ticket, staff[Role.TECHNICIAN], point=point, today=today)
    _exchanged_ticket(point=point, staff=staff, customers=customers, today=today, now=now)
    _paid_ticket(point=point, staff=staff, customers=customers, today=today, now=now)
    _return_batch(point=point, staff=staff, customers=customers, today=today, now=now)


def _open_demo_ticket(*, point, desk, customer, token, facts: dict, bought, opened_at, **extra):
    """A demo repair record opened at the desk like any other (the real ``ticket_open``)."""
    return ticket_open(
        point=point,
        actor=desk,
        data=TicketOpenInput(
            customer=customer,
            device=DeviceFacts(
                model_name=facts["model"],
                imei=facts["imei"],
                purchase_date=bought,
                purchase_place="官方旗舰店",
            ),
            fault_description=facts["fault"],
            proof_of_purchase="invoice",
            contact_phone=customer.phone,
            backup_warning_given=True,
            accessories="无",
            **extra,
        ),
        token=token,
        now=opened_at,
    )


#: One 三包 exchange (rules#sanbao): bought 20 days ago, the fault confirmed, a new device given.
EXCHANGE = {
    "model": "X200",
    "imei": "868912034567815",
    "replacement_imei": "868912034567997",
    "fault": "用了不到三周，经常自动重启",
    "confirmed": "主板供电异常导致自动重启（性能故障）",
}


def _demo_signature() -> str:
    return "data:image/png;base64," + base64.b64encode(make_png(200, 60)).decode()


def _move_demo_ticket(ticket: RepairTicket, steps, *, start: dt.datetime) -> RepairTicket:
    """Move a demo ticket through the real actions: each step is (actor, action's service,
    its input, time after ``start``)."""
    for actor, service, data, after in steps:
        ticket.refresh_from_db()
        ticket = service(
            ticket=ticket, actor=actor, version=ticket.version, data=data, now=start + after
        )
    return ticket


def _exchanged_ticket(*, point, staff, customers, today, now) -> None:
    """Moved through the real transitions (diagnosis, then the exchange at the desk), so its
    decision, defective-stock row, certificate and callbacks are the product's own."""
    desk, tech = staff.get(Role.FRONT_DESK), staff.get(Role.TECHNICIAN)
    token = uuid.uuid5(uuid.NAMESPACE_URL, f"demo-ticket/{point.code}/exchange")
    if tech is None or not customers or RepairTicket.objects.filter(intake_token=token).exists():
        return
    customer = customers[-1]
    opened_at = now - dt.timedelta(days=2, hours=3)
    ticket = _open_demo_ticket(
        point=point,
        desk=desk,
        customer=customer,
        token=token,
        facts=EXCHANGE,
        bought=today - dt.timedelta(days=20),
        opened_at=opened_at,
        condition="外观良好",
    )
    signature = _demo_signature()
    steps = [
        (tech, actions.ticket_start_diagnosis, NO_INPUT, dt.timedelta(hours=1)),
        (
            tech,
            actions.ticket_diagnose,
            DiagnoseInput(fault_confirmed=EXCHANGE["confirmed"]),
            dt.timedelta(hours=2),
        ),
        (
            desk,
            actions.ticket_exchange_device,
            SanbaoInput(
                replacement_model=EXCHANGE["model"],
                replacement_imei=EXCHANGE["replacement_imei"],
                signature_data_url=signature,
            ),
            dt.timedelta(hours=3),
        ),
    ]
    _move_demo_ticket(ticket, steps, start=opened_at)


#: One paid repair of today (rules#payment): out of warranty, a screen for ¥80 + ¥620, a ¥100
#: deposit by WeChat Pay at the approval, the rest in cash with change at the handover, so the
#: desk's cash-up and the receipt have something to show.
PAID = {"model": "X100", "imei": "358240051111110", "fault": "屏幕摔碎，触摸失灵"}


def _paid_ticket(*, point, staff, customers, today, now) -> None:
    from counter.models import PaymentMethod
    from counter.services import PaymentInput

    desk, tech = staff.get(Role.FRONT_DESK), staff.get(Role.TECHNICIAN)
    token = uuid.uuid5(uuid.NAMESPACE_URL, f"demo-ticket/{point.code}/paid")
    if tech is None or not customers or RepairTicket.objects.filter(intake_token=token).exists():
        return
    methods = {m.code: m.pk for m in PaymentMethod.objects.all()}
    screen = Part.objects.filter(point=point, code="P-SCR-X100").first()
    labor = RepairType.objects.filter(point=point, code="SCREEN").first()
    if not {"cash", "wechat"} <= set(methods) or screen is None or labor is None:
        return
    customer = customers[0]
    opened_at = now - dt.timedelta(hours=5)
    ticket = _open_demo_ticket(
        point=point,
        desk=desk,
        customer=customer,
        token=token,
        facts=PAID,
        bought=today - dt.timedelta(days=500),
        opened_at=opened_at,
        condition="屏幕碎裂",
        drop_damage=True,
    )
    signature = _demo_signature()
    steps = [
        (tech, actions.ticket_start_diagnosis, NO_INPUT, dt.timedelta(hours=1)),
        (
            tech,
            actions.ticket_diagnose,
            DiagnoseInput(
                fault_confirmed="屏幕总成破裂",
                repair_type_id=labor.pk,
                parts=[PartLineInput(screen.pk, 1)],
            ),
            dt.timedelta(hours=2),
        ),
        (
            desk,
            actions.ticket_approve_quote,
            QuoteDecisionInput(
                consent_kind="signature",
                signature_data_url=signature,
                damage_acknowledged=True,
                deposit=PaymentInput(methods["wechat"], Decimal("100.00"), "4200000123456789"),
            ),
            dt.timedelta(hours=3),
        ),
        (
            tech,
            actions.ticket_complete_repair,
            CompleteRepairInput(repair_method="更换屏幕总成，测试显示与触摸正常"),
            dt.timedelta(hours=4),
        ),
        (desk, actions.ticket_pass_qa, NO_INPUT, dt.timedelta(hours=4)),
    ]
    ticket = _move_demo_ticket(ticket, steps, start=opened_at)
    due = ticket.labor_fee + screen.price - Decimal("100.00")
    handover = HandoverInput(
        tested_with_customer=True,
        explanation_given=True,
        signature_data_url=signature,
        payments=[PaymentInput(methods["cash"], due + Decimal("50.00"))],  # ¥50 change
        invoice_not_requested=True,
        satisfaction_rating=5,
    )
    _move_demo_ticket(
        ticket,
        [(desk, actions.ticket_hand_over, handover, dt.timedelta(hours=4, minutes=30))],
        start=opened_at,
    )


#: 旧件返还 (rules#parts): two warranty repairs whose X100 screen the brand wants back; the
#: first one's screen (with the exchange's faulty device) went back in a shipped batch, the
#: second one's waits at the point for the next batch.
RETURNED_REPAIRS: list[tuple[int, dict[str, str]]] = [
    (9, {"model": "X100 Pro", "imei": "353918059472999", "fault": "屏幕闪烁，偶尔黑屏"}),
    (3, {"model": "X100", "imei": "358240051111888", "fault": "屏幕触摸无反应"}),
]


def _return_batch(*, point, staff, customers, today, now) -> None:
    from parts.services.returns import return_batch_create, return_batch_transition

    desk, tech = staff.get(Role.FRONT_DESK), staff.get(Role.TECHNICIAN)
    screen = Part.objects.filter(point=point, code="P-SCR-X100", must_return=True).first()
    if tech is None or desk is None or not customers or screen is None:
        return
    for index, (days_ago, facts) in enumerate(RETURNED_REPAIRS):
        token = uuid.uuid5(uuid.NAMESPACE_URL, f"demo-ticket/{point.code}/returned-{index}")
        if RepairTicket.objects.filter(intake_token=token).exists():
            continue
        opened_at = now - dt.timedelta(days=days_ago, hours=4)
        ticket = _open_demo_ticket(
            point=point,
            desk=desk,
            customer=customers[(index + 1) % len(customers)],
            token=token,
            facts=facts,
            bought=today - dt.timedelta(days=120),
            opened_at=opened_at,
            condition="外观良好",
        )
        steps = [
            (actions.ticket_start_diagnosis, NO_INPUT),
            (
                actions.ticket_diagnose,
                DiagnoseInput(fault_confirmed="屏幕排线故障", parts=[PartLineInput(screen.pk, 1)]),
            ),
            (
                actions.ticket_complete_repair,
                CompleteRepairInput(repair_method="更换屏幕总成，显示与触摸测试正常"),
            ),
        ]
        _move_demo_ticket(
            ticket,
            [
                (tech, action, payload, dt.timedelta(hours=hours))
                for hours, (action, payload) in enumerate(steps, 1)
            ],
            start=opened_at,
        )
        if index == 0:
            made = opened_at + dt.timedelta(days=1)
            batch = return_batch_create(point=point, actor=tech, now=made)
            batch = return_batch_transition(batch=batch, actor=tech, action="pack", now=made)
            return_batch_transition(
                batch=batch,
                actor=tech,
                action="ship",
                carrier="顺丰速运",
                tracking_number=f"SF{point.pk:04d}20261201",
                now=made + dt.timedelta(hours=2),
            )


def _wait_for_parts(ticket: RepairTicket, technician, *, point, today: dt.date) -> None:
    """The demo's waiting ticket, moved by the real services: diagnosed with a screen that is
    out of stock, so it waits for parts (待料) until a delivery is received."""
    part = Part.objects.get(point=point, code=WAITING_PART)
    ticket = actions.ticket_start_diagnosis(ticket=ticket, actor=technician, version=ticket.version)
    actions.ticket_diagnose(
        ticket=ticket,
        actor=technician,
        version=ticket.version,
        data=DiagnoseInput(
            fault_confirmed="听筒排线与屏幕总成一体，需更换屏幕总成",
            parts=[PartLineInput(part.pk, 1)],
            parts_expected_on=today + dt.timedelta(days=3),
        ),
    )
