"""The monthly callback report (rules#callbacks "Reporting"): aggregated in SQL, stored per
point/month.

Generated on the 1st for the previous month (beat runs it daily, so a missed run is caught up);
must be ready by the 3rd, after which a missing report is shown to the supervisor.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Avg, Count, Exists, F, OuterRef, Q
from django.utils import timezone

from followups import app_events
from followups.models import (
    REACHED_OUTCOMES,
    Answer,
    Callback,
    CallbackAttempt,
    CallbackReport,
    Outcome,
    QuestionKind,
)
from servicedesk.models import ServicePoint

READY_BY_DAY = 3


def previous_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def report_figures(*, point: ServicePoint, month: dt.date) -> dict:
    """Due, made on time, reached, under the target length, satisfaction by question and the
    dissatisfaction reasons, for callbacks whose on-time window started in ``month``."""
    callbacks = Callback.objects.filter(
        point=point, window_start__gte=month, window_start__lt=_month_end(month)
    )
    on_time_attempt = CallbackAttempt.objects.filter(
        callback=OuterRef("pk"), at__lte=OuterRef("window_closes_at")
    )
    totals = callbacks.annotate(on_time=Exists(on_time_attempt)).aggregate(
        due=Count("id"),
        made_on_time=Count("id", filter=Q(on_time=True)),
        reached=Count("id", filter=Q(outcome__in=REACHED_OUTCOMES)),
        satisfied=Count("id", filter=Q(outcome=Outcome.SATISFIED)),
        dissatisfied=Count("id", filter=Q(outcome=Outcome.DISSATISFIED)),
        under_target=Count(
            "id",
            filter=Q(
                outcome__in=REACHED_OUTCOMES, duration_seconds__lte=point.callback_target_seconds
            ),
        ),
        unreachable=Count("id", filter=Q(outcome=Outcome.UNREACHABLE, status="closed")),
        wrong_number=Count("id", filter=Q(outcome=Outcome.WRONG_NUMBER)),
    )
    by_kind = {
        row["kind"]: row["n"]
        for row in callbacks.values("kind").annotate(n=Count("id")).order_by("kind")
    }
    questions = []
    answer_rows = (
        Answer.objects.filter(callback__in=callbacks)
        .values("question_id", "question__position", "question__text", "question__kind")
        .annotate(
            answers=Count("id"),
            average=Avg("rating"),
            yes=Count("id", filter=Q(yes_no=True)),
        )
        .order_by("question__position")
    )
    for row in answer_rows:
        entry = {
            "question": row["question__text"],
            "kind": row["question__kind"],
            "answers": row["answers"],
        }
        if row["question__kind"] == QuestionKind.RATING:
            entry["average"] = round(float(row["average"] or 0), 2)
        elif row["question__kind"] == QuestionKind.YES_NO:
            entry["yes"] = row["yes"]
        questions.append(entry)
    reasons = list(
        callbacks.filter(outcome=Outcome.DISSATISFIED)
        .annotate(ticket_number=F("ticket__number"))
        .values("ticket_number", "dissatisfaction_reason")
        .order_by("completed_at")[:200]
    )
    return {
        "month": month.isoformat(),
        "totals": totals,
        "by_kind": by_kind,
        "questions": questions,
        "dissatisfaction_reasons": reasons,
        "target_seconds": point.callback_target_seconds,
        # The complaints' figures come from the complaints app.
        **app_events.callback_report(point=point, month=month, month_end=_month_end(month)),
    }


@transaction.atomic
def callback_report_generate(
    *, point: ServicePoint, month: dt.date, now: dt.datetime | None = None
) -> CallbackReport:
    """Create or replace the report of ``month`` for ``point`` (never two for one month)."""
    report, _created = CallbackReport.objects.update_or_create(
        point=point,
        month=month,
        defaults={
            "generated_at": now or timezone.now(),
            "data": report_figures(point=point, month=month),
        },
    )
    return report


def callback_reports_generate_due(*, now: dt.datetime | None = None) -> int:
    """For every active point, the previous month's report if it does not exist yet."""
    now = now or timezone.now()
    made = 0
    for point in ServicePoint.objects.filter(is_active=True).order_by("pk"):
        today = now.astimezone(ZoneInfo(point.time_zone)).date()
        month = previous_month(today)
        if not CallbackReport.objects.filter(point=point, month=month).exists():
            callback_report_generate(point=point, month=month, now=now)
            made += 1
    return made


def missing_reports(*, points, today: dt.date) -> list[ServicePoint]:
    """Points whose previous-month report is not there although it is due by the 3rd."""
    if today.day < READY_BY_DAY:
        return []
    month = previous_month(today)
    have = set(
        CallbackReport.objects.filter(point__in=points, month=month).values_list(
            "point_id", flat=True
        )
    )
    return [point for point in points if point.pk not in have]
