"""DOMAIN 6 reliability on the real stack: PostgreSQL, Redis, a Celery worker and beat.

The schedule lives in PostgreSQL and beat only wakes the dispatcher, so a flushed broker or a
killed worker loses nothing, and two dispatchers at once never double-act."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from followups.models import Callback, CallbackKind, CallbackStatus
from followups.services import callbacks_dispatch
from repairs.models import RepairTicket
from servicedesk.models import Role
from tests.factories import make_staff
from tests.integration.conftest import wait_for
from tests.opening import open_ticket
from tests.tickets import FULL, walk_to_handover

pytestmark = [pytest.mark.services, pytest.mark.worker, pytest.mark.xdist_group("worker")]

# The broker database this module may flush without touching other test runs on the same Redis.
FLUSHABLE_BROKER = "redis://127.0.0.1:6379/15"


def handed_over_through_the_desk(point, now):
    """A ticket taken through the real transitions; the handover schedules its callbacks."""
    desk = make_staff(Role.FRONT_DESK, point=point).user
    tech = make_staff(Role.TECHNICIAN, point=point).user
    ticket = open_ticket(point, desk, imei="", serial=f"INT{RepairTicket.objects.count():05d}")
    ticket = walk_to_handover(ticket, desk=desk, tech=tech, payload=FULL, now=now)
    assert Callback.objects.filter(ticket=ticket).count() == 2
    return ticket


@pytest.fixture
def handed_over_three_days_ago(point):
    """Callbacks owed for tickets handed over three days ago: the first ones are due today."""
    point.callback_sample_rate = Decimal("1")
    point.calling_hours = [["00:00", "23:59"]]  # any time of day is calling time for this test
    point.save()
    handed = timezone.now() - dt.timedelta(days=3)
    tickets = [handed_over_through_the_desk(point, now=handed) for _ in range(5)]
    Callback.objects.filter(kind=CallbackKind.FIRST).update(
        due_at=timezone.now() - dt.timedelta(minutes=1)
    )
    return tickets


def first_callbacks_queued():
    return Callback.objects.filter(kind=CallbackKind.FIRST, status=CallbackStatus.DUE).count()


def test_beat_and_worker_bring_a_handovers_callbacks_into_the_queue(
    handed_over_three_days_ago, celery_processes
):
    celery_processes("worker")
    celery_processes("beat", FOLLOWUPS_DISPATCH_SECONDS=1)
    assert wait_for(lambda: first_callbacks_queued() == 5, timeout=60)
    # The second callbacks (days 8-15) are not due yet and stay scheduled.
    assert (
        not Callback.objects.filter(kind=CallbackKind.SECOND)
        .exclude(status=CallbackStatus.SCHEDULED)
        .exists()
    )


@pytest.mark.reliability(
    "Broker flushed, worker and beat killed (follow-up dispatcher)",
    "SIGKILL worker and beat, FLUSHDB the broker, restart: every callback queued once",
)
def test_flushing_redis_and_killing_the_worker_loses_nothing(
    handed_over_three_days_ago, celery_processes
):
    beat = celery_processes(
        "beat", FOLLOWUPS_DISPATCH_SECONDS=1, CELERY_BROKER_URL=FLUSHABLE_BROKER
    )
    worker = celery_processes("worker", CELERY_BROKER_URL=FLUSHABLE_BROKER)
    worker.kill()  # SIGKILL, whatever it was doing
    client = redis.Redis.from_url(FLUSHABLE_BROKER)
    client.flushdb()  # every queued message is gone
    beat.kill()
    client.flushdb()
    assert first_callbacks_queued() == 0  # nothing ran while the worker was dead
    celery_processes("beat", FOLLOWUPS_DISPATCH_SECONDS=1, CELERY_BROKER_URL=FLUSHABLE_BROKER)
    celery_processes("worker", CELERY_BROKER_URL=FLUSHABLE_BROKER)
    assert wait_for(lambda: first_callbacks_queued() == 5, timeout=60)
    assert Callback.objects.count() == 10  # nothing lost, nothing duplicated


@pytest.mark.reliability(
    "Two dispatchers at once (two beats, a re-delivered message)",
    "two threads dispatch the same due callbacks on PostgreSQL: each queued once",
)
def test_two_dispatchers_at_once_create_no_duplicates(handed_over_three_days_ago, transactional_db):
    assert connection.vendor == "postgresql"
    results, barrier = [], threading.Barrier(2)

    def run():
        barrier.wait()
        try:
            results.append(callbacks_dispatch(batch_size=2))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(result.queued for result in results) == 5
    assert first_callbacks_queued() == 5
    assert Callback.objects.count() == 10


def test_broker_is_redis():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
