import base64
import datetime as dt
from decimal import Decimal

import pytest

from loaners.services import loaner_create
from repairs.signatures import make_png
from servicedesk.models import Role

PNG = "data:image/png;base64," + base64.b64encode(make_png(200, 60)).decode()
#: An IMEI with a good check digit (the loaner's).
LOANER_IMEI = "490154203237518"


@pytest.fixture
def desk(staff_of):
    return staff_of(Role.FRONT_DESK).user


@pytest.fixture
def tech(staff_of):
    return staff_of(Role.TECHNICIAN).user


@pytest.fixture
def loaner(point, desk):
    return loaner_create(
        point=point,
        actor=desk,
        model_name="A1",
        imei=LOANER_IMEI,
        condition="外观良好",
        deposit_amount=Decimal("300.00"),
    )


def in_days(days: int) -> dt.date:
    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=days)
