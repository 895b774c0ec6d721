import datetime as dt
import uuid
from decimal import Decimal

from django.utils import timezone

from complaints.services import complaint_open, offer_compensation
from servicedesk.models import Role
from tests.factories import CustomerFactory, make_staff
from tests.urlwalk import local_input

PLAIN_URLS = {
    "complaints:queue",
    "complaints:new",
    "complaints:customer_search",
    "complaints:bulk_reassign",
}

OBJECT_URLS = {
    "complaints:detail": lambda f: {"pk": f["complaint"].pk},
    "complaints:act": lambda f: {"pk": f["complaint"].pk, "what": "contact"},
    "complaints:offer_decide": lambda f: {"pk": f["complaint_offer"].pk},
}

POSTS = {
    "complaints:new": lambda f: {
        "token": str(uuid.uuid4()),
        "customer": f["complaint"].customer_id,
        "channel": "hotline",
        "source": "call",
        "severity": "normal",
        "summary": "维修后仍然不开机",
        "promised_reply_at": local_input(days=2),
    },
    "complaints:bulk_reassign": lambda f: {
        "ids": [f["complaint"].pk],
        "owner": f["complaint_colleague"].pk,
        "note": "",
    },
    "complaints:act": lambda f: {
        "version": f["complaint"].version,
        "note": "已告知进展",
        "promised_reply_at": local_input(days=2),
    },
    "complaints:offer_decide": lambda f: {"decision": "approve"},
}

GET_ONLY = {"complaints:queue", "complaints:detail", "complaints:customer_search"}


def make_foreign(point, foreign):
    owner = make_staff(Role.HOTLINE, point=point)
    complaint = complaint_open(
        point=point,
        actor=owner.user,
        customer=CustomerFactory(point=point),
        channel="hotline",
        source="call",
        summary="foreign complaint",
        promised_reply_at=timezone.now() + dt.timedelta(days=2),
    )
    foreign["complaint"] = complaint
    foreign["complaint_colleague"] = make_staff(Role.FRONT_DESK, point=point).user
    foreign["complaint_offer"] = offer_compensation(
        complaint=complaint, actor=owner.user, amount=Decimal("50"), description="x"
    )
    complaint.refresh_from_db()  # the offer is a change: the version the page shows now
