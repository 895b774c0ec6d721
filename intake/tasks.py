"""Beat: overdue message slips remind their addressee, once each (idempotent)."""

from __future__ import annotations

from celery import shared_task

from intake.services.slips import slip_mark_reminded, slips_overdue
from servicedesk.retry import DATABASE_RETRY


@shared_task(name="intake.tasks.slip_reminders_task", ignore_result=True, **DATABASE_RETRY)
def slip_reminders_task() -> int:
    """Marks each overdue slip as reminded once; the reminder shows on the addressee's workbench and
    in the supervisor's slip queue (rules#hotline: an unanswered slip past its time is overdue)."""
    ids = list(
        slips_overdue().filter(overdue_reminded_at__isnull=True).values_list("pk", flat=True)[:1000]
    )
    return sum(slip_mark_reminded(slip_id=slip_id) for slip_id in ids)
