"""Retry policy for background tasks that touch the database.

A database that is briefly unavailable (failover, restart, network blip) makes a task fail with
``OperationalError`` (cannot connect) or ``InterfaceError`` (the connection went away). Such a
task is retried with exponential backoff and jitter (1 s, 2 s, 4 s, … at most 5 minutes apart).
Every task here is idempotent and each of its units of work is one transaction, so a retry
finishes the work without doing any part twice; beat wakes the periodic ones again anyway.
"""

from __future__ import annotations

from typing import TypedDict

from django.db import InterfaceError, OperationalError


class RetryOptions(TypedDict):
    """Celery task options for retries (typed, so ``**DATABASE_RETRY`` is checked)."""

    autoretry_for: tuple[type[BaseException], ...]
    retry_backoff: bool
    retry_backoff_max: int
    retry_jitter: bool
    max_retries: int


DATABASE_RETRY: RetryOptions = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 10,
}
