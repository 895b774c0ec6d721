"""Each role's home page is its work list (工作台): what waits for the person, oldest first, each
item a link to its ticket, complaint, slip or callback, and each count a link to the filtered
list. Every card costs one query (its rows and their total come together through a window
count), so the page's query count does not grow with the data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from complaints.selectors import complaint_queue, offers_awaiting_decision
from followups.reports import missing_reports
from followups.selectors import callback_overdue, callback_queue, callback_upcoming, calling_now
from intake.models import Channel, MessageSlip, SlipStatus, Visit, VisitStatus
from intake.selectors import calls_on
from loaners.selectors import loans_overdue
from parts import selectors as parts_selectors
from parts.models import ReturnBatchStatus
from repairs import selectors as tickets
from repairs.models import RepairTicket, TicketStatus
from reporting.selectors import export_list
from servicedesk.models import SUPERVISING_ROLES, Role, ServicePoint
from servicedesk.people import person_label
from servicedesk.selectors import department_notice_list, point_list
from servicedesk.tenancy import get_profile, scoped

if TYPE_CHECKING:
    from servicedesk.types import AnyUser

#: Rows shown on a card; the count says how many there are in all.
ROWS = 8


@dataclass
class Item:
    label: str
    url: str
    detail: str = ""
    flag: str = ""
    urgent: bool = False
    #: When it happened, shown unbroken after the detail.
    at: str = ""
    #: A POST the item offers in place (marking a notice read), through its form.
    action: str = ""
    action_label: str = ""


@dataclass
class Card:
    key: str
    title: str
    url: str
    empty: str
    count: int = 0
    items: list[Item] = field(default_factory=list)
    #: Further counts under the title, each a link: (label, count, url).
    extra: list[tuple[str, int, str]] = field(default_factory=list)


def _rows(queryset: QuerySet[Any], limit: int = ROWS) -> tuple[list[Any], int]:
    """The first ``limit`` rows and the total, in one query."""
    rows = list(queryset.annotate(worklist_total=Window(Count("pk")))[:limit])
    return rows, (rows[0].worklist_total if rows else 0)


def _card(
    key: str,
    title: str,
    url: str,
    empty: str,
    queryset: QuerySet[Any],
    item: Callable[[Any], Item],
) -> Card:
    rows, total = _rows(queryset)
    return Card(key, title, url, empty, total, [item(row) for row in rows])


def _list_url(**params: str) -> str:
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return reverse("repairs:ticket_list") + (f"?{query}" if query else "")


def _minutes(since: dt.datetime, now: dt.datetime) -> int:
    return max(0, int((now - since).total_seconds() + 30) // 60)


def _waited(since: dt.datetime, now: dt.datetime) -> str:
    minutes = _minutes(since, now)
    if minutes < 120:
        return ngettext("%(n)d min", "%(n)d min", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    days = hours // 24
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


def _ticket_item(now: dt.datetime, since: str = "created_at") -> Callable[[RepairTicket], Item]:
    def when(at: dt.datetime) -> str:
        if since == "ready_at":
            return _("ready for %(time)s") % {"time": _waited(at, now)}
        return _("in for %(time)s") % {"time": _waited(at, now)}

    def make(t: RepairTicket) -> Item:
        waits = t.customer_waits and t.is_open
        return Item(
            label=t.number,
            url=reverse("repairs:ticket_detail", args=[t.pk]),
            detail=" · ".join(
                [t.customer.name, t.device.model_name, when(getattr(t, since) or now)]
            ),
            flag=_("waiting in the shop") if waits else "",
            urgent=waits,
        )

    return make


def _tickets(user: AnyUser, status: str) -> QuerySet[RepairTicket]:
    return (
        tickets.ticket_list(user=user)
        .filter(status=status)
        .order_by("-customer_waits", "created_at", "id")
    )


# --- the cards -----------------------------------------------------------------------------


def _arrivals(user: AnyUser, now: dt.datetime) -> Card:
    visits = (
        scoped(Visit, user)
        .filter(channel=Channel.WALK_IN, status=VisitStatus.WAITING)
        .select_related("customer")
        .order_by("arrived_at", "id")
    )

    def item(v: Visit) -> Item:
        name = v.customer.name if v.customer else (v.contact_name or _("(not given)"))
        minutes = _minutes(v.arrived_at, now)
        return Item(
            label=" ".join(filter(None, [v.queue_number, name])),
            url=reverse("intake:board"),
            detail=f"{v.get_purpose_display()} · "
            + ngettext("waiting %(n)d min", "waiting %(n)d min", minutes) % {"n": minutes},
            urgent=minutes >= 15,
        )

    return _card(
        "arrivals",
        _("Arrivals waiting"),
        reverse("intake:board"),
        _("Nobody is waiting at the desk. Arrivals registered on the reception board appear here."),
        visits,
        item,
    )


def _quotes(user: AnyUser, now: dt.datetime) -> Card:
    return _card(
        "quotes",
        _("Quotes awaiting the customer"),
        _list_url(status=TicketStatus.AWAITING_APPROVAL),
        _("No quote waits. Out-of-warranty repairs appear here until the customer decides."),
        _tickets(user, TicketStatus.AWAITING_APPROVAL),
        _ticket_item(now),
    )


def _waiting_parts(user: AnyUser, now: dt.datetime) -> Card:
    """rules#parts: tickets waiting for parts, the longest waiting first, with the expected
    date (late ones flagged)."""
    queryset = (
        tickets.ticket_list(user=user)
        .filter(status=TicketStatus.WAITING_PARTS)
        .order_by("waiting_parts_since", "id")
    )
    today = timezone.localdate(now)

    def item(t: RepairTicket) -> Item:
        entry = _ticket_item(now)(t)
        expected = t.parts_expected_on
        if expected is not None:
            entry.flag = _("parts expected %(date)s") % {"date": f"{expected:%Y-%m-%d}"}
            entry.urgent = entry.urgent or expected < today
        return entry

    return _card(
        "waiting_parts",
        _("Waiting for parts"),
        _list_url(status=TicketStatus.WAITING_PARTS, sort="oldest"),
        _("No repair waits for parts. Repairs whose parts are out of stock appear here."),
        queryset,
        item,
    )


def _retests(user: AnyUser, now: dt.datetime) -> Card:
    return _card(
        "retests",
        _("Retests to do"),
        _list_url(status=TicketStatus.QUALITY_CHECK),
        _("No retest waits. Repaired devices appear here for the retest before pickup."),
        _tickets(user, TicketStatus.QUALITY_CHECK),
        _ticket_item(now),
    )


def _ready(user: AnyUser, now: dt.datetime, points: list[ServicePoint] | None = None) -> Card:
    queryset = (
        tickets.ticket_list(user=user).filter(status=TicketStatus.READY).order_by("ready_at", "id")
    )
    rows, total = _rows(queryset)
    make = _ticket_item(now, since="ready_at")
    items = []
    for t in rows:
        entry = make(t)
        if t.ready_at and (now - t.ready_at).days >= t.point.pickup_overdue_days:
            entry.flag, entry.urgent = _("overdue for pickup"), True
        items.append(entry)
    overdue = tickets.ticket_list(user=user).filter(
        tickets.pickup_overdue(user=user, now=now, points=points)
    )
    card = Card(
        "ready",
        _("Ready for pickup"),
        _list_url(status=TicketStatus.READY, sort="oldest"),
        _("Nothing is ready for pickup. Repaired devices that passed the retest appear here."),
        total,
        items,
    )
    card.extra.append(
        (
            _("overdue for pickup"),
            overdue.count(),
            _list_url(status=TicketStatus.READY, overdue="1"),
        )
    )
    return card


def _slip_item(s: MessageSlip) -> Item:
    return Item(
        label=s.caller_name,
        url=reverse("intake:slip_queue") + f"?mine=1#slip-{s.pk}",
        detail=_("call back by %(time)s")
        % {"time": timezone.localtime(s.callback_due_at).strftime("%Y-%m-%d %H:%M")},
        urgent=s.callback_due_at < timezone.now(),
    )


def _my_slips(user: AnyUser, title: str, *, taken_too: bool = False) -> Card:
    mine = Q(addressee=user) | Q(taken_by=user) if taken_too else Q(addressee=user)
    slips = (
        scoped(MessageSlip, user)
        .filter(mine, status=SlipStatus.OPEN)
        .order_by("callback_due_at", "id")
    )
    return _card(
        "slips",
        title,
        reverse("intake:slip_queue") + "?mine=1",
        _("No message slip waits for you. Slips addressed to you appear here."),
        slips,
        _slip_item,
    )


def _my_queue(user: AnyUser, now: dt.datetime) -> Card:
    queryset = (
        tickets.ticket_list(user=user)
        .filter(technician_id=user.pk, status__in=[TicketStatus.DIAGNOSING, TicketStatus.REPAIRING])
        .order_by("-customer_waits", "created_at", "id")
    )
    rows, total = _rows(queryset)
    notes = tickets.failed_retest_notes(tickets=rows)
    make = _ticket_item(now)
    items = []
    for t in rows:
        entry = make(t)
        if t.pk in notes:
            entry.flag = _("retest failed: %(reason)s") % {"reason": notes[t.pk] or "—"}
            entry.urgent = True
        items.append(entry)
    return Card(
        "my_queue",
        _("My queue"),
        _list_url(mine="1"),
        _("Nothing in your hands. Tickets you start diagnosing appear here."),
        total,
        items,
    )


def _to_diagnose(user: AnyUser, now: dt.datetime) -> Card:
    return _card(
        "to_diagnose",
        _("To diagnose"),
        _list_url(status=TicketStatus.REGISTERED, sort="oldest"),
        _("No new repair waits for diagnosis. Repair records opened at the desk appear here."),
        _tickets(user, TicketStatus.REGISTERED),
        _ticket_item(now),
    )


def _calls_today(user: AnyUser, now: dt.datetime) -> Card:
    def item(v: Visit) -> Item:
        name = v.customer.name if v.customer else (v.contact_name or _("(not given)"))
        return Item(
            label=name,
            url=reverse("intake:call_detail", args=[v.pk]),
            detail=f"{timezone.localtime(v.arrived_at).strftime('%H:%M')} · "
            f"{v.get_purpose_display()}",
        )

    return _card(
        "calls",
        _("Today's calls"),
        reverse("intake:call_log"),
        _("No call logged today. Calls you log on the hotline screen appear here."),
        calls_on(user=user, day=timezone.localdate(now)),
        item,
    )


def _callback_item(c: Any) -> Item:
    return Item(
        label=c.customer.name,
        url=reverse("followups:callback", args=[c.pk]),
        detail=" · ".join(
            filter(
                None,
                [
                    c.ticket.number if c.ticket_id else "",
                    c.get_kind_display(),
                    timezone.localtime(c.due_at).strftime("%Y-%m-%d %H:%M"),
                ],
            )
        ),
        urgent=c.overdue_since is not None,
    )


def _callbacks(user: AnyUser, now: dt.datetime) -> list[Card]:
    cards = [
        _card(
            "callbacks_due",
            _("Callbacks due now"),
            reverse("followups:queue") + "?tab=due",
            _("No callback is due. Callbacks enter the queue on their day, in calling hours."),
            callback_queue(user=user),
            _callback_item,
        ),
        _card(
            "callbacks_overdue",
            _("Overdue callbacks"),
            reverse("followups:queue") + "?tab=overdue",
            _("No callback is overdue."),
            callback_overdue(user=user),
            _callback_item,
        ),
        _card(
            "callbacks_next",
            _("Next window"),
            reverse("followups:queue") + "?tab=upcoming",
            _("No callback is scheduled for the next days."),
            callback_upcoming(user=user, days=2, now=now),
            _callback_item,
        ),
    ]
    return cards


def _complaints(user: AnyUser, now: dt.datetime) -> Card:
    queryset = complaint_queue(user=user).filter(
        Q(overdue_since__isnull=False) | Q(escalated_at__isnull=False)
    )

    def item(c: Any) -> Item:
        marks = [_("overdue") if c.overdue_since else "", _("escalated") if c.escalated_at else ""]
        return Item(
            label=f"#{c.pk}",
            url=c.get_absolute_url(),
            detail=" · ".join([c.customer.name, c.get_stage_display()]),
            flag=" · ".join(filter(None, marks)),
            urgent=c.overdue_since is not None,
        )

    return _card(
        "complaints",
        _("Escalated and overdue complaints"),
        reverse("complaints:queue") + "?overdue=true",
        _("No complaint is escalated or overdue. Overdue complaints appear here."),
        queryset,
        item,
    )


def _approvals(user: AnyUser, now: dt.datetime) -> Card:
    def item(offer: Any) -> Item:
        by = person_label(offer.offered_by)
        return Item(
            label=f"#{offer.complaint_id}",
            url=offer.complaint.get_absolute_url() + f"#offer-{offer.pk}",
            detail=" · ".join(
                filter(
                    None,
                    [f"¥{offer.amount}", offer.description, offer.complaint.customer.name, by],
                )
            ),
            urgent=(now - offer.created_at).days >= 1,
        )

    return _card(
        "approvals",
        _("Compensation waiting for my approval"),
        reverse("complaints:queue") + "#pending-offers",
        _(
            "No compensation waits for your approval. Offers above the limit of the colleague "
            "who made them appear here."
        ),
        offers_awaiting_decision(user=user),
        item,
    )


def _missing_reports(
    user: AnyUser, now: dt.datetime, points: list[ServicePoint] | None = None
) -> Card:
    """rules#callbacks: the previous month's callback report of each point, due by the 3rd."""
    if points is None:
        points = list(point_list(user=user)[:200])
    missing = missing_reports(points=points, today=timezone.localdate(now))
    url = reverse("followups:report_list")
    return Card(
        "missing_reports",
        _("Missing monthly reports"),
        url,
        _(
            "Every monthly callback report that is due is there. Late or missing reports "
            "appear here."
        ),
        len(missing),
        [
            Item(label=p.code, url=url, detail=p.name, flag=_("missing"), urgent=True)
            for p in missing[:ROWS]
        ],
    )


def _overdue_slips(user: AnyUser, now: dt.datetime) -> Card:
    slips = (
        scoped(MessageSlip, user)
        .filter(status=SlipStatus.OPEN, callback_due_at__lt=now)
        .select_related("addressee__staff_profile")
        .order_by("callback_due_at", "id")
    )

    def item(s: MessageSlip) -> Item:
        entry = _slip_item(s)
        entry.url = reverse("intake:slip_queue") + f"#slip-{s.pk}"
        profile = getattr(s.addressee, "staff_profile", None)
        if profile is not None:
            entry.detail += f" · {profile.display_name} · {profile.staff_number}"
        return entry

    return _card(
        "overdue_slips",
        _("Overdue message slips"),
        reverse("intake:slip_queue"),
        _("No message slip is overdue. Slips not called back by their promised time appear here."),
        slips,
        item,
    )


def _overdue_pickups(
    user: AnyUser, now: dt.datetime, points: list[ServicePoint] | None = None
) -> Card:
    return _card(
        "overdue_pickups",
        _("Overdue pickups"),
        _list_url(status=TicketStatus.READY, overdue="1"),
        _("Every repaired device was collected in time. Devices ready too long appear here."),
        tickets.ticket_list(user=user)
        .filter(tickets.pickup_overdue(user=user, now=now, points=points))
        .order_by("ready_at", "id"),
        _ticket_item(now, since="ready_at"),
    )


def _overdue_loaners(user: AnyUser, now: dt.datetime) -> Card:
    """rules#loaners: loaners still out after their expected day, or after the repaired phone
    went home: the supervisor's to chase."""
    today = timezone.localdate(now)

    def item(loan: Any) -> Item:
        handed_over = loan.ticket is not None and loan.ticket.handed_over_at is not None
        return Item(
            label=f"{loan.loaner.model_name} · {loan.loaner.imei}",
            url=reverse("loaners:detail", args=[loan.loaner_id]),
            detail=f"{loan.customer.name} · {loan.customer.masked_phone}",
            flag=(
                _("repaired phone handed over")
                if handed_over
                else _("expected back %(day)s") % {"day": f"{loan.expected_back:%Y-%m-%d}"}
            ),
            urgent=True,
        )

    return _card(
        "overdue_loaners",
        _("Overdue loaner phones"),
        reverse("loaners:list"),
        _(
            "Every loaner phone is back or within its time. Loaners kept past their day, or "
            "after the repaired phone was collected, appear here."
        ),
        loans_overdue(user=user, today=today),
        item,
    )


def _exports(user: AnyUser, now: dt.datetime) -> Card:
    def item(job: Any) -> Item:
        return Item(
            label=f"{job.point.code} · {job.date_from:%Y-%m-%d} – {job.date_to:%Y-%m-%d}",
            url=reverse("reporting:export_list") + f"#export-{job.pk}",
            detail=job.get_status_display(),
        )

    return _card(
        "exports",
        _("Reports and exports of my points"),
        reverse("reporting:export_list"),
        _("No export yet. The monthly files of your points appear here when they are made."),
        export_list(user=user),
        item,
    )


def _batches_to_receive(user: AnyUser, now: dt.datetime) -> Card:
    """rules#R-parts-7: the return batches the region's points shipped, oldest first: the
    regional center marks each received when the parcel arrives."""

    def item(batch: Any) -> Item:
        return Item(
            label=f"{batch.number} · {batch.point.name}",
            url=reverse("repairs:return_batch_detail", args=[batch.pk]),
            detail=f"{batch.carrier} {batch.tracking_number}".strip(),
            at=f"{timezone.localtime(batch.shipped_at):%Y-%m-%d}" if batch.shipped_at else "",
            flag=_waited(batch.shipped_at, now) if batch.shipped_at else "",
            urgent=batch.shipped_at is not None and (now - batch.shipped_at).days >= 14,
        )

    return _card(
        "batches_to_receive",
        _("Return batches on their way"),
        reverse("repairs:return_batch_list") + f"?status={ReturnBatchStatus.SHIPPED}",
        _("No return batch is on its way. Batches your points ship appear here until received."),
        parts_selectors.return_batch_list(user=user, status=ReturnBatchStatus.SHIPPED).order_by(
            "shipped_at", "id"
        ),
        item,
    )


def _notices(user: AnyUser, now: dt.datetime) -> Card:
    """rules#callbacks: what the user's department was told (a dissatisfied callback's
    complaint), unread, each a link to its record and marked read in place."""

    def item(n: Any) -> Item:
        return Item(
            label=n.subject,
            url=n.link or reverse("home"),
            detail=n.text,
            at=f"{timezone.localtime(n.created_at):%Y-%m-%d %H:%M}",
            action=reverse("servicedesk:notice_read", args=[n.pk]),
            action_label=_("Mark read"),
            urgent=(now - n.created_at).days >= 1,
        )

    return _card(
        "notices",
        _("Notices"),
        reverse("home") + "#notices",
        _("No unread notice for your department. Complaints it is told of appear here."),
        department_notice_list(user=user),
        item,
    )


def worklist(
    *,
    user: AnyUser,
    role: str | None,
    now: dt.datetime | None = None,
    points: list[ServicePoint] | None = None,
) -> list[Card]:
    """The cards of ``role``'s home page, most pressing first; a member of a department first
    sees what the department was told. ``points``: the user's points, when the page has them
    already (the cards then read their settings without asking again)."""
    now = now or timezone.now()
    profile = get_profile(user)
    cards = _role_cards(user, role, now, points)
    if profile is not None and profile.department_id is not None:
        cards.insert(0, _notices(user, now))
    return cards


def _role_cards(
    user: AnyUser, role: str | None, now: dt.datetime, points: list[ServicePoint] | None
) -> list[Card]:
    if role == Role.FRONT_DESK:
        return [
            _arrivals(user, now),
            _quotes(user, now),
            _waiting_parts(user, now),
            _retests(user, now),
            _ready(user, now, points),
            _my_slips(user, _("Message slips for me")),
        ]
    if role == Role.TECHNICIAN:
        return [
            _my_queue(user, now),
            _to_diagnose(user, now),
            _waiting_parts(user, now),
            _my_slips(user, _("Message slips for me")),
        ]
    if role == Role.HOTLINE:
        return [
            _my_slips(user, _("Open slips I took or must call back"), taken_too=True),
            _calls_today(user, now),
        ]
    if role == Role.CALLBACK_CLERK:
        return [*_callbacks(user, now), _my_slips(user, _("Message slips for me"))]
    if role in SUPERVISING_ROLES:
        return [
            _approvals(user, now),
            _complaints(user, now),
            _quotes(user, now),
            _overdue_slips(user, now),
            _overdue_pickups(user, now, points),
            _overdue_loaners(user, now),
            _missing_reports(user, now, points),
        ]
    if role == Role.REGIONAL_CENTER:
        return [
            _exports(user, now),
            _batches_to_receive(user, now),
            _missing_reports(user, now, points),
        ]
    return []


def next_calling_window(*, user: AnyUser, now: dt.datetime | None = None) -> dt.datetime | None:
    """For the callback clerk: when calling is allowed next at the clerk's point (no query)."""
    profile = get_profile(user)
    point = getattr(profile, "point", None)
    if point is None:
        return None
    allowed, next_moment = calling_now(point=point, now=now)
    return None if allowed else next_moment
