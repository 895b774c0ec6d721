from django.utils import timezone

from intake.models import Device, MessageSlip, Purpose, Visit
from servicedesk.models import Role
from tests.factories import CustomerFactory, make_staff
from tests.intake.conftest import open_ticket

PLAIN_URLS = {
    "intake:board",
    "intake:search",
    "intake:customer_create",
    "intake:policy",
    "repairs:technician_queue",
    "repairs:pickup",
    "repairs:status_lookup",
    "intake:slip_queue",
}

OBJECT_URLS = {
    "intake:visit_serve": lambda f: {"pk": f["visit"].pk},
    "intake:visit_finish": lambda f: {"pk": f["visit"].pk},
    "intake:visit_left": lambda f: {"pk": f["visit"].pk},
    "intake:visit_slip": lambda f: {"pk": f["visit"].pk},
    "intake:customer_detail": lambda f: {"pk": f["customer"].pk},
    "intake:customer_phone": lambda f: {"pk": f["customer"].pk},
    "intake:ticket_open": lambda f: {"customer_pk": f["customer"].pk},
    "intake:ticket_preview": lambda f: {"customer_pk": f["customer"].pk},
    "intake:device_detail": lambda f: {"pk": f["device"].pk},
    "intake:slip_callback": lambda f: {"pk": f["slip"].pk},
    "repairs:ticket_detail": lambda f: {"pk": f["ticket"].pk},
    "repairs:ticket_override": lambda f: {"pk": f["ticket"].pk},
    "repairs:ticket_action": lambda f: {"pk": f["ticket"].pk},
    "repairs:ticket_print": lambda f: {"pk": f["ticket"].pk, "kind": "pickup-slip"},
}


def make_foreign(point, foreign):
    customer = CustomerFactory(point=point)
    foreign["customer"] = customer
    foreign["visit"] = Visit.objects.create(point=point, channel="walk_in", purpose=Purpose.REPAIR)
    foreign["ticket"] = open_ticket(point, make_staff(Role.FRONT_DESK, point=point).user, customer)
    foreign["device"] = Device.objects.get(pk=foreign["ticket"].device_id)
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
