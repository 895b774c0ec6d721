"""Sending the notification outbox: thin, idempotent tasks over rows in the database."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from repairs.models import Notification, NotificationStatus
from repairs.transitions import NOTIFICATION_MACHINE
from servicedesk.queueing import send_after_commit
from servicedesk.retry import DATABASE_RETRY
from servicedesk.statemachine import SYSTEM

MAX_ATTEMPTS = 5


def queue_notifications() -> None:
    """After commit, ask a worker to send what is pending (beat sweeps too, so nothing is lost)."""
    send_after_commit(notifications_send_task)


def notifications_send(*, batch: int = 100) -> int:
    from repairs.notifications import SendError, get_sender

    sender = get_sender()
    sent = 0
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=NotificationStatus.PENDING)
            .order_by("created_at")[:batch]
        )
        for notification in rows:
            notification.attempts += 1
            try:
                sender.send(notification)
            except SendError as exc:
                notification.last_error = str(exc)[:255]
                if notification.attempts >= MAX_ATTEMPTS:
                    NOTIFICATION_MACHINE.move(notification, "give_up", role=SYSTEM)
            else:
                NOTIFICATION_MACHINE.move(notification, "sent", role=SYSTEM)
                notification.sent_at = timezone.now()
                sent += 1
            notification.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    return sent


@shared_task(name="repairs.tasks.notifications_send_task", ignore_result=True, **DATABASE_RETRY)
def notifications_send_task() -> int:
    return notifications_send()


@shared_task(name="repairs.tasks.notifications_sweep_task", ignore_result=True, **DATABASE_RETRY)
def notifications_sweep_task() -> int:
    """Every minute: retries what is still pending (a lost message or a failed gateway)."""
    return notifications_send()
