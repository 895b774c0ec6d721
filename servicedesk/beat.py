"""Beat's scheduler: django-celery-beat's database scheduler plus a heartbeat row for /health/."""

from __future__ import annotations

import time

from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler

from servicedesk.health import record_heartbeat


class HeartbeatDatabaseScheduler(DatabaseScheduler):
    _last_heartbeat = 0.0

    def tick(self, *args, **kwargs):
        now = time.monotonic()
        if now - self._last_heartbeat >= settings.HEALTH_HEARTBEAT_SECONDS:
            record_heartbeat("beat")
            self._last_heartbeat = now
        return super().tick(*args, **kwargs)
