import datetime as dt

from django.utils import timezone

from followups.reports import callback_report_generate
from followups.services import callback_schedule_for_complaint
from tests.factories import CustomerFactory

PLAIN_URLS = {"followups:queue", "followups:report_list"}

OBJECT_URLS = {
    "followups:callback": lambda f: {"pk": f["callback"].pk},
    "followups:callback_move": lambda f: {"pk": f["callback"].pk},
    "followups:callback_slip": lambda f: {"pk": f["callback"].pk},
    "followups:report_detail": lambda f: {"pk": f["report"].pk},
    "followups:report_csv": lambda f: {"pk": f["report"].pk},
}


def make_foreign(point, foreign):
    foreign["report"] = callback_report_generate(point=point, month=dt.date(2026, 10, 1))
    foreign["callback"] = callback_schedule_for_complaint(
        point=point,
        customer=CustomerFactory(point=point),
        resolved_at=timezone.now() - dt.timedelta(days=1),
    )
