"""Beat wakes the dispatcher every few minutes; the schedule itself lives in the database."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from followups.services import callbacks_dispatch
from servicedesk.retry import DATABASE_RETRY


@shared_task(
    name="followups.tasks.callbacks_dispatch_task",
    ignore_result=True,
    acks_late=True,
    **DATABASE_RETRY,
)
def callbacks_dispatch_task() -> dict:
    """Idempotent (conditional updates on claimed rows), so a re-delivery or a second beat is
    harmless and ``acks_late`` is safe: a worker killed mid-run leaves the rest for the next run."""
    result = callbacks_dispatch(batch_size=settings.FOLLOWUPS_DISPATCH_BATCH)
    return {"queued": result.queued, "overdue": result.overdue}


@shared_task(name="followups.tasks.callback_reports_task", ignore_result=True, **DATABASE_RETRY)
def callback_reports_task() -> int:
    """Daily: generates last month's report for points that have none yet (idempotent)."""
    from followups.reports import callback_reports_generate_due

    return callback_reports_generate_due()
