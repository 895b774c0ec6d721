"""Shared background tasks."""

from __future__ import annotations

from celery import shared_task

from servicedesk.health import record_heartbeat


@shared_task(name="servicedesk.tasks.heartbeat_probe_task", ignore_result=True)
def heartbeat_probe_task(label: str = "beat") -> None:
    """Sent by beat (and by tests): proves a message crossed the broker and ran on a worker."""
    record_heartbeat(f"probe:{label}")
