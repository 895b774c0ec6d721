"""The customer-message outbox: the HTTP gateway adapter, retries, nothing lost."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse

from repairs.models import Notification, NotificationStatus
from repairs.tasks import MAX_ATTEMPTS, notifications_send
from servicedesk.models import Role
from tests.opening import open_ticket

pytestmark = pytest.mark.django_db


class Gateway(BaseHTTPRequestHandler):
    status = 200
    received: list = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        Gateway.received.append(
            (self.headers["Authorization"], json.loads(self.rfile.read(length)))
        )
        self.send_response(Gateway.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Gateway.received, Gateway.status = [], 200
    settings.NOTIFICATION_SENDER = "repairs.notifications.HttpSmsSender"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/sms"
    settings.SMS_GATEWAY_TOKEN = "secret-token"
    yield Gateway
    server.shutdown()


@pytest.fixture
def message(point, staff_of):
    ticket = open_ticket(point, staff_of(Role.FRONT_DESK).user)
    return Notification.objects.create(
        ticket=ticket, to=ticket.contact_phone, text="您的手机已修好"
    )


def test_the_http_gateway_adapter_posts_the_message(gateway, message):
    assert notifications_send() == 1
    auth, body = gateway.received[0]
    assert auth == "Bearer secret-token" and body == {"to": message.to, "text": "您的手机已修好"}
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
    from repairs.tasks import notifications_send_task, notifications_sweep_task
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
