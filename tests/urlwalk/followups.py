import datetime as dt

from django.utils import timezone

from followups.services import callback_schedule_for_complaint
from tests.factories import CustomerFactory

PLAIN_URLS = {"followups:queue"}

OBJECT_URLS = {
    "followups:callback": lambda f: {"pk": f["callback"].pk},
    "followups:callback_move": lambda f: {"pk": f["callback"].pk},
    "followups:callback_slip": lambda f: {"pk": f["callback"].pk},
}


def make_foreign(point, foreign):
    foreign["callback"] = callback_schedule_for_complaint(
        point=point,
        customer=CustomerFactory(point=point),
        resolved_at=timezone.now() - dt.timedelta(days=1),
    )
