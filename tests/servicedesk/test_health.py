"""/health/ reports database, broker, worker and beat honestly: a stopped worker shows as down."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from servicedesk.models import Heartbeat

pytestmark = pytest.mark.django_db


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
