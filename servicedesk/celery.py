"""The Celery app. Beat wakes dispatchers; all schedules and work items live in the database."""

from __future__ import annotations

import os

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings.local")

app = Celery("servicedesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Writes the worker's heartbeat row every few seconds from the worker's own timer, so a
    stopped or hung worker shows as down on /health/."""

    requires = ("celery.worker.components:Timer",)

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None

    def start(self, worker):
        from django.conf import settings

        from servicedesk.health import record_heartbeat

        name = f"worker:{worker.hostname}"
        record_heartbeat(name, close_connection=True)
        self.tref = worker.timer.call_repeatedly(
            settings.HEALTH_HEARTBEAT_SECONDS,
            record_heartbeat,
            (name,),
            {"close_connection": True},
            priority=10,
        )

    def stop(self, worker):
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None


app.steps["worker"].add(WorkerHeartbeat)
