import datetime as dt
import uuid

from django.utils import timezone

from counter.models import CashUp, MoneyEntry, MoneyKind, PaymentMethod
from intake.models import Device, MessageSlip, Purpose, Visit
from repairs.models import RepairTicket, TicketStatus
from servicedesk.models import Role
from tests.factories import CustomerFactory, ServicePointFactory, make_staff
from tests.opening import VALID_IMEI, open_ticket
from tests.urlwalk import local_input

PLAIN_URLS = {
    "intake:board",
    "intake:search",
    "intake:customer_create",
    "repairs:policy",
    "repairs:technician_queue",
    "repairs:pickup",
    "repairs:ticket_list",
    "repairs:status_lookup",
    "repairs:cash_up",
    "repairs:cash_up_submit",
    "intake:slip_queue",
}

OBJECT_URLS = {
    "intake:visit_serve": lambda f: {"pk": f["visit"].pk},
    "intake:visit_finish": lambda f: {"pk": f["visit"].pk},
    "intake:visit_left": lambda f: {"pk": f["visit"].pk},
    "intake:visit_slip": lambda f: {"pk": f["visit"].pk},
    "intake:customer_detail": lambda f: {"pk": f["customer"].pk},
    "intake:customer_phone": lambda f: {"pk": f["customer"].pk},
    "intake:customer_data_export": lambda f: {"pk": f["customer"].pk},
    "intake:customer_erase": lambda f: {"pk": f["customer"].pk},
    "intake:customer_merge": lambda f: {"pk": f["customer"].pk},
    "repairs:ticket_open": lambda f: {"customer_pk": f["customer"].pk},
    "repairs:ticket_preview": lambda f: {"customer_pk": f["customer"].pk},
    "repairs:device_detail": lambda f: {"pk": f["device"].pk},
    "repairs:device_history": lambda f: {"pk": f["device"].pk},
    "intake:slip_callback": lambda f: {"pk": f["slip"].pk},
    "intake:slip_phone": lambda f: {"pk": f["slip"].pk},
    "repairs:ticket_detail": lambda f: {"pk": f["ticket"].pk},
    "repairs:ticket_history": lambda f: {"pk": f["ticket"].pk},
    "repairs:ticket_override": lambda f: {"pk": f["ticket"].pk},
    "repairs:ticket_action": lambda f: {"pk": f["ticket"].pk},
    "repairs:ticket_print": lambda f: {"pk": f["ticket"].pk, "kind": "pickup-slip"},
    "repairs:ticket_refund": lambda f: {"pk": f["paid_ticket"].pk},
    "repairs:cash_up_confirm": lambda f: {"pk": f["cash_up"].pk},
}

POSTS = {
    "intake:board": lambda f: {
        "token": str(uuid.uuid4()),
        "purpose": "inquiry",
        "contact_name": "来访顾客",
    },
    "intake:visit_serve": lambda f: {},
    "intake:visit_finish": lambda f: {},
    "intake:visit_left": lambda f: {},
    "intake:visit_slip": lambda f: {
        "token": str(uuid.uuid4()),
        "step": "save",
        "caller_name": "留言人",
        "phone": "13800138000",
        "message": "请回电说明报价",
        "addressee": f["slip"].addressee_id,
        "callback_due_at": local_input(),
        "read_back_confirmed": "on",
    },
    "intake:customer_create": lambda f: {
        "token": str(uuid.uuid4()),
        "name": "新顾客",
        "phone": "13912345678",
        "customer_type": "individual",
    },
    "repairs:ticket_open": lambda f: {
        "token": str(uuid.uuid4()),
        "model_name": "X100 Pro",
        "imei": VALID_IMEI,
        "purchase_date": (timezone.localdate() - dt.timedelta(days=100)).isoformat(),
        "proof_of_purchase": "invoice",
        "fault_description": "屏幕不亮",
        "contact_phone": "13800138000",
        "customer_waits": "0",
        "backup_warning_given": "on",
    },
    "intake:slip_callback": lambda f: {"note": "已回电，顾客满意"},
    "intake:customer_data_export": lambda f: {},
    "intake:customer_phone": lambda f: {},
    "intake:slip_phone": lambda f: {},
    # The device's repairs at other points: the walk's device was repaired at another point
    # before (``make_foreign``), so each reveal writes its audit row.
    "repairs:device_history": lambda f: {},
    "repairs:ticket_history": lambda f: {},
    "repairs:ticket_preview": lambda f: {
        "imei": VALID_IMEI,
        "purchase_date": (timezone.localdate() - dt.timedelta(days=100)).isoformat(),
        "proof_of_purchase": "invoice",
    },
    "intake:customer_erase": lambda f: {"reason": "顾客书面申请删除个人信息", "confirm": "on"},
    "intake:customer_merge": lambda f: {"duplicate": f["duplicate"].pk, "confirm": "on"},
    "repairs:ticket_action": lambda f: {
        "action": "start_diagnosis",
        "version": f["ticket"].version,
    },
    "repairs:ticket_override": lambda f: {
        "version": f["ticket"].version,
        "status": "out_of_warranty",
        "reason": "人为损坏",
    },
    "repairs:status_lookup": lambda f: {"number": f["ticket"].number, "last_four": "0000"},
    "repairs:ticket_refund": lambda f: {
        "version": f["paid_ticket"].version,
        "amount": "1",
        "method": "cash",
        "reason": "多收了一元",
    },
    "repairs:cash_up_submit": lambda f: {
        "day": timezone.localdate().isoformat(),
        "counted_cash": "0",
    },
    "repairs:cash_up_confirm": lambda f: {"version": f["cash_up"].version},
}

GET_ONLY = {
    "intake:search",
    "repairs:policy",
    "intake:slip_queue",
    "intake:customer_detail",
    "repairs:device_detail",
    "repairs:technician_queue",
    "repairs:pickup",
    "repairs:ticket_list",
    "repairs:ticket_detail",
    "repairs:ticket_print",
    "repairs:cash_up",
}

#: Only the colleague a slip was forwarded to logs its callback.
ACTORS = {
    "intake:slip_callback": lambda f: f["slip"].addressee,
    "intake:slip_phone": lambda f: f["slip"].addressee,
}

#: Sent twice, these write a second audit row on purpose: every export of personal data and
#: every full view of a number is logged (DOMAIN 1), however often it happens.
AUDITED_EACH_TIME = {
    "intake:customer_data_export",
    "intake:customer_phone",
    "intake:slip_phone",
    # Every look at another point's records of a device (rules#R-intake-10).
    "repairs:device_history",
    "repairs:ticket_history",
    "repairs:ticket_preview",
}


def make_foreign(point, foreign):
    customer = CustomerFactory(point=point)
    foreign["customer"] = customer
    # The same person recorded a second time (another number): what a supervisor merges.
    foreign["duplicate"] = CustomerFactory(point=point, name=customer.name)
    foreign["visit"] = Visit.objects.create(point=point, channel="walk_in", purpose=Purpose.REPAIR)
    foreign["ticket"] = open_ticket(point, make_staff(Role.FRONT_DESK, point=point).user, customer)
    foreign["device"] = Device.objects.get(pk=foreign["ticket"].device_id)
    # A repair that holds a deposit (to refund from) and a counted day (to confirm).
    desk = make_staff(Role.FRONT_DESK, point=point).user
    foreign["paid_ticket"] = open_ticket(point, desk, customer, imei="", serial="SN-WALK-1")
    MoneyEntry.objects.create(
        ticket=foreign["paid_ticket"],
        kind=MoneyKind.DEPOSIT,
        method=PaymentMethod.objects.get(code="cash"),
        amount=50,
        by=desk,
    )
    foreign["cash_up"] = CashUp.objects.create(
        point=point, user=desk, day=timezone.localdate(), expected_cash=0, counted_cash=0
    )
    foreign["traveller"] = repaired_elsewhere(days_ago=30)
    staff = make_staff(Role.SUPERVISOR, point=point).user
    foreign["slip"] = MessageSlip.objects.create(
        point=point,
        caller_name="x",
        phone="+8613800000000",
        message="m",
        callback_due_at=timezone.now(),
        addressee=staff,
        taken_by=staff,
    )


def repaired_elsewhere(*, days_ago: int, imei: str = VALID_IMEI):
    """The walk's device (same IMEI) repaired and handed over at a point of another region
    before the walk's ticket was opened: the nationwide history has another point's record, so
    a page that looked across points on GET would write an audit row."""
    elsewhere = ServicePointFactory()
    when = timezone.now() - dt.timedelta(days=days_ago)
    ticket = open_ticket(elsewhere, make_staff(Role.FRONT_DESK, point=elsewhere).user, now=when)
    RepairTicket.objects.filter(pk=ticket.pk).update(
        status=TicketStatus.HANDED_OVER, handed_over_at=when + dt.timedelta(hours=2)
    )
    return ticket
