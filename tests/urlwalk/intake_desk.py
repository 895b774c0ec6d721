from intake.models import Device, Purpose, Visit
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
}

OBJECT_URLS = {
    "intake:visit_serve": lambda f: {"pk": f["visit"].pk},
    "intake:visit_finish": lambda f: {"pk": f["visit"].pk},
    "intake:visit_left": lambda f: {"pk": f["visit"].pk},
    "intake:visit_slip": lambda f: {"pk": f["visit"].pk},
    "intake:customer_detail": lambda f: {"pk": f["customer"].pk},
    "intake:customer_phone": lambda f: {"pk": f["customer"].pk},
    "intake:ticket_open": lambda f: {"customer_pk": f["customer"].pk},
    "intake:device_detail": lambda f: {"pk": f["device"].pk},
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
