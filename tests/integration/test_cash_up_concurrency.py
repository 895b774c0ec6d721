"""rules#payment: a double click on the first count of a day is one count (row lock on the desk
user, on real PostgreSQL): the once-a-day constraint is never what refuses the second."""

import datetime as dt
import threading
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from counter import services as money
from counter.models import CashUp, MoneyEntry, MoneyKind, PaymentMethod
from servicedesk.models import Role
from tests.factories import make_staff
from tests.followups.conftest import handed_over_ticket

pytestmark = [pytest.mark.services]

NOON = dt.datetime(2026, 12, 7, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.reliability(
    "A double click on the first cash-up of a day",
    "10 threads submit the same first count on PostgreSQL: one cash-up, no error",
)
def test_ten_first_counts_at_once_give_one_cash_up_and_no_error(transactional_db, point):
    desk = make_staff(Role.FRONT_DESK, point=point).user
    ticket = handed_over_ticket(point, handed_over_at=NOON - dt.timedelta(hours=2))
    MoneyEntry.objects.create(
        ticket=ticket,
        method=PaymentMethod.objects.get(code="cash"),
        kind=MoneyKind.PAYMENT,
        amount=Decimal("80.00"),
        by=desk,
        at=NOON - dt.timedelta(hours=1),
    )
    barrier, errors, results = threading.Barrier(10), [], []

    def work():
        try:
            barrier.wait()
            results.append(
                money.cash_up_submit(
                    user=desk, point=point, day=NOON.date(), counted_cash=Decimal("80.00"), now=NOON
                ).pk
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    with time_machine.travel(NOON, tick=False):
        threads = [threading.Thread(target=work) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert not errors
    cash_up = CashUp.objects.get()
    assert results == [cash_up.pk] * 10
    assert (cash_up.expected_cash, cash_up.counted_cash) == (Decimal("80.00"), Decimal("80.00"))
    assert MoneyEntry.objects.get().cash_up == cash_up
