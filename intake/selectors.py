"""Reads for the front desk and the hotline, always scoped to the user's points."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import Right, TruncDate
from django.utils import timezone

from intake import app_events
from intake.models import Channel, Customer, Device, MessageSlip, Purpose, Visit, VisitStatus
from intake.phones import normalize_phone
from servicedesk.events import Found
from servicedesk.models import ServicePoint
from servicedesk.tenancy import scoped

if TYPE_CHECKING:
    from servicedesk.models import Department
    from servicedesk.types import Actor, AnyUser


LAST_FOUR = 4


def customer_search(*, user: AnyUser, query: str, limit: int = 20) -> QuerySet[Customer]:
    """One search box (rules#intake): phone, IMEI or serial, ticket number, or name.

    Each kind of query is an exact or prefix match on an indexed column, so the search stays
    fast at a million tickets."""
    text = (query or "").strip()[:64]
    customers = scoped(Customer, user)
    if not text:
        return customers.none()
    found = app_events.customer_search(user=user, text=text)
    if found is not None:
        # Another app understood the query (repairs: a ticket number).
        return customers.filter(pk__in=found)[:limit]
    digits = re.sub(r"[\s-]", "", text)
    if digits.isascii() and digits.isdigit() and len(digits) == LAST_FOUR:
        # The last four digits of a phone, as people say them: a short list to pick from
        # (an index on the point and the phone's last four digits).
        return (
            customers.annotate(phone_last_four=Right("phone", LAST_FOUR))
            .filter(phone_last_four=digits)
            .order_by("name", "pk")[:limit]
        )
    if digits.isdigit() and len(digits) == 15:
        owners = scoped(Device, user).filter(imei=digits).values("customer_id")
        return customers.filter(pk__in=owners)[:limit]
    if digits.lstrip("+").isdigit() and len(digits) >= 7:
        try:
            phone = normalize_phone(text)
        except ValidationError:
            return customers.none()
        # Two index lookups, (point, phone) and (point, alt_phone); an OR of the two would scan.
        ids = _ids(customers.filter(phone=phone), limit) + _ids(
            customers.filter(alt_phone=phone), limit
        )
        return customers.filter(pk__in=ids).order_by("name", "pk")[:limit]
    # A name prefix (pattern-ops index on (point, name)) or a device serial number.
    ids = _ids(customers.filter(name__startswith=text), limit) + list(
        scoped(Device, user)
        .filter(serial_number=text.upper())
        .values_list("customer_id", flat=True)[:limit]
    )
    return customers.filter(pk__in=ids).order_by("name", "pk")[:limit]


def records_found(*, user: AnyUser, query: str) -> list[Found]:
    """Records the query names directly, from the apps that own them (repairs: tickets)."""
    return app_events.records_found(user=user, text=(query or "").strip()[:64])


def _ids(queryset: QuerySet, limit: int) -> list[int]:
    return list(queryset.order_by().values_list("pk", flat=True)[:limit])


def open_work_for_customers(*, user: AnyUser, customer_ids: list[int]) -> dict[int, list]:
    """What is still open for these customers (their open tickets), from the apps that own it."""
    return app_events.customer_open_work(user=user, customer_ids=customer_ids)


#: How many other records the merge page offers at most (a picker, not a list).
MAX_MERGE_CANDIDATES = 20


def customer_merge_candidates(*, user: AnyUser, customer: Customer) -> QuerySet[Customer]:
    """Records at the customer's point that may be the same person: the same name, or one's
    number is the other's alternative contact. Bounded: a picker, not a list of everyone."""
    if customer.erased_at:
        return Customer.objects.none()  # nothing left to compare with
    match = Q(name=customer.name)
    if customer.phone:
        match |= Q(alt_phone=customer.phone)
    if customer.alt_phone:
        match |= Q(phone=customer.alt_phone) | Q(alt_phone=customer.alt_phone)
    return (
        scoped(Customer, user)
        .filter(match, point=customer.point_id, erased_at__isnull=True)
        .exclude(pk=customer.pk)
        .order_by("created_at", "pk")[:MAX_MERGE_CANDIDATES]
    )


def customer_history(*, user: AnyUser, customer: Customer) -> dict:
    """A customer's visits, calls, devices and message slips, and the other apps' sections
    (repair records, complaints) as panels."""
    visits = scoped(Visit, user).filter(customer=customer).order_by("-arrived_at")[:100]
    devices = scoped(Device, user).filter(customer=customer).order_by("-created_at")
    slips = scoped(MessageSlip, user).filter(customer=customer).select_related("addressee")[:50]
    panels = app_events.customer_panels(user=user, customer=customer)
    return {"visits": visits, "devices": devices, "slips": slips, "panels": panels}


#: Rows per list on the reception board: a desk never has more in front of it, and visits never
#: marked as left must not make the page grow without bound.
BOARD_ROWS = 50


def reception_board(*, user: AnyUser) -> dict:
    """Who is waiting and for how long: quick matters first, then by arrival (rules#intake).
    At most ``BOARD_ROWS`` per list; ``waiting_count`` counts them all."""
    visits = (
        scoped(Visit, user)
        .filter(channel=Channel.WALK_IN)
        .select_related("customer", "served_by__staff_profile")
    )
    # The window count is taken before the LIMIT: the total comes with the rows, one query.
    shown = list(
        visits.filter(status=VisitStatus.WAITING)
        .annotate(waiting_total=Window(Count("id")))
        .order_by("-is_quick", "arrived_at")[:BOARD_ROWS]
    )
    # Served today, newest first, each with the record it ended with (one query for them all).
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    done = list(
        visits.filter(status=VisitStatus.DONE, arrived_at__gte=midnight).order_by(
            "-finished_at", "-id"
        )[:BOARD_ROWS]
    )
    records = app_events.visit_records(user=user, visit_ids=[v.pk for v in done])
    return {
        "waiting": shown,
        "waiting_count": shown[0].waiting_total if shown else 0,
        "serving": list(
            visits.filter(status=VisitStatus.SERVING).order_by("served_at")[:BOARD_ROWS]
        ),
        "served_today": [(visit, records.get(visit.pk, [])) for visit in done],
        "board_rows": BOARD_ROWS,
    }


def slip_queue(*, user: Actor, mine_only: bool) -> QuerySet[MessageSlip]:
    """Open message slips: the user's own, or (supervisors) every open slip of their points,
    overdue ones first."""
    from intake.models import SlipStatus

    slips = (
        scoped(MessageSlip, user)
        .filter(status=SlipStatus.OPEN)
        .select_related("addressee__staff_profile", "taken_by__staff_profile", "customer", "point")
        .order_by("callback_due_at", "id")
    )
    return slips.filter(addressee=user) if mine_only else slips


# --- hotline (rules#hotline) ------------------------------------------------------------------


def caller_lookup(*, user: AnyUser, query: str, limit: int = 5) -> list[tuple[Customer, list]]:
    """The caller's customer records by phone (or any search-box query) with their open tickets,
    so a repair-status question is answered at once. Two queries whatever the data size."""
    customers = list(customer_search(user=user, query=query, limit=limit))
    if not customers:
        return []
    tickets = open_work_for_customers(user=user, customer_ids=[c.pk for c in customers])
    return [(c, tickets[c.pk]) for c in customers]


def calls_on(*, user: AnyUser, day: dt.date) -> QuerySet[Visit]:
    """The hotline calls of a local day, newest first."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
    return (
        scoped(Visit, user)
        .filter(
            channel=Channel.HOTLINE,
            arrived_at__gte=start,
            arrived_at__lt=start + dt.timedelta(days=1),
        )
        .select_related(
            "point",
            "customer",
            "created_by__staff_profile",
            "department",
            "praised_staff__staff_profile",
        )
        # The id breaks ties (calls logged in the same second), so pages never reshuffle.
        .order_by("-arrived_at", "-pk")
    )


def _answering(calls: QuerySet[Visit]) -> dict:
    within = F("point__answer_within_rings")
    return {
        "calls": Count("id"),
        "timed": Count("id", filter=Q(rings_to_answer__isnull=False)),
        "in_time": Count("id", filter=Q(rings_to_answer__lte=within)),
        "holds": Sum("hold_count"),
        "holds_checked": Sum("holds_checked_in_time"),
    }


def _with_shares(row: dict) -> dict:
    row["in_time_share"] = round(100 * row["in_time"] / row["timed"], 1) if row["timed"] else None
    holds = row.get("holds") or 0
    row["holds_checked_share"] = (
        round(100 * (row.get("holds_checked") or 0) / holds, 1) if holds else None
    )
    return row


def answering_stats(
    *, user: AnyUser, start: dt.date, end: dt.date, own_calls: bool = False
) -> dict:
    """rules#hotline / 7: the share of calls answered within the point's ring limit (three rings)
    and of holds checked back every 30 s, per local day and per operator, computed in SQL.

    A day is the local day of the call's point: a regional center's points may lie in different
    time zones, so each zone's calls are bounded and counted by day in that zone (one query per
    zone, merged here), never in the viewer's zone. ``own_calls``: only the calls the user
    answered (an operator's own figures)."""
    by_zone: dict[dt.tzinfo, list[int]] = {}
    for point in scoped(ServicePoint, user).only("pk", "time_zone"):
        by_zone.setdefault(point.zone, []).append(point.pk)
    # One zone (the usual case): the scope already names the points; no list of ids needed.
    single = len(by_zone) == 1
    within_days = Q(pk__in=[])
    for zone, ids in by_zone.items():
        within_days |= Q(
            Q() if single else Q(point_id__in=ids),
            arrived_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=zone),
            arrived_at__lt=dt.datetime.combine(
                end + dt.timedelta(days=1), dt.time.min, tzinfo=zone
            ),
        )
    calls = scoped(Visit, user).filter(within_days, channel=Channel.HOTLINE)
    if own_calls:
        calls = calls.filter(created_by_id=user.pk)
    aggregates = _answering(calls)
    days: dict[dt.date, dict] = {}
    for zone, ids in by_zone.items():
        rows = (
            (calls if single else calls.filter(point_id__in=ids))
            .annotate(day=TruncDate("arrived_at", tzinfo=zone))
            .values("day")
            .annotate(**aggregates)
        )
        for row in rows:
            counts: dict[str, Any] = dict(row)
            merged = days.setdefault(counts["day"], dict.fromkeys(aggregates, 0) | {"day": None})
            merged["day"] = counts["day"]
            for key in aggregates:
                merged[key] += counts[key] or 0
    by_day = [_with_shares(days[day]) for day in sorted(days, reverse=True)]
    by_operator = [
        _with_shares(dict(row))
        for row in calls.values(
            "created_by_id",
            "created_by__staff_profile__display_name",
            "created_by__staff_profile__staff_number",
            "point__code",
        )
        .annotate(**aggregates)
        .order_by("point__code", "created_by__staff_profile__staff_number")
    ]
    total = _with_shares(calls.aggregate(**aggregates))
    return {"by_day": by_day, "by_operator": by_operator, "total": total}


def suggestions_for(*, user: AnyUser, department: Department) -> QuerySet[Visit]:
    """A department's list of forwarded suggestions (rules#hotline), from the desk and the
    hotline."""
    return (
        scoped(Visit, user)
        .filter(department=department, purpose=Purpose.SUGGESTION)
        .select_related("point", "customer", "created_by__staff_profile")
        .order_by("-arrived_at")
    )


def praises_for(*, user: AnyUser, staff_user: Actor) -> QuerySet[Visit]:
    """Praise forwarded to a staff member (rules#hotline), shown on their page."""
    return (
        scoped(Visit, user)
        .filter(praised_staff=staff_user)
        .select_related("created_by__staff_profile")
        .order_by("-arrived_at")
    )
