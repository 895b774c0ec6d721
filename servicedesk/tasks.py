"""Shared background tasks."""

from __future__ import annotations

from celery import shared_task

from servicedesk.health import record_heartbeat
from servicedesk.outbox import notifications_send
from servicedesk.retry import DATABASE_RETRY


@shared_task(name="servicedesk.tasks.heartbeat_probe_task", ignore_result=True)
def heartbeat_probe_task(label: str = "beat") -> None:
    """Sent by beat (and by tests): proves a message crossed the broker and ran on a worker."""
    record_heartbeat(f"probe:{label}")


@shared_task(name="servicedesk.tasks.notifications_send_task", ignore_result=True, **DATABASE_RETRY)
def notifications_send_task() -> int:
    """Woken after a commit that wrote outbox messages."""
    return notifications_send()


@shared_task(
    name="servicedesk.tasks.notifications_sweep_task", ignore_result=True, **DATABASE_RETRY
)
def notifications_sweep_task() -> int:
    """Every minute: retries what is still pending (a lost message or a failed gateway)."""
    return notifications_send()
