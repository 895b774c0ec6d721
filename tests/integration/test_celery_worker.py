"""A task runs on a real worker through Redis; /health/ tells a live worker from a dead one."""

import uuid

import pytest
from django.urls import reverse

from servicedesk.models import Heartbeat
from servicedesk.tasks import heartbeat_probe_task
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.services, pytest.mark.worker, pytest.mark.xdist_group("worker")]


def test_a_task_runs_on_a_real_worker_through_redis(celery_worker_process, settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    token = uuid.uuid4().hex
    heartbeat_probe_task.apply_async(args=[token], queue=celery_worker_process.queue)
    assert wait_for(lambda: Heartbeat.objects.filter(name=f"probe:{token}").exists(), timeout=60)


@pytest.mark.reliability(
    "Worker dead",
    "SIGKILL the worker: /health/ reports it down",
)
def test_health_shows_the_worker_up_then_down_when_killed(celery_worker_process, client, settings):
    settings.HEALTH_TOKEN = "monitor-token"
    client.defaults["HTTP_AUTHORIZATION"] = "Bearer monitor-token"  # the parts, not just up/down
    name = f"worker:{celery_worker_process.hostname}"
    assert wait_for(lambda: Heartbeat.objects.filter(name=name).exists(), timeout=60)
    data = client.get(reverse("health")).json()
    assert celery_worker_process.hostname in data["worker"]["live"]

    celery_worker_process.kill()
    settings.HEALTH_STALE_SECONDS = 3
    assert wait_for(
        lambda: (
            celery_worker_process.hostname
            not in client.get(reverse("health")).json()["worker"]["live"]
        ),
        timeout=20,
    )
