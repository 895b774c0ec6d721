"""Staff statistics (rules#dashboard "staff"): per person and per point, over a date range.

Each figure is one grouped query over the scope (constant in the number of staff and rows)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Avg, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils import timezone

from servicedesk.tenancy import scoped


@dataclass
class Figures:
    tickets_opened: int = 0
    tickets_repaired: int = 0
    turnaround_hours: float | None = None
    repeat_repairs: int = 0
    praise: int = 0
    callbacks_made: int = 0
    complaints_handled: int = 0
    complaints_on_their_repairs: int = 0
    calls: int = 0
    calls_in_time: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def calls_in_time_share(self) -> float | None:
        return round(100 * self.calls_in_time / self.calls, 1) if self.calls else None


def _bounds(date_from: dt.date, date_to: dt.date):
    # Calendar days of the user's point (the zone each request activates).
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(date_from, dt.time.min, tzinfo=tz),
        dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def staff_figures(*, user, date_from: dt.date, date_to: dt.date, by: str = "user") -> dict:
    """Figures keyed by user id (``by="user"``) or by point id (``by="point"``)."""
    from followups.models import CallbackAttempt
    from intake.models import Channel, Visit
    from repairs.models import RepairTicket

    start, end = _bounds(date_from, date_to)
    result: dict[int, Figures] = {}

    def put(rows, key, **names):
        for row in rows:
            if row[key] is None:
                continue
            figures = result.setdefault(row[key], Figures())
            for attr, column in names.items():
                setattr(figures, attr, row[column])

    tickets = scoped(RepairTicket, user)
    opener = "created_by_id" if by == "user" else "point_id"
    put(
        tickets.filter(created_at__gte=start, created_at__lt=end)
        .values(opener)
        .annotate(n=Count("id"))
        .order_by(),
        opener,
        tickets_opened="n",
    )
    repairer = "technician_id" if by == "user" else "point_id"
    turnaround = ExpressionWrapper(F("ready_at") - F("created_at"), output_field=DurationField())
    has_repeat = RepairTicket.objects.filter(repeat_of=OuterRef("pk"))
    rows = list(
        tickets.filter(ready_at__gte=start, ready_at__lt=end)
        .annotate(came_back=Exists(has_repeat))
        .values(repairer)
        .annotate(n=Count("id"), t=Avg(turnaround), back=Count("id", filter=Q(came_back=True)))
        .order_by()
    )
    for row in rows:
        row["t"] = round(row["t"].total_seconds() / 3600, 1) if row["t"] else None
    put(rows, repairer, tickets_repaired="n", turnaround_hours="t", repeat_repairs="back")

    visits = scoped(Visit, user).filter(arrived_at__gte=start, arrived_at__lt=end)
    praised = "praised_staff_id" if by == "user" else "point_id"
    put(
        visits.filter(praised_staff__isnull=False)
        .values(praised)
        .annotate(n=Count("id"))
        .order_by(),
        praised,
        praise="n",
    )
    operator = "created_by_id" if by == "user" else "point_id"
    put(
        visits.filter(channel=Channel.HOTLINE, rings_to_answer__isnull=False)
        .values(operator)
        .annotate(
            n=Count("id"),
            ok=Count("id", filter=Q(rings_to_answer__lte=F("point__answer_within_rings"))),
        )
        .order_by(),
        operator,
        calls="n",
        calls_in_time="ok",
    )
    from complaints.models import Complaint

    complaints = scoped(Complaint, user).filter(created_at__gte=start, created_at__lt=end)
    owner = "owner_id" if by == "user" else "point_id"
    put(
        complaints.values(owner).annotate(n=Count("id")).order_by(),
        owner,
        complaints_handled="n",
    )
    if by == "user":
        put(
            complaints.filter(ticket__technician__isnull=False)
            .values("ticket__technician_id")
            .annotate(n=Count("id"))
            .order_by(),
            "ticket__technician_id",
            complaints_on_their_repairs="n",
        )
    clerk = "by_id" if by == "user" else "callback__point_id"
    put(
        scoped(CallbackAttempt, user)
        .filter(at__gte=start, at__lt=end)
        .values(clerk)
        .annotate(n=Count("id"))
        .order_by(),
        clerk,
        callbacks_made="n",
    )
    return result
