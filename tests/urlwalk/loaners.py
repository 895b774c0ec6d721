import datetime as dt

from django.utils import timezone

from loaners.models import Loaner
from loaners.services import loan_lend
from tests.factories import CustomerFactory
from tests.tickets import PNG

PLAIN_URLS = {"loaners:list", "loaners:create", "loaners:lend"}

OBJECT_URLS = {
    "loaners:detail": lambda f: {"pk": f["loaner"].pk},
    "loaners:return": lambda f: {"pk": f["loan"].pk},
    "loaners:retire": lambda f: {"pk": f["loaner"].pk},
}

POSTS = {
    "loaners:create": lambda f: {
        "model_name": "C3",
        "imei": "356938035643809",
        "condition": "良好",
        "deposit_amount": "200",
        "notes": "",
    },
    "loaners:lend": lambda f: {
        "loaner": f["loaner"].pk,
        "customer": f["loan_customer"].pk,
        "ticket": "",
        "expected_back": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        "deposit_taken": "100",
        "signature": PNG,
    },
    "loaners:return": lambda f: {"condition_on_return": "良好", "note": "押金已退"},
    "loaners:retire": lambda f: {"reason": "屏幕损坏，报废"},
}

GET_ONLY = {"loaners:list", "loaners:detail"}


def make_foreign(point, foreign):
    foreign["loan_customer"] = CustomerFactory(point=point)
    foreign["loaner"] = Loaner.objects.create(
        point=point, model_name="A1", imei="490154203237518", condition="良好"
    )
    lent = Loaner.objects.create(point=point, model_name="B2", imei="352099001761481")
    foreign["loan"] = loan_lend(
        loaner=lent,
        customer=foreign["loan_customer"],
        actor=foreign["supervisor"],
        expected_back=timezone.localdate() + dt.timedelta(days=3),
        signature_data_url=PNG,
    )
