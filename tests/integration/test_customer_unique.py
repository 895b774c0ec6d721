"""One customer per phone at a point, also when two desks record the same caller at the same
moment (the unique (point, phone) index on real PostgreSQL; rules#customers)."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, transaction

from intake.models import Customer
from intake.services.desk import customer_get_or_create
from servicedesk.models import Role
from tests.factories import make_staff
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.services]


def blocked_on_a_customer_insert() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO \"intake_customer\"%%'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.reliability(
    "Two desks record the same new customer at the same moment",
    "two threads on PostgreSQL, two forms for one number; the second inserts while the first has"
    " not committed: one customer, the second form gets it, no error",
)
def test_two_desks_recording_one_number_at_once_make_one_customer(transactional_db, point):
    desks = [make_staff(Role.FRONT_DESK, point=point).user for _ in range(2)]
    first_inserted, release = threading.Event(), threading.Event()
    results: dict[str, tuple[Customer, bool]] = {}
    errors: list[Exception] = []

    def record(key: str, desk, hold: bool) -> None:
        try:
            with transaction.atomic():
                results[key] = customer_get_or_create(
                    point=point,
                    actor=desk,
                    name="王小明",
                    phone="139 1234 5678",
                    token=uuid.uuid4(),  # two different forms, not a double submit
                )
                if hold:  # the first desk's transaction stays open until the second waits
                    first_inserted.set()
                    release.wait(30)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    first = threading.Thread(target=record, args=("first", desks[0], True))
    first.start()
    assert first_inserted.wait(30)
    second = threading.Thread(target=record, args=("second", desks[1], False))
    second.start()
    # The second desk's insert waits on the unique index for the first one's transaction.
    assert wait_for(blocked_on_a_customer_insert, timeout=30)
    release.set()
    first.join(30)
    second.join(30)

    assert not errors, errors
    (one, created_one), (two, created_two) = results["first"], results["second"]
    assert one.pk == two.pk and created_one and not created_two
    assert Customer.objects.filter(point=point).count() == 1
