"""The exports' background work: run a job, create the monthly files, hand abandoned jobs on."""

from __future__ import annotations

from celery import shared_task

from servicedesk.retry import DATABASE_RETRY


@shared_task(
    name="reporting.tasks.export_run_task",
    ignore_result=True,
    acks_late=True,
    **DATABASE_RETRY,
)
def export_run_task(job_id: int) -> None:
    """Runs one export job; safe to receive twice (the job is claimed with a conditional UPDATE)."""
    from reporting.exports import export_run

    export_run(job_id=job_id)


@shared_task(name="reporting.tasks.exports_monthly_task", ignore_result=True, **DATABASE_RETRY)
def exports_monthly_task() -> int:
    """Daily: creates last month's file for every point that has none, then runs them."""
    from reporting.exports import monthly_exports_due

    ids = monthly_exports_due()
    for job_id in ids:
        export_run_task.delay(job_id)
    return len(ids)


@shared_task(name="reporting.tasks.exports_sweep_task", ignore_result=True, **DATABASE_RETRY)
def exports_sweep_task() -> int:
    """Every few minutes: hands waiting or abandoned jobs to a worker again."""
    from reporting.exports import exports_sweep

    ids = exports_sweep()
    for job_id in ids:
        export_run_task.delay(job_id)
    return len(ids)
