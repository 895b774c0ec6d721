"""/health/ reports database, broker, worker and beat honestly: a stopped worker shows as down."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from servicedesk.models import Heartbeat

pytestmark = pytest.mark.django_db

TOKEN = "monitor-token-for-tests"


@pytest.fixture
def client(client, settings):
    """A monitor holding the token: it sees the parts."""
    settings.HEALTH_TOKEN = TOKEN
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
    return client


def test_health_is_degraded_without_worker_and_beat(client):
    response = client.get(reverse("health"))
    assert response.status_code == 503
    data = response.json()
    assert data["database"]["status"] == "up"
    assert data["broker"]["status"] == "up"
    assert data["worker"]["status"] == "down"
    assert data["beat"]["status"] == "down"


def test_health_is_ok_with_fresh_heartbeats(client):
    now = timezone.now()
    Heartbeat.objects.create(name="worker:celery@host", seen_at=now)
    Heartbeat.objects.create(name="beat", seen_at=now)
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["worker"]["live"] == ["celery@host"]


def test_a_stopped_worker_shows_as_down(client, settings):
    old = timezone.now() - dt.timedelta(seconds=settings.HEALTH_STALE_SECONDS + 1)
    Heartbeat.objects.create(name="worker:celery@host", seen_at=old)
    Heartbeat.objects.create(name="beat", seen_at=timezone.now())
    data = client.get(reverse("health")).json()
    assert data["worker"]["status"] == "down"
    assert data["beat"]["status"] == "up"


def test_health_needs_no_login_and_shows_no_tenant_data(client):
    body = client.get(reverse("health")).content.decode()
    assert "customer" not in body.lower()


@pytest.mark.reliability(
    "Health page tells anyone the topology",
    "anonymous /health/: only up/down and the HTTP status; parts for staff or the token",
)
def test_anonymous_health_shows_only_the_verdict(settings, staff_of):
    from django.test import Client

    from servicedesk.models import Role

    settings.HEALTH_TOKEN = TOKEN
    Heartbeat.objects.create(name="worker:celery@worker-host-7", seen_at=timezone.now())
    anonymous = Client().get(reverse("health"))
    assert anonymous.status_code == 503 and anonymous.json() == {"status": "degraded"}
    wrong = Client(HTTP_AUTHORIZATION="Bearer nope").get(reverse("health"))
    assert "worker-host-7" not in wrong.content.decode()
    staff = Client()
    staff.force_login(staff_of(Role.FRONT_DESK).user)
    assert staff.get(reverse("health")).json()["worker"]["live"] == ["celery@worker-host-7"]
