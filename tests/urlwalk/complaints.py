from decimal import Decimal

from complaints.services import complaint_open, offer_compensation
from servicedesk.models import Role
from tests.factories import CustomerFactory, make_staff

PLAIN_URLS = {"complaints:queue", "complaints:new", "complaints:bulk_reassign"}

OBJECT_URLS = {
    "complaints:detail": lambda f: {"pk": f["complaint"].pk},
    "complaints:act": lambda f: {"pk": f["complaint"].pk, "what": "contact"},
    "complaints:offer_decide": lambda f: {"pk": f["complaint_offer"].pk},
}


def make_foreign(point, foreign):
    owner = make_staff(Role.HOTLINE, point=point)
    complaint = complaint_open(
        point=point,
        actor=owner.user,
        customer=CustomerFactory(point=point),
        channel="hotline",
        source="call",
        summary="foreign complaint",
    )
    foreign["complaint"] = complaint
    foreign["complaint_offer"] = offer_compensation(
        complaint=complaint, actor=owner.user, amount=Decimal("50"), description="x"
    )
