"""The broker or the database goes away under real Celery processes.

Redis holds no work item: a flushed (or restarted, unpersisted) broker loses no scheduled callback,
slip reminder or customer notification, because beat's sweeps find them in PostgreSQL again. A
database that is briefly unreachable makes a task retry with backoff until it is back."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import threading
from decimal import Decimal

import pytest
import redis
from django.db import connection
from django.utils import timezone

from followups.models import Callback, CallbackKind, CallbackStatus
from followups.services import callbacks_schedule_for_handover
from followups.tasks import callbacks_dispatch_task
from intake.models import MessageSlip
from intake.services.slips import slip_take
from servicedesk.models import Heartbeat, Notification, NotificationStatus, Role
from tests.factories import make_staff
from tests.followups.conftest import handed_over_ticket
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.services, pytest.mark.worker, pytest.mark.xdist_group("worker")]

# A broker database of our own that this module may flush (see test_followups_dispatch).
FLUSHABLE_BROKER = "redis://127.0.0.1:6379/15"
FAST_BEAT = {
    "FOLLOWUPS_DISPATCH_SECONDS": 1,
    "SLIP_REMINDERS_SECONDS": 1,
    "NOTIFICATIONS_SWEEP_SECONDS": 1,
}


@pytest.fixture
def due_work(point):
    """Three kinds of work due now, all in PostgreSQL: first callbacks, overdue message slips
    and customer notifications waiting in the outbox."""
    point.callback_sample_rate = Decimal("1")
    point.calling_hours = [["00:00", "23:59"]]
    point.save()
    handed = timezone.now() - dt.timedelta(days=3)
    tickets = [handed_over_ticket(point, handed_over_at=handed) for _ in range(3)]
    for ticket in tickets:
        callbacks_schedule_for_handover(ticket=ticket)
        Notification.objects.create(
            point=ticket.point, ticket=ticket, to=ticket.contact_phone, text="您的手机已修好"
        )
    Callback.objects.filter(kind=CallbackKind.FIRST).update(
        due_at=timezone.now() - dt.timedelta(minutes=1)
    )
    taker = make_staff(Role.HOTLINE, point=point).user
    addressee = make_staff(Role.TECHNICIAN, point=point).user
    for n in range(3):
        slip_take(
            point=point,
            actor=taker,
            caller_name=f"来电人{n}",
            phone="13800138000",
            message="请回电",
            callback_due_at=timezone.now() + dt.timedelta(hours=1),
            addressee=addressee,
            read_back_confirmed=True,
        )
    MessageSlip.objects.update(callback_due_at=timezone.now() - dt.timedelta(minutes=5))


def done():
    return {
        "callbacks queued": Callback.objects.filter(status=CallbackStatus.DUE).count(),
        "slips reminded": MessageSlip.objects.filter(overdue_reminded_at__isnull=False).count(),
        "messages sent": Notification.objects.filter(status=NotificationStatus.SENT).count(),
    }


ALL_DONE = {"callbacks queued": 3, "slips reminded": 3, "messages sent": 3}
NOTHING_DONE = dict.fromkeys(ALL_DONE, 0)


@pytest.mark.reliability(
    "Redis flushed (or restarted without persistence)",
    "beat's wake-ups flushed from the broker before any worker ran them, then a worker and beat:"
    " every callback, slip reminder and customer message done once",
)
def test_a_flushed_broker_loses_no_callback_reminder_or_customer_message(
    due_work, celery_processes, celery_queue
):
    broker = redis.Redis.from_url(FLUSHABLE_BROKER)
    beat = celery_processes("beat", CELERY_BROKER_URL=FLUSHABLE_BROKER, **FAST_BEAT)
    assert wait_for(lambda: broker.llen(celery_queue) > 0, timeout=60)  # wake-ups are queued
    beat.kill()
    broker.flushdb()  # ...and gone
    assert done() == NOTHING_DONE

    celery_processes("worker", CELERY_BROKER_URL=FLUSHABLE_BROKER)
    celery_processes("beat", CELERY_BROKER_URL=FLUSHABLE_BROKER, **FAST_BEAT)
    assert wait_for(lambda: done() == ALL_DONE, timeout=60), done()
    assert Callback.objects.count() == 6
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


class FlakyDatabaseLink:
    """A TCP relay between a worker and PostgreSQL that the test can cut: while cut, every
    connection is accepted and closed at once (as when the database restarts)."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cut = False
        self.refused = 0
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                if self.cut:
                    self.refused += 1
                    client.close()
                    continue
                server = socket.create_connection(self.upstream)
                self.sockets += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    @staticmethod
    def _pipe(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for each in (source, target):
                with contextlib.suppress(OSError):
                    each.shutdown(socket.SHUT_RDWR)

    def go_down(self):
        with self.lock:
            self.cut = True
            for each in self.sockets:
                with contextlib.suppress(OSError):
                    each.shutdown(socket.SHUT_RDWR)
            self.sockets.clear()

    def come_back(self):
        with self.lock:
            self.cut = False

    def close(self):
        self.listener.close()


@pytest.fixture
def flaky_link():
    settings = connection.settings_dict
    link = FlakyDatabaseLink(
        (settings.get("HOST") or "127.0.0.1", int(settings.get("PORT") or 5432))
    )
    yield link
    link.close()


@pytest.mark.reliability(
    "Database briefly unavailable (background work)",
    "the worker's connection to PostgreSQL cut while a task runs: the task retries with backoff"
    " and finishes once the database is back",
)
def test_a_task_retries_while_the_database_is_down_and_finishes_after(
    due_work, celery_processes, celery_queue, flaky_link
):
    s = connection.settings_dict
    through_link = f"postgres://{s['USER']}@127.0.0.1:{flaky_link.port}/{s['NAME']}"
    worker = celery_processes("worker", DATABASE_URL=through_link, HEALTH_HEARTBEAT_SECONDS=3600)
    assert wait_for(
        lambda: Heartbeat.objects.filter(name=f"worker:{worker.hostname}").exists(), timeout=60
    )
    flaky_link.go_down()
    callbacks_dispatch_task.apply_async(queue=celery_queue)
    assert wait_for(lambda: flaky_link.refused >= 2, timeout=60)  # tried, failed, retried
    assert done()["callbacks queued"] == 0
    flaky_link.come_back()
    assert wait_for(lambda: done()["callbacks queued"] == 3, timeout=60)
    assert Callback.objects.count() == 6
