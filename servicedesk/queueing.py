"""Handing work to Celery after a commit, without making the broker a point of failure.

Every work item (an outbox message, an export job) is a row written in the caller's transaction,
and a beat sweep finds rows that were never picked up. So when the broker cannot take the wake-up
message (Redis down or restarting), the change the user made is still saved and will still be
done: the failure is logged, and the page does not turn into an error.
"""

from __future__ import annotations

import logging

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

logger = logging.getLogger(__name__)


def send_after_commit(task, *args) -> None:
    """Queue ``task(*args)`` once the current transaction commits (PITFALLS: queue only after
    commit); a broker outage is logged, not raised: beat's sweep delivers the work later."""

    def send() -> None:
        try:
            task.apply_async(args=args)
        except (BrokerError, ConnectionError) as exc:
            logger.warning("broker unavailable, %s left for the sweep: %s", task.name, exc)

    transaction.on_commit(send)
