"""Periodic complaint work (rules#complaints): missed promised reply times escalate, once each."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from complaints.models import UNRESOLVED_STAGES, Complaint
from complaints.services import escalate_overdue
from servicedesk.retry import DATABASE_RETRY


@shared_task(
    name="complaints.tasks.escalate_missed_promises_task", ignore_result=True, **DATABASE_RETRY
)
def escalate_missed_promises_task(batch: int = 500) -> int:
    """Find unresolved complaints whose promised reply time has passed and that are not marked
    overdue yet; ``escalate_overdue`` re-checks under a skip-locked row lock (idempotent)."""
    now = timezone.now()
    ids = list(
        Complaint.objects.filter(
            stage__in=UNRESOLVED_STAGES,
            promised_reply_at__lte=now,
            overdue_since__isnull=True,
        )
        .order_by("promised_reply_at")
        .values_list("pk", flat=True)[:batch]
    )
    return sum(1 for pk in ids if escalate_overdue(complaint_id=pk, now=now))
