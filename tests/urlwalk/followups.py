import datetime as dt
import uuid

from django.utils import timezone

from followups.reports import callback_report_generate
from followups.services import callback_schedule_for_complaint
from tests.factories import CustomerFactory
from tests.urlwalk import local_input

PLAIN_URLS = {"followups:queue", "followups:report_list"}

OBJECT_URLS = {
    "followups:callback": lambda f: {"pk": f["callback"].pk},
    "followups:callback_move": lambda f: {"pk": f["callback"].pk},
    "followups:callback_slip": lambda f: {"pk": f["callback"].pk},
    "followups:report_detail": lambda f: {"pk": f["report"].pk},
    "followups:report_csv": lambda f: {"pk": f["report"].pk},
}

POSTS = {
    "followups:callback": lambda f: {
        "version": f["callback"].version,
        "outcome": "wrong_number",
        # The walk runs at any hour: a call the customer made is recorded at rest time too.
        "outside_hours_reason": "customer_called",
    },
    "followups:callback_move": lambda f: {
        "version": f["callback"].version,
        "due_at": local_input(days=2),
        "reason": "顾客要求改期",
    },
    "followups:report_csv": lambda f: {},
    "followups:callback_slip": lambda f: {
        "token": str(uuid.uuid4()),
        "message": "顾客问延保价格",
        "addressee": f["supervisor"].pk,
        "callback_due_at": local_input(),
        "read_back_confirmed": "on",
    },
}

GET_ONLY = {
    "followups:queue",
    "followups:report_list",
    "followups:report_detail",
}

#: Every download of a report is audited, however often it happens.
AUDITED_EACH_TIME = {"followups:report_csv"}


def make_foreign(point, foreign):
    foreign["report"] = callback_report_generate(point=point, month=dt.date(2026, 10, 1))
    foreign["callback"] = callback_schedule_for_complaint(
        point=point,
        customer=CustomerFactory(point=point),
        resolved_at=timezone.now() - dt.timedelta(days=1),
    )
