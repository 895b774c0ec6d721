"""Demo loaner phones (called per point by ``manage.py load_demo``; idempotent): three loaners
per point through the real services, one of them lent to a customer whose repair is still open."""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal

from intake.validators import luhn_check_digit
from loaners.models import Loan, Loaner
from loaners.services import loan_lend, loaner_create, local_today
from repairs.models import OPEN_STATUSES, RepairTicket
from repairs.signatures import make_png
from servicedesk.models import Role

LOANERS = [
    ("Nova 5", "外观良好，附充电线", Decimal("300.00")),
    ("Nova 5", "后盖轻微划痕", Decimal("300.00")),
    ("Y7", "外观良好", Decimal("200.00")),
]


def _imei(point, index: int) -> str:
    body = f"8699{point.pk:06d}{index:04d}"
    return body + luhn_check_digit(body)


def load_demo_data(*, point, staff, today):
    # The lend happens now, so its expected day counts from the point's today, not ``today``.
    desk = staff[Role.FRONT_DESK]
    loaners = []
    for index, (model_name, condition, deposit) in enumerate(LOANERS):
        loaner = Loaner.objects.filter(point=point, imei=_imei(point, index)).first()
        loaners.append(
            loaner
            or loaner_create(
                point=point,
                actor=desk,
                model_name=model_name,
                imei=_imei(point, index),
                condition=condition,
                deposit_amount=deposit,
            )
        )
    if Loan.objects.filter(point=point).exists():
        return
    ticket = (
        RepairTicket.objects.filter(point=point, status__in=OPEN_STATUSES)
        .select_related("customer")
        .order_by("created_at", "pk")
        .first()
    )
    if ticket is None:
        return
    loan_lend(
        loaner=loaners[0],
        customer=ticket.customer,
        ticket=ticket,
        actor=desk,
        expected_back=local_today(point) + dt.timedelta(days=3),
        deposit_taken=loaners[0].deposit_amount,
        signature_data_url="data:image/png;base64," + base64.b64encode(make_png(300, 100)).decode(),
    )
