import datetime as dt

import pytest

from loaners.demo import load_demo_data
from loaners.models import Loan, Loaner
from servicedesk.models import Role
from tests.opening import open_ticket

pytestmark = pytest.mark.django_db


def test_demo_loaners_are_loaded_once_with_one_lent_for_an_open_repair(point, desk):
    ticket = open_ticket(point, desk)
    staff = {Role.FRONT_DESK: desk}
    for _ in range(2):
        load_demo_data(point=point, staff=staff, today=dt.date(2026, 3, 2))
    assert Loaner.objects.filter(point=point).count() == 3
    loan = Loan.objects.get(point=point)
    assert loan.ticket == ticket and loan.returned_at is None
