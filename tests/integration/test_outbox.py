"""The customer-message outbox on the real stack: a sender killed between its claim and its
sends, and two senders at once, never send a message twice nor lose one."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import F

from servicedesk.models import Notification, NotificationStatus, Role
from servicedesk.outbox import notifications_send
from servicedesk.tasks import notifications_send_task
from tests.integration.conftest import wait_for
from tests.opening import open_ticket
from tests.repairs.test_notifications import serve_gateway

pytestmark = [pytest.mark.services]


@pytest.fixture
def gateway(settings):
    yield from serve_gateway(settings)


@pytest.fixture
def six_messages(transactional_db, point, staff_of):
    ticket = open_ticket(point, staff_of(Role.FRONT_DESK).user)
    return [
        Notification.objects.create(
            point=ticket.point, ticket=ticket, to=ticket.contact_phone, text=f"第{n}条消息"
        )
        for n in range(6)
    ]


def texts(gateway) -> list[str]:
    return sorted(body["text"] for _auth, body in gateway.received)


@pytest.mark.worker
@pytest.mark.xdist_group("worker")
@pytest.mark.reliability(
    "Worker killed mid-task (customer messages)",
    "SIGKILL between the 2nd and 3rd send of a claimed batch, then the lease runs out and a new"
    " worker: each message sent once",
)
def test_sender_killed_mid_batch_sends_every_message_once(
    six_messages, gateway, celery_processes, celery_queue, tmp_path
):
    markers = tmp_path / "fault-markers"
    worker = celery_processes(
        "worker",
        FAULT_PAUSE_AT="outbox.send@3",
        FAULT_MARKER_DIR=markers,
        NOTIFICATION_SENDER=settings.NOTIFICATION_SENDER,
        SMS_GATEWAY_URL=settings.SMS_GATEWAY_URL,
        SMS_GATEWAY_TOKEN=settings.SMS_GATEWAY_TOKEN,
    )
    notifications_send_task.apply_async(queue=celery_queue)
    assert wait_for(lambda: (markers / "outbox.send").exists(), timeout=60)
    worker.kill()
    # Two were sent and recorded, each in its own transaction; the other four stay claimed.
    assert texts(gateway) == ["第0条消息", "第1条消息"]
    assert Notification.objects.filter(status=NotificationStatus.SENT).count() == 2
    claimed = Notification.objects.filter(status=NotificationStatus.PENDING)
    assert claimed.count() == 4 and not claimed.filter(claimed_at__isnull=True).exists()

    assert notifications_send() == 0  # the dead worker's lease still runs: nothing sent twice

    # The lease runs out (its claim is dated back by the lease), and a new worker sends the rest.
    Notification.objects.filter(claimed_at__isnull=False).update(
        claimed_at=F("claimed_at") - dt.timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)
    )
    celery_processes(
        "worker",
        NOTIFICATION_SENDER=settings.NOTIFICATION_SENDER,
        SMS_GATEWAY_URL=settings.SMS_GATEWAY_URL,
        SMS_GATEWAY_TOKEN=settings.SMS_GATEWAY_TOKEN,
    )
    notifications_send_task.apply_async(queue=celery_queue)  # beat's next sweep
    assert wait_for(
        lambda: not Notification.objects.exclude(status=NotificationStatus.SENT).exists(),
        timeout=60,
    )
    assert texts(gateway) == [f"第{n}条消息" for n in range(6)]


@pytest.mark.reliability(
    "Two senders at once (a re-delivered message, two sweeps)",
    "four threads send the outbox on PostgreSQL in batches of 2: each message sent once",
)
def test_two_senders_at_once_send_each_message_once(six_messages, gateway):
    errors = []

    def send():
        try:
            notifications_send(batch=2)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    while notifications_send(batch=2):  # what the four left, as the next sweeps would
        pass
    assert not errors
    assert texts(gateway) == [f"第{n}条消息" for n in range(6)]
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
