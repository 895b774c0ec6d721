"""The hotline's, the callback clerks', the supervisors' and the regional center's cards."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.selectors import complaint_queue, offers_awaiting_decision
from counter.selectors import cash_ups_waiting
from followups.reports import missing_reports
from followups.selectors import callback_overdue, callback_queue, callback_upcoming
from intake.models import MessageSlip, SlipStatus, Visit
from intake.selectors import calls_on
from loaners.selectors import loans_overdue
from parts import selectors as parts_selectors
from parts.models import ReturnBatchStatus
from repairs import selectors as tickets
from repairs.models import TicketStatus
from reporting.selectors import export_list
from reporting.worklists.cards import ROWS, Card, Item, _card, _list_url, _ticket_item, _waited
from reporting.worklists.counter import _slip_item
from servicedesk.models import ServicePoint
from servicedesk.people import person_label
from servicedesk.selectors import department_notice_list, point_list
from servicedesk.tenancy import scoped

if TYPE_CHECKING:
    from servicedesk.types import AnyUser


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


def _cash_ups_waiting(user: AnyUser, now: dt.datetime) -> Card:
    """rules#payment: the desk users' counted days waiting for the supervisor's confirmation."""

    def item(cash_up: Any) -> Item:
        return Item(
            label=f"{cash_up.day:%Y-%m-%d}",
            url=f"{reverse('repairs:cash_up')}?day={cash_up.day:%Y-%m-%d}",
            detail=person_label(cash_up.user),
            flag=(
                _("difference %(amount)s") % {"amount": cash_up.difference_shown}
                if cash_up.difference
                else ""
            ),
            urgent=bool(cash_up.difference),
        )

    return _card(
        "cash_ups_waiting",
        _("Cash-ups waiting for confirmation"),
        reverse("repairs:cash_up"),
        _("No cash-up waits for confirmation. Counted days of the desk appear here."),
        cash_ups_waiting(user=user),
        item,
    )
