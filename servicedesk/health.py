"""Honest health: database, broker, workers and beat, each checked for real."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import close_old_connections, connection, connections
from django.utils import timezone

from servicedesk.models import Heartbeat

logger = logging.getLogger(__name__)


def record_heartbeat(name: str, *, close_connection: bool = False) -> None:
    """Upsert a heartbeat row. From the worker's timer thread and from beat, pass
    ``close_connection`` so that no connection is left open to be shared by forked processes."""
    try:
        Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})
    except Exception:  # a heartbeat must never take its process down
        logger.exception("heartbeat %s not recorded", name)
    finally:
        if close_connection:
            connections.close_all()


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        close_old_connections()
        return {"status": "down", "error": exc.__class__.__name__}
    return {"status": "up", "vendor": connection.vendor}


def check_broker() -> dict:
    from servicedesk.celery import app

    url = app.conf.broker_url or ""
    transport = url.split("://", 1)[0]
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return {"status": "down", "transport": transport, "error": exc.__class__.__name__}
    return {"status": "up", "transport": transport}


def _age(seen_at: dt.datetime | None, now: dt.datetime) -> float | None:
    return None if seen_at is None else round((now - seen_at).total_seconds(), 1)


def check_heartbeats() -> tuple[dict, dict]:
    now = timezone.now()
    stale = settings.HEALTH_STALE_SECONDS
    try:
        rows = list(Heartbeat.objects.all())
    except Exception as exc:
        error = {"status": "unknown", "error": exc.__class__.__name__}
        return error, error
    workers = [row for row in rows if row.name.startswith("worker:")]
    live = [row for row in workers if _age(row.seen_at, now) <= stale]
    beat = next((row for row in rows if row.name == "beat"), None)
    worker_status = {
        "status": "up" if live else "down",
        "live": sorted(row.name.removeprefix("worker:") for row in live),
        "last_seen_seconds_ago": min(
            (age for r in workers if (age := _age(r.seen_at, now)) is not None), default=None
        ),
    }
    beat_age = _age(beat.seen_at if beat else None, now)
    beat_status = {
        "status": "up" if beat_age is not None and beat_age <= stale else "down",
        "last_seen_seconds_ago": beat_age,
    }
    return worker_status, beat_status


def health_report() -> dict:
    database = check_database()
    broker = check_broker()
    worker, beat = check_heartbeats()
    components = {"database": database, "broker": broker, "worker": worker, "beat": beat}
    ok = all(part["status"] == "up" for part in components.values())
    return {"status": "ok" if ok else "degraded", "time": timezone.now().isoformat(), **components}
