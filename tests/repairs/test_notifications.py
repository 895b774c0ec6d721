"""The customer-message outbox: the HTTP gateway adapter, retries, nothing lost."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from repairs.models import Notification, NotificationStatus
from repairs.tasks import MAX_ATTEMPTS, notifications_send
from servicedesk.models import Role
from tests.intake.conftest import open_ticket

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
