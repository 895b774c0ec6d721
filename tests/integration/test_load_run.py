"""The load run in small (issue #21): staff of every role at four points of a small generated
network, against the production stack (a private redis-server, gunicorn, a Celery worker and
beat, a fake SMS gateway), with Redis restarted, a web worker and the Celery worker killed in the
middle. No request may fail, and afterwards every callback that fell due is queued once and every
customer message reaches the gateway once.

Nothing here depends on timing luck: the faults are injected whatever the load, a web worker is
killed only between two requests (it is frozen first and checked for a client connection), and
what the worker must finish is waited for (bounded) rather than slept for."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.management import call_command
from django.utils import timezone

from devtools.loadstack import free_port
from repairs.models import RepairTicket
from servicedesk.models import Notification, NotificationKind, ServicePoint

pytestmark = [pytest.mark.services, pytest.mark.worker, pytest.mark.xdist_group("worker")]

PASSWORD = "load-run-pw"
WAITING_MESSAGES = 10


@pytest.fixture
def small_network(transactional_db):
    """A generated network of about twenty points ending now; calling hours all day (the
    callback queue then lists due callbacks whatever the hour the test runs at); every login
    hashed as in production (Argon2), since the stack runs on the production settings."""
    call_command(
        "generate_national",
        scale=0.0005,
        seed=11,
        now=timezone.now().replace(second=0, microsecond=0).isoformat(),
        password=PASSWORD,
        stdout=io.StringIO(),
    )
    ServicePoint.objects.update(calling_hours=[["00:00", "23:59"]])
    argon2 = Argon2PasswordHasher()
    get_user_model().objects.update(password=argon2.encode(PASSWORD, argon2.salt()))
    # Customer messages waiting in the outbox when the run starts (the desks add their own).
    for ticket in RepairTicket.objects.order_by("id")[:WAITING_MESSAGES]:
        Notification.objects.create(
            point_id=ticket.point_id,
            kind=NotificationKind.CUSTOMER_REPAIR,
            ticket=ticket,
            to=ticket.contact_phone,
            text="您的手机已修好",
        )


@pytest.mark.reliability(
    "Redis restarted, a web worker and the Celery worker killed under load",
    "20 staff of every role at 4 points for 40 s on the production stack; mid-run: Redis killed"
    " and started empty, a gunicorn worker and the Celery worker SIGKILLed (the latter started"
    " again): no request fails, every due callback queued once, every message sent once",
)
def test_load_run_with_faults_fails_no_request_and_loses_nothing(small_network, tmp_path):
    out = tmp_path / "loadrun.json"
    began = timezone.now()
    call_command(
        "loadrun",
        serve=True,
        faults=True,
        staff=20,
        points=4,
        duration=40,
        ramp_up=5,
        port=free_port(),
        password=PASSWORD,
        due_per_point=5,
        settle=150,
        json=str(out),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    result = json.loads(out.read_text())

    assert result["errors"] == 0, result["first_errors"]
    assert result["threads_still_running"] == 0
    assert set(result["by_role"]) == {"desk", "tech", "hotline", "clerk", "supervisor"}
    writes = sum(row["requests"] for kind, row in result["by_kind"].items() if "POST" in kind)
    assert writes > 0

    events = " | ".join(event["event"] for event in result["faults"])
    for fault in (
        "redis-server killed",
        "redis-server started again",
        "gunicorn worker",
        "celery worker killed",
        "celery worker started (loadrun2@localhost)",
    ):
        assert fault in events, events

    integrity = result["integrity"]
    assert integrity["settled"]["left"] == {
        "callbacks waiting for the dispatcher": 0,
        "messages pending": 0,
    }
    assert integrity["callbacks"]["made_due_for_the_run"] > 0
    assert (
        integrity["callbacks"]["queued_during_run"]
        >= integrity["callbacks"]["made_due_for_the_run"]
    )
    assert integrity["lost"] == 0, integrity
    assert integrity["duplicated"] == 0, integrity
    assert integrity["messages"]["sent"] >= WAITING_MESSAGES
    assert integrity["messages"]["received_by_gateway"] == integrity["messages"]["sent"]
    assert timezone.now() - began < dt.timedelta(minutes=5)
