"""The load run's bookkeeping in the database: the work made due during the run, and after it
the proof that nothing was lost or done twice.

- ``make_callbacks_due``: callbacks scheduled for later at the run's points are moved so that
  they fall due at moments spread over the run (some while Redis or the worker is down); the
  dispatcher (beat → worker) must move each into the clerks' queue once.
- ``settle``: after the run, waits (bounded) until the worker has drained what is due, then
  ``check`` counts, in the database and at the fake SMS gateway:

  - callbacks due by the end that are still waiting for the dispatcher (lost: 0),
  - callbacks queued more often than they came back to "scheduled" (queued twice: 0),
  - customer messages still pending or given up (lost: 0),
  - messages the gateway received more often than the outbox recorded them sent, and the
    reverse (sent twice: 0; recorded sent but never received: 0).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils import timezone

from followups.models import Callback, CallbackStatus
from servicedesk.models import Notification, NotificationStatus, StateChange


def make_callbacks_due(
    *, point_ids: Iterable[int], start: dt.datetime, seconds: float, per_point: int, seed: int
) -> int:
    """Per point, up to ``per_point`` callbacks scheduled for later are made due at moments
    spread over ``seconds`` from ``start`` (the load run's own data set copy only)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible moments, not secrets
    moved = 0
    for point_id in point_ids:
        ids = list(
            Callback.objects.filter(
                point_id=point_id, status=CallbackStatus.SCHEDULED, due_at__gt=start
            )
            .order_by("due_at", "id")
            .values_list("id", flat=True)[:per_point]
        )
        for pk in ids:
            moment = start + dt.timedelta(seconds=rng.uniform(0, seconds))
            moved += Callback.objects.filter(pk=pk, status=CallbackStatus.SCHEDULED).update(
                due_at=moment
            )
    return moved


def _pending(cutoff: dt.datetime) -> dict[str, int]:
    return {
        "callbacks waiting for the dispatcher": Callback.objects.filter(
            status=CallbackStatus.SCHEDULED, due_at__lte=cutoff
        ).count(),
        "messages pending": Notification.objects.filter(status=NotificationStatus.PENDING).count(),
    }


def settle(*, cutoff: dt.datetime, timeout: float) -> dict:
    """Wait (at most ``timeout`` seconds) until everything due by ``cutoff`` is done; returns
    how long it took and what was still left."""
    began = time.monotonic()
    left = _pending(cutoff)
    while any(left.values()) and time.monotonic() - began < timeout:
        time.sleep(2)
        left = _pending(cutoff)
    return {"seconds": round(time.monotonic() - began, 1), "left": left}


def check(*, since: dt.datetime, cutoff: dt.datetime, received: list[tuple[str, str]]) -> dict:
    """Nothing lost, nothing done twice (see the module's docstring). ``received`` holds the
    (to, text) of every message the gateway got since ``since``."""
    queued = list(Callback.objects.filter(queued_at__gte=since).values_list("id", flat=True))
    moves = (
        StateChange.objects.filter(machine="callback", object_id__in=queued, at__gte=since)
        .values("object_id")
        .annotate(
            queued=Count("id", filter=Q(action="queue")),
            back=Count("id", filter=Q(to_state=CallbackStatus.SCHEDULED)),
        )
    )
    queued_twice = sum(1 for row in moves if row["queued"] > 1 + row["back"])
    callbacks = {
        "queued_during_run": len(queued),
        "due_by_end_not_queued": Callback.objects.filter(
            status=CallbackStatus.SCHEDULED, due_at__lte=cutoff
        ).count(),
        "queued_more_than_once": queued_twice,
    }
    run_messages = Notification.objects.filter(Q(created_at__gte=since) | Q(sent_at__gte=since))
    sent = Counter(
        run_messages.filter(status=NotificationStatus.SENT, sent_at__gte=since).values_list(
            "to", "text"
        )
    )
    at_gateway = Counter(received)
    messages = {
        "created_during_run": Notification.objects.filter(created_at__gte=since).count(),
        "sent": sum(sent.values()),
        "received_by_gateway": sum(at_gateway.values()),
        "pending_left": Notification.objects.filter(status=NotificationStatus.PENDING).count(),
        "given_up": run_messages.filter(status=NotificationStatus.FAILED).count(),
        "received_more_than_recorded": sum((at_gateway - sent).values()),
        "recorded_but_not_received": sum((sent - at_gateway).values()),
        "attempts_above_one": run_messages.filter(attempts__gt=1).count(),
    }
    lost = (
        callbacks["due_by_end_not_queued"]
        + messages["pending_left"]
        + messages["given_up"]
        + messages["recorded_but_not_received"]
    )
    duplicated = callbacks["queued_more_than_once"] + messages["received_more_than_recorded"]
    return {
        "checked_at": timezone.now().isoformat(),
        "callbacks": callbacks,
        "messages": messages,
        "lost": lost,
        "duplicated": duplicated,
    }
