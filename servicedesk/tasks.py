"""Shared background tasks."""

from __future__ import annotations

from celery import shared_task

from servicedesk.health import record_heartbeat
from servicedesk.retry import DATABASE_RETRY


@shared_task(name="servicedesk.tasks.heartbeat_probe_task", ignore_result=True)
def heartbeat_probe_task(label: str = "beat") -> None:
    """Sent by beat (and by tests): proves a message crossed the broker and ran on a worker."""
    record_heartbeat(f"probe:{label}")


@shared_task(
    name="servicedesk.tasks.export_run_task",
    ignore_result=True,
    acks_late=True,
    **DATABASE_RETRY,
)
def export_run_task(job_id: int) -> None:
    """Runs one export job; safe to receive twice (the job is claimed with a conditional UPDATE)."""
    from servicedesk.exporting import export_run

    export_run(job_id=job_id)


@shared_task(name="servicedesk.tasks.exports_monthly_task", ignore_result=True, **DATABASE_RETRY)
def exports_monthly_task() -> int:
    """Daily: creates last month's file for every point that has none, then runs them."""
    from servicedesk.exporting import monthly_exports_due

    ids = monthly_exports_due()
    for job_id in ids:
        export_run_task.delay(job_id)
    return len(ids)


@shared_task(name="servicedesk.tasks.exports_sweep_task", ignore_result=True, **DATABASE_RETRY)
def exports_sweep_task() -> int:
    """Every few minutes: hands waiting or abandoned jobs to a worker again."""
    from servicedesk.exporting import exports_sweep

    ids = exports_sweep()
    for job_id in ids:
        export_run_task.delay(job_id)
    return len(ids)
