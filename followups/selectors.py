"""Reads of callbacks, always scoped to the user's points."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import F, QuerySet
from django.utils import timezone

from followups import schedule
from followups.models import Callback, CallbackStatus, Question
from servicedesk.models import ServicePoint
from servicedesk.tenancy import scoped

if TYPE_CHECKING:
    from servicedesk.types import AnyUser


def _base(user: AnyUser) -> QuerySet[Callback]:
    return scoped(Callback, user).select_related(
        "customer", "ticket", "ticket__device", "point", "handled_by"
    )


def callback_queue(*, user: AnyUser, kind: str = "") -> QuerySet[Callback]:
    """Callbacks in the clerks' queue (moved there by the dispatcher), overdue first."""
    queryset = _base(user).filter(status=CallbackStatus.DUE)
    if kind:
        queryset = queryset.filter(kind=kind)
    # NULLS LAST on every database (SQLite sorts them first): the overdue ones lead.
    return queryset.order_by(F("overdue_since").asc(nulls_last=True), "due_at", "id")


def callback_upcoming(
    *, user: AnyUser, days: int = 7, now: dt.datetime | None = None
) -> QuerySet[Callback]:
    now = now or timezone.now()
    return (
        _base(user)
        .filter(status=CallbackStatus.SCHEDULED, due_at__lte=now + dt.timedelta(days=days))
        .order_by("due_at", "id")
    )


def callback_overdue(*, user: AnyUser) -> QuerySet[Callback]:
    return (
        _base(user)
        .filter(
            status__in=[CallbackStatus.DUE, CallbackStatus.SCHEDULED], overdue_since__isnull=False
        )
        .order_by("overdue_since", "id")
    )


def calling_now(*, point: ServicePoint, now: dt.datetime | None = None) -> tuple[bool, dt.datetime]:
    """Whether it is calling time at the point, and when the next calling window opens."""
    now = now or timezone.now()
    tz = ZoneInfo(point.time_zone)
    windows = point.calling_windows
    return (
        schedule.within_calling_hours(now, windows, tz),
        schedule.next_calling_moment(now, windows, tz),
    )


def active_questions() -> list[Question]:
    return list(Question.objects.filter(is_active=True).order_by("position"))
