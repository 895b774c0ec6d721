"""The customer-message outbox: the HTTP gateway adapter, retries, nothing lost."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from servicedesk.models import Notification, NotificationStatus, Role
from servicedesk.outbox import MAX_ATTEMPTS, notifications_send
from tests.opening import open_ticket

pytestmark = pytest.mark.django_db


class Gateway(BaseHTTPRequestHandler):
    status = 200
    received: list = []
    keys: list = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        Gateway.received.append(
            (self.headers["Authorization"], json.loads(self.rfile.read(length)))
        )
        Gateway.keys.append(self.headers["Idempotency-Key"])
        self.send_response(Gateway.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    yield from serve_gateway(settings)


def serve_gateway(settings):
    """A local SMS gateway the HTTP sender posts to, while the generator runs."""
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Gateway.received, Gateway.keys, Gateway.status = [], [], 200
    settings.NOTIFICATION_SENDER = "servicedesk.notifications.HttpSmsSender"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/sms"
    settings.SMS_GATEWAY_TOKEN = "secret-token"
    Gateway.server = server
    yield Gateway
    server.shutdown()


@pytest.fixture
def message(point, staff_of):
    ticket = open_ticket(point, staff_of(Role.FRONT_DESK).user)
    return Notification.objects.create(
        point=ticket.point, ticket=ticket, to=ticket.contact_phone, text="您的手机已修好"
    )


def test_the_http_gateway_adapter_posts_the_message(gateway, message):
    assert notifications_send() == 1
    auth, body = gateway.received[0]
    assert auth == "Bearer secret-token"
    assert body == {"id": f"notification-{message.pk}", "to": message.to, "text": "您的手机已修好"}
    message.refresh_from_db()
    assert message.status == NotificationStatus.SENT


@pytest.mark.reliability(
    "SMS gateway down",
    "the gateway answers 500: retried up to the limit, then marked failed",
)
def test_a_failing_gateway_is_retried_then_marked_failed(gateway, message):
    gateway.status = 500
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert notifications_send() == 0
        message.refresh_from_db()
        assert message.attempts == attempt
    assert message.status == NotificationStatus.FAILED and "500" in message.last_error
    assert notifications_send() == 0  # a failed message is not retried forever


@pytest.mark.reliability(
    "SMS gateway down",
    "the gateway answers 503, then recovers: the message is sent once",
)
def test_a_pending_message_survives_until_the_gateway_is_back(gateway, message):
    gateway.status = 503
    notifications_send()
    gateway.status = 200
    assert notifications_send() == 1


@pytest.mark.reliability(
    "Redis down when a change is saved",
    "the broker refuses the after-commit wake-up: the change is saved, no error page, the"
    " outbox sweep sends the message later",
)
def test_a_broker_outage_at_commit_loses_nothing_and_raises_nothing(
    client, point, staff_of, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError as BrokerError

    from repairs.models import TicketStatus
    from servicedesk.tasks import notifications_send_task, notifications_sweep_task
    from tests.repairs.test_lifecycle import move

    def broker_down(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    desk, tech = staff_of(Role.FRONT_DESK).user, staff_of(Role.TECHNICIAN).user
    ticket = open_ticket(point, desk)
    move(ticket, tech, "start_diagnosis")
    move(ticket, tech, "diagnose", fault_confirmed="电池老化")
    move(ticket, tech, "complete_repair", repair_method="更换电池")
    ticket.refresh_from_db()
    monkeypatch.setattr(notifications_send_task, "apply_async", broker_down)
    client.force_login(desk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("repairs:ticket_action", args=[ticket.pk]),
            {"action": "pass_qa", "version": ticket.version},
        )
    assert callbacks and response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.READY
    message = Notification.objects.get(ticket=ticket)
    assert message.status == NotificationStatus.PENDING
    assert notifications_sweep_task() == 1  # beat's sweep, once the broker is back
    message.refresh_from_db()
    assert message.status == NotificationStatus.SENT


# --- claim, send outside any transaction, record ------------------------------------------------


@pytest.fixture
def three_messages(point, staff_of):
    ticket = open_ticket(point, staff_of(Role.FRONT_DESK).user)
    return [
        Notification.objects.create(
            point=ticket.point, ticket=ticket, to=ticket.contact_phone, text=f"第{n}条消息"
        )
        for n in range(3)
    ]


class WatchingSender:
    """Notes, at each send, whether a transaction is open and how many results are committed."""

    seen: list = []

    def send(self, notification):
        from django.db import connection

        WatchingSender.seen.append(
            (connection.in_atomic_block, Notification.objects.filter(status="sent").count())
        )


@pytest.mark.django_db(transaction=True)
def test_the_gateway_is_called_outside_any_transaction_and_each_result_recorded_at_once(
    settings, three_messages
):
    settings.NOTIFICATION_SENDER = f"{__name__}.WatchingSender"
    WatchingSender.seen = []
    assert notifications_send() == 3
    # No transaction open while the gateway answers (no row locks held), and the result of
    # each message before is already committed.
    assert WatchingSender.seen == [(False, 0), (False, 1), (False, 2)]
    assert not Notification.objects.filter(claimed_at__isnull=False).exists()


@pytest.mark.reliability(
    "Worker killed mid-send (customer messages)",
    "a batch claimed and its sender gone: not taken again while the lease runs, taken once after",
)
def test_a_claim_whose_sender_died_is_taken_again_after_its_lease(
    settings, gateway, three_messages, time_machine
):
    from servicedesk.outbox import _claim

    time_machine.move_to("2026-12-01 10:00:00+08:00", tick=False)
    lease = dt.timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)
    _claim(batch=2, lease=lease)  # a sender that claimed two and was killed before sending
    assert notifications_send() == 1  # only the unclaimed one
    assert [body["text"] for _auth, body in gateway.received] == ["第2条消息"]

    time_machine.move_to(timezone.now() + lease - dt.timedelta(seconds=1), tick=False)
    assert notifications_send() == 0  # the lease still runs: nothing sent twice

    time_machine.move_to(timezone.now() + dt.timedelta(seconds=1), tick=False)
    assert notifications_send() == 2
    assert sorted(body["text"] for _auth, body in gateway.received) == [
        "第0条消息",
        "第1条消息",
        "第2条消息",
    ]
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert notifications_send() == 0


def test_a_sender_stops_before_its_lease_could_run_out_and_gives_the_rest_back(
    settings, gateway, three_messages, time_machine
):
    time_machine.move_to("2026-12-01 10:00:00+08:00", tick=False)
    lease = settings.NOTIFICATION_LEASE_SECONDS

    class SlowGateway(Gateway):
        def do_POST(self):
            super().do_POST()
            # The first send takes so long that no other send could end inside the lease.
            time_machine.shift(lease)

    gateway.server.RequestHandlerClass = SlowGateway
    assert notifications_send() == 1
    rest = Notification.objects.exclude(status="sent")
    assert [(m.attempts, m.claimed_at) for m in rest] == [(0, None), (0, None)]
    gateway.server.RequestHandlerClass = Gateway
    assert notifications_send() == 2
    assert len(gateway.received) == 3


@pytest.mark.reliability(
    "A worker dies during the SMS gateway call",
    "the message is sent again after its lease with the same Idempotency-Key and id",
)
def test_a_message_sent_again_after_a_dead_worker_carries_the_same_idempotency_key(
    gateway, message
):
    assert notifications_send() == 1
    # The worker died before recording the gateway's answer: the message is still pending and
    # its lease ran out, so the next sweep sends it again.
    Notification.objects.filter(pk=message.pk).update(
        status=NotificationStatus.PENDING, claimed_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert notifications_send() == 1
    assert gateway.keys == [f"notification-{message.pk}"] * 2
    assert [body["id"] for _auth, body in gateway.received] == gateway.keys
