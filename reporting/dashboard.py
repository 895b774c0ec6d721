"""The supervisor dashboard's figures (rules#dashboard): today's desk, queues, and 12-week quality
trends.

Every figure is one aggregate query over the user's scope (constant in the number of rows)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from reporting.charts import Series
from servicedesk.models import ServicePoint
from servicedesk.tenancy import get_profile, scope_for, scoped

if TYPE_CHECKING:
    from servicedesk.types import AnyUser

WEEKS = 12


@dataclass
class Trend:
    key: str
    label: str
    series: Series
    unit: str
    max_value: float | None = None
    target: float | None = None

    @property
    def last(self) -> float | None:
        values = [v for v in self.series.points if v is not None]
        return values[-1] if values else None


def _tz() -> dt.tzinfo:
    """The time zone "today" and the weeks are counted in: the user's point's, which each request
    activates (the settings' zone for staff without a point)."""
    return timezone.get_current_timezone()


def _midnight(now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(now.astimezone(zone).date(), dt.time.min, tzinfo=zone)


def _since_local_midnight(user, now: dt.datetime) -> Q:
    """Arrivals of today, each counted in its own point's day: a regional center's points may lie
    in different time zones (one query for their zones; none for a user of one point, whose
    zone each request activates)."""
    if not scope_for(user).several_points:
        return Q(arrived_at__gte=_midnight(now, _tz()))
    by_zone: dict[dt.tzinfo, list[int]] = {}
    for point in scoped(ServicePoint, user).only("pk", "time_zone"):
        by_zone.setdefault(point.zone, []).append(point.pk)
    if len(by_zone) <= 1:
        zone = next(iter(by_zone), _tz())
        return Q(arrived_at__gte=_midnight(now, zone))
    today = Q(pk__in=[])
    for zone, ids in by_zone.items():
        today |= Q(point_id__in=ids, arrived_at__gte=_midnight(now, zone))
    return today


def _own(user) -> list[ServicePoint] | None:
    """The one point of a user of one point, already loaded with the profile (no query), else
    ``None`` (the selector reads the points' settings)."""
    profile = get_profile(user)
    if scope_for(user).several_points or profile is None or profile.point is None:
        return None
    return [profile.point]


def week_starts(today: dt.date, weeks: int = WEEKS) -> list[dt.date]:
    monday = today - dt.timedelta(days=today.weekday())
    return [monday - dt.timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def today_figures(*, user, now: dt.datetime | None = None) -> dict:
    """Today's arrivals and waits, open tickets by state and age, queues that need action."""
    from followups.models import Callback, CallbackStatus
    from intake.models import Channel, MessageSlip, SlipStatus, Visit, VisitStatus
    from repairs.models import OPEN_STATUSES, RepairTicket, TicketStatus
    from repairs.selectors import pickup_overdue

    now = now or timezone.now()
    # Who is waiting now counts with the minutes waited so far, so the average agrees with the
    # board (three people waiting 10-18 minutes never read as "average 0.0 minutes").
    wait = ExpressionWrapper(
        Coalesce(F("served_at"), Value(now, output_field=DateTimeField())) - F("arrived_at"),
        output_field=DurationField(),
    )
    visits = scoped(Visit, user).filter(_since_local_midnight(user, now), channel=Channel.WALK_IN)
    desk = visits.aggregate(
        arrivals=Count("id"),
        waiting=Count("id", filter=Q(status=VisitStatus.WAITING)),
        average_wait=Avg(wait, filter=Q(served_at__isnull=False) | Q(status=VisitStatus.WAITING)),
    )
    # Open tickets by state and by age in one pass.
    open_states = sorted(OPEN_STATUSES)
    counts = (
        scoped(RepairTicket, user)
        .filter(status__in=open_states)
        .aggregate(
            **{f"state_{state}": Count("id", filter=Q(status=state)) for state in open_states},
            under_1_day=Count("id", filter=Q(created_at__gte=now - dt.timedelta(days=1))),
            days_1_to_3=Count(
                "id",
                filter=Q(
                    created_at__lt=now - dt.timedelta(days=1),
                    created_at__gte=now - dt.timedelta(days=3),
                ),
            ),
            over_3_days=Count("id", filter=Q(created_at__lt=now - dt.timedelta(days=3))),
            ready_not_collected=Count("id", filter=Q(status=TicketStatus.READY)),
            # The work lists' rule: ready for longer than the point's ``pickup_overdue_days``.
            ready_overdue=Count("id", filter=pickup_overdue(user=user, now=now, points=_own(user))),
        )
    )
    by_state: dict[str, int] = {state: counts.pop(f"state_{state}") for state in open_states}
    ages = counts
    slips = (
        scoped(MessageSlip, user)
        .filter(status=SlipStatus.OPEN)
        .aggregate(open=Count("id"), overdue=Count("id", filter=Q(callback_due_at__lt=now)))
    )
    # Only open callbacks count here: the filter keeps the scan on the (point, status) index
    # instead of every callback the point ever had.
    callbacks = (
        scoped(Callback, user)
        .filter(status__in=[CallbackStatus.DUE, CallbackStatus.SCHEDULED])
        .aggregate(
            due=Count("id", filter=Q(status=CallbackStatus.DUE)),
            overdue=Count(
                "id",
                filter=Q(
                    status__in=[CallbackStatus.DUE, CallbackStatus.SCHEDULED],
                    overdue_since__isnull=False,
                ),
            ),
        )
    )
    from complaints.models import UNRESOLVED_STAGES, Complaint

    complaints = (
        scoped(Complaint, user)
        .filter(stage__in=list(UNRESOLVED_STAGES))
        .aggregate(
            open=Count("id"),
            overdue=Count("id", filter=Q(overdue_since__isnull=False)),
            escalated=Count("id", filter=Q(escalated_at__isnull=False)),
        )
    )
    average_wait = desk["average_wait"]
    return {
        "arrivals": desk["arrivals"],
        "waiting": desk["waiting"],
        "average_wait_minutes": round(average_wait.total_seconds() / 60, 1)
        if average_wait
        else None,
        "tickets_by_state": [
            (status, TicketStatus(status).label, by_state.get(status, 0))
            for status in TicketStatus.values
            if status in OPEN_STATUSES
        ],
        "open_tickets": sum(by_state.values()),
        "ages": ages,
        "slips": slips,
        "callbacks": callbacks,
        "complaints": complaints,
    }


def _weekly(queryset, date_field: str, aggregates: dict, weeks: list[dt.date]) -> dict:
    rows = (
        queryset.filter(
            **{f"{date_field}__gte": dt.datetime.combine(weeks[0], dt.time.min, tzinfo=_tz())}
        )
        .annotate(week=TruncWeek(date_field, tzinfo=_tz()))
        .values("week")
        .annotate(**aggregates)
        .order_by("week")
    )
    return {
        row["week"].date() if hasattr(row["week"], "date") else row["week"]: row for row in rows
    }


def _share(row, part: str, whole: str) -> float | None:
    if not row or not row.get(whole):
        return None
    return round(100 * row[part] / row[whole], 1)


Weeks = dict[dt.date, dict[str, Any]]


def quality_trends(
    *, user: AnyUser, today: dt.date | None = None, now: dt.datetime | None = None
) -> tuple[list[Trend], list[str]]:
    """rules#dashboard quality standards, week by week over the last 12 weeks."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    weeks = week_starts(today)
    labels = [f"{w:%m-%d}" for w in weeks]
    visits = _visit_weeks(user=user, weeks=weeks, today=today, now=now)
    ready, opened = _ticket_weeks(user=user, weeks=weeks)
    received, closed = _complaint_weeks(user=user, weeks=weeks)
    trends = _trends(
        weeks,
        calls=visits,
        desk=visits,
        callbacks=_callback_weeks(user=user, weeks=weeks),
        ready=ready,
        opened=opened,
        received=received,
        closed=closed,
    )
    return trends, labels


def _visit_weeks(*, user: AnyUser, weeks: list[dt.date], today: dt.date, now: dt.datetime) -> Weeks:
    """The hotline's answering and holds, and the desk's waits, by week."""
    from intake.models import Channel, Visit, VisitStatus

    # Hotline answering and desk waits come from the same table: one pass over both channels.
    timed_call = Q(channel=Channel.HOTLINE, rings_to_answer__isnull=False)
    # This week's wait counts who is waiting today with the minutes so far, as today's figure
    # does, so the last point of the chart agrees with the card above it.
    day_start = dt.datetime.combine(today, dt.time.min, tzinfo=_tz())
    served_visit = Q(channel=Channel.WALK_IN) & (
        Q(served_at__isnull=False) | Q(status=VisitStatus.WAITING, arrived_at__gte=day_start)
    )
    wait = ExpressionWrapper(
        Coalesce(F("served_at"), Value(now, output_field=DateTimeField())) - F("arrived_at"),
        output_field=DurationField(),
    )
    visits = _weekly(
        scoped(Visit, user).filter(timed_call | served_visit),
        "arrived_at",
        {
            "n": Count("id", filter=timed_call),
            "in_time": Count(
                "id", filter=timed_call & Q(rings_to_answer__lte=F("point__answer_within_rings"))
            ),
            "holds": Sum("hold_count", filter=timed_call),
            "holds_checked": Sum("holds_checked_in_time", filter=timed_call),
            "wait": Avg(wait, filter=served_visit),
        },
        weeks,
    )
    return visits


def _callback_weeks(*, user: AnyUser, weeks: list[dt.date]) -> Weeks:
    """Callbacks made on time, reached, satisfied and within the target length, by week."""
    from followups.models import REACHED_OUTCOMES, Callback, CallbackAttempt, Outcome

    on_time = CallbackAttempt.objects.filter(
        callback=OuterRef("pk"), at__lte=OuterRef("window_closes_at")
    )
    callbacks = _weekly(
        scoped(Callback, user).annotate(on_time=Exists(on_time)),
        "window_closes_at",
        {
            "n": Count("id"),
            "made_on_time": Count("id", filter=Q(on_time=True)),
            "reached": Count("id", filter=Q(outcome__in=REACHED_OUTCOMES)),
            "satisfied": Count("id", filter=Q(outcome=Outcome.SATISFIED)),
            "short": Count(
                "id",
                filter=Q(
                    outcome__in=REACHED_OUTCOMES,
                    duration_seconds__lte=F("point__callback_target_seconds"),
                ),
            ),
        },
        weeks,
    )
    return callbacks


def _ticket_weeks(*, user: AnyUser, weeks: list[dt.date]) -> tuple[Weeks, Weeks]:
    """Repairs' turnaround (with and without the parts wait) by the week they were ready, and
    repeat repairs by the week they were opened."""
    from repairs.models import RepairTicket

    turnaround = ExpressionWrapper(F("ready_at") - F("created_at"), output_field=DurationField())
    # rules#parts: the time waiting for parts shown apart from the repair's own time.
    own_time = ExpressionWrapper(
        F("ready_at") - F("created_at") - F("parts_wait"), output_field=DurationField()
    )
    ready = _weekly(
        scoped(RepairTicket, user).filter(ready_at__isnull=False),
        "ready_at",
        {"turnaround": Avg(turnaround), "own_time": Avg(own_time)},
        weeks,
    )
    opened = _weekly(
        scoped(RepairTicket, user),
        "created_at",
        {"n": Count("id"), "repeats": Count("id", filter=Q(repeat_count__gt=0))},
        weeks,
    )

    return ready, opened


def _complaint_weeks(*, user: AnyUser, weeks: list[dt.date]) -> tuple[Weeks, Weeks]:
    """Complaints' first contact, promises kept and escalations by the week they were received,
    and their time to close by the week they were closed."""
    from complaints.models import Complaint, ComplaintContact, ContactKind

    first_contact = Subquery(
        ComplaintContact.objects.filter(complaint=OuterRef("pk"), kind=ContactKind.CONTACT)
        .order_by("at")
        .values("at")[:1]
    )
    received = _weekly(
        scoped(Complaint, user).annotate(first_contact=first_contact),
        "created_at",
        {
            "n": Count("id"),
            "promised": Count("id", filter=Q(promised_reply_at__isnull=False)),
            "kept": Count(
                "id", filter=Q(promised_reply_at__isnull=False, overdue_since__isnull=True)
            ),
            "escalated": Count("id", filter=Q(escalated_at__isnull=False)),
            "response": Avg(
                ExpressionWrapper(
                    F("first_contact") - F("created_at"), output_field=DurationField()
                ),
            ),
        },
        weeks,
    )
    closed = _weekly(
        scoped(Complaint, user).filter(closed_at__isnull=False),
        "closed_at",
        {
            "to_close": Avg(
                ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField())
            )
        },
        weeks,
    )

    return received, closed


def _minutes(row: dict[str, Any] | None, key: str) -> float | None:
    return round(row[key].total_seconds() / 60, 1) if row and row.get(key) else None


def _hours(row: dict[str, Any] | None, key: str) -> float | None:
    return round(row[key].total_seconds() / 3600, 1) if row and row.get(key) else None


def _trends(
    weeks: list[dt.date],
    *,
    calls: Weeks,
    desk: Weeks,
    callbacks: Weeks,
    ready: Weeks,
    opened: Weeks,
    received: Weeks,
    closed: Weeks,
) -> list[Trend]:
    """The charts, each a standard's figure per week from the weekly rows."""
    from django.utils.translation import gettext as _
    from django.utils.translation import pgettext

    def series(label: str, source: Weeks, fn: Callable[[dict[str, Any] | None], Any]) -> Series:
        return Series(label, [fn(source.get(week)) for week in weeks])

    return [
        Trend(
            "answered",
            _("Calls answered within the ring limit"),
            series("answered", calls, lambda r: _share(r, "in_time", "n")),
            "%",
            100,
        ),
        Trend(
            "holds_checked",
            _("Holds checked back every 30 s"),
            series("holds_checked", calls, lambda r: _share(r, "holds_checked", "holds")),
            "%",
            100,
        ),
        Trend(
            "callbacks_on_time",
            _("Callbacks made on time"),
            series("on_time", callbacks, lambda r: _share(r, "made_on_time", "n")),
            "%",
            100,
        ),
        Trend(
            "callbacks_reached",
            _("Callback reach rate"),
            series("reached", callbacks, lambda r: _share(r, "reached", "n")),
            "%",
            100,
        ),
        Trend(
            "callbacks_short",
            _("Callbacks within the target length"),
            series("short", callbacks, lambda r: _share(r, "short", "reached")),
            "%",
            100,
        ),
        Trend(
            "satisfaction",
            _("Satisfied customers (of those reached)"),
            series("satisfied", callbacks, lambda r: _share(r, "satisfied", "reached")),
            "%",
            100,
        ),
        Trend(
            "wait",
            _("Average wait at the desk"),
            series("wait", desk, lambda r: _minutes(r, "wait")),
            _(" min"),
        ),
        Trend(
            "turnaround",
            _("Turnaround from intake to ready"),
            series("turnaround", ready, lambda r: _hours(r, "turnaround")),
            _(" h"),
        ),
        Trend(
            "turnaround_own",
            _("Turnaround without waiting for parts"),
            series("own_time", ready, lambda r: _hours(r, "own_time")),
            _(" h"),
        ),
        Trend(
            "repeats",
            _("Repeat-repair rate"),
            series("repeats", opened, lambda r: _share(r, "repeats", "n")),
            "%",
        ),
        Trend(
            "complaint_response",
            _("Complaints: time to first contact"),
            series("response", received, lambda r: _hours(r, "response")),
            _(" h"),
        ),
        Trend(
            "promises_kept",
            _("Complaints: promised replies kept"),
            series("kept", received, lambda r: _share(r, "kept", "promised")),
            "%",
            100,
        ),
        Trend(
            "escalations",
            _("Complaints escalated"),
            series("escalated", received, lambda r: r["escalated"] if r else None),
            pgettext("chart unit", " complaints"),
        ),
        Trend(
            "time_to_close",
            _("Complaints: time to close"),
            series("to_close", closed, lambda r: _hours(r, "to_close")),
            _(" h"),
        ),
    ]
