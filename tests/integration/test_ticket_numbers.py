"""DOMAIN 2: ticket numbers never repeat, even when several desks open tickets at the same time
(row lock on the per-point sequence, on real PostgreSQL)."""

import threading

import pytest
from django.db import connection

from repairs.models import RepairTicket
from servicedesk.models import Role
from tests.factories import CustomerFactory, make_staff
from tests.opening import open_ticket

pytestmark = [pytest.mark.services]


@pytest.mark.reliability(
    "Several desks open tickets at the same moment",
    "4 threads × 5 tickets on PostgreSQL: numbers 1–20, none repeated",
)
def test_concurrent_intake_gives_unique_sequential_numbers(transactional_db, point):
    desks = [make_staff(Role.FRONT_DESK, point=point).user for _ in range(4)]
    customers = [CustomerFactory(point=point) for _ in range(4)]
    barrier, errors = threading.Barrier(4), []

    def work(index):
        try:
            barrier.wait()
            for n in range(5):
                open_ticket(point, desks[index], customers[index], imei="", serial=f"T{index}N{n}X")
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    numbers = sorted(RepairTicket.objects.values_list("sequence", flat=True))
    assert numbers == list(range(1, 21))
