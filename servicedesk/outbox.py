"""The outbox: messages written in the transaction of the change that causes them (a customer
told that the device is ready, a department told of a complaint), sent by Celery with retries and
never lost (rules#repair, rules#callbacks). ``outbox_write`` is the one writer of new messages;
``notifications_send`` sends them; ``NOTIFICATION_MACHINE`` is the only writer of their status."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicedesk.faults import checkpoint
from servicedesk.models import (
    DepartmentNotice,
    Notification,
    NotificationKind,
    NotificationStatus,
    ServicePoint,
)
from servicedesk.queueing import send_after_commit
from servicedesk.statemachine import SYSTEM, StateMachine, Transition

MAX_ATTEMPTS = 5

#: A message in the outbox: sent, or failed after the last attempt.
NOTIFICATION_MACHINE = StateMachine(
    name="notification",
    field="status",
    transitions=[
        Transition(
            "sent",
            _("Sent"),
            NotificationStatus.PENDING,
            NotificationStatus.SENT,
            frozenset({SYSTEM}),
        ),
        Transition(
            "give_up",
            _("Failed"),
            NotificationStatus.PENDING,
            NotificationStatus.FAILED,
            frozenset({SYSTEM}),
        ),
    ],
)


def outbox_write(
    *,
    point: ServicePoint,
    kind: str,
    to: str,
    text: str,
    ticket_id: int | None = None,
    notice: DepartmentNotice | None = None,
    channel: str = "sms",
    now: dt.datetime | None = None,
) -> Notification:
    """A message in the outbox, written in the caller's transaction; a worker is woken once that
    commits (and beat's sweep sends it anyway if the broker is down)."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown outbox kind {kind!r}")
    message = Notification.objects.create(
        point=point,
        kind=kind,
        ticket_id=ticket_id,
        notice=notice,
        channel=channel,
        to=to,
        text=text[:500],
        created_at=now or timezone.now(),
    )
    queue_notifications()
    return message


def queue_notifications() -> None:
    """After commit, ask a worker to send what is pending (beat sweeps too, so nothing is lost)."""
    from servicedesk.tasks import notifications_send_task

    send_after_commit(notifications_send_task)


def notifications_send(*, batch: int = 100) -> int:
    """Send what is pending: claim, send, record.

    The gateway is never called inside a transaction: a slow or hanging gateway would hold row
    locks (and a connection) for a whole batch. So a batch is *claimed* in one short transaction
    (``claimed_at`` set on rows locked with ``SKIP LOCKED``, so two senders take different rows),
    each message is sent with no transaction open, and each result is recorded in its own short
    transaction. A claim is a lease: one whose sender died (worker killed) is taken again once
    ``NOTIFICATION_LEASE_SECONDS`` have passed; a sender stops sending its batch before its lease
    could run out, so in the normal path no message goes out twice."""
    from servicedesk.notifications import SendError, get_sender

    sender = get_sender()
    lease = dt.timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)
    claimed_at, claimed = _claim(batch=batch, lease=lease)
    # The last moment a send may start: the gateway's timeout must still end inside the lease.
    deadline = claimed_at + lease - dt.timedelta(seconds=settings.NOTIFICATION_SEND_TIMEOUT_SECONDS)
    sent = 0
    for position, notification in enumerate(claimed):
        if timezone.now() >= deadline:
            _release(claimed[position:], claimed_at=claimed_at)
            break
        checkpoint("outbox.send")  # a crash here leaves the claim to its lease
        try:
            sender.send(notification)
        except SendError as exc:
            _record(notification, claimed_at=claimed_at, error=str(exc))
        else:
            sent += _record(notification, claimed_at=claimed_at, error=None)
    return sent


def _claim(*, batch: int, lease: dt.timedelta) -> tuple[dt.datetime, list[Notification]]:
    """One short transaction: the oldest pending messages not under a live claim, marked as
    claimed now and counted as an attempt."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=NotificationStatus.PENDING)
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - lease))
            .order_by("created_at", "id")
            .values_list("pk", flat=True)[:batch]
        )
        Notification.objects.filter(pk__in=ids).update(claimed_at=now, attempts=F("attempts") + 1)
    return now, list(Notification.objects.filter(pk__in=ids).order_by("created_at", "id"))


def _record(notification: Notification, *, claimed_at: dt.datetime, error: str | None) -> int:
    """One short transaction per result. Only the holder of the claim records: when the lease
    was lost (taken again by another sender) the row is that sender's now."""
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update()
            .filter(pk=notification.pk, status=NotificationStatus.PENDING, claimed_at=claimed_at)
            .first()
        )
        if row is None:
            return 0
        row.claimed_at = None
        if error is None:
            NOTIFICATION_MACHINE.move(row, "sent", role=SYSTEM)
            row.sent_at = timezone.now()
        else:
            row.last_error = error[:255]
            if row.attempts >= MAX_ATTEMPTS:
                NOTIFICATION_MACHINE.move(row, "give_up", role=SYSTEM)
        row.save(update_fields=["claimed_at", "last_error", "status", "sent_at"])
    return 1 if error is None else 0


def _release(rows: list[Notification], *, claimed_at: dt.datetime) -> None:
    """Give back claimed messages not tried (their attempt is not counted): the next run takes
    them at once instead of after the lease."""
    Notification.objects.filter(
        pk__in=[row.pk for row in rows], claimed_at=claimed_at, status=NotificationStatus.PENDING
    ).update(claimed_at=None, attempts=F("attempts") - 1)
