"""What complaints adds through typed events (subscribed in ``ComplaintsConfig.ready``):
a dissatisfied callback becomes a complaint, the customer's complaints on their page and the
repair's on the ticket page, the complaints' figures in the monthly callback report, and their
part of a data-protection request."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from complaints.models import CompensationOffer, Complaint, ComplaintContact
from followups import app_events as followups_events
from intake import app_events as intake_events
from intake.models import Customer
from intake.services.privacy import when
from repairs import app_events as repairs_events
from servicedesk.events import Opened, Panel
from servicedesk.models import DepartmentNotice
from servicedesk.permissions import has_role
from servicedesk.tenancy import scope_for, scoped

if TYPE_CHECKING:
    from followups.models import Callback
    from repairs.models import RepairTicket
    from servicedesk.models import ServicePoint
    from servicedesk.types import Actor, AnyUser


def subscribe() -> None:
    followups_events.on_callback_dissatisfied.subscribe(complaint_from_callback)
    intake_events.on_customer_panels.subscribe(customer_complaints_panel)
    repairs_events.on_ticket_panels.subscribe(ticket_complaints_panel)
    followups_events.on_callback_report.subscribe(callback_report_figures)
    intake_events.on_customer_data.subscribe(customer_data)
    intake_events.on_customer_erased.subscribe(customer_erased)
    intake_events.on_customer_merged.subscribe(customer_merged)


def complaint_from_callback(*, callback: Callback, actor: Actor, now: dt.datetime) -> Opened:
    """rules#callbacks: dissatisfaction found in a callback becomes a complaint the same day, owned
    by the supervisor's queue, and the relevant department is notified. The complaint is named
    back to the callback screen."""
    from complaints.services import complaint_notify_department, complaint_open

    complaint = complaint_open(
        point=callback.point,
        actor=actor,
        customer=callback.customer,
        channel="callback",
        source="callback",
        summary=callback.dissatisfaction_reason,
        ticket=callback.ticket,
        callback=callback,
        # Nobody has spoken to the customer about it yet: the point's first-reply time is the
        # promise, so an untouched complaint becomes overdue and escalates (rules#complaints).
        promised_reply_at=now + dt.timedelta(hours=callback.point.complaint_first_reply_hours),
        now=now,
    )
    department = complaint_notify_department(complaint=complaint, now=now)
    return Opened(
        label=_("Complaint #%(number)d") % {"number": complaint.pk},
        url=complaint.get_absolute_url(),
        notified=department.name if department is not None else "",
    )


def customer_complaints_panel(*, user: AnyUser, customer: Customer) -> Panel:
    complaints = list(
        scoped(Complaint, user)
        .filter(customer=customer)
        .select_related("category", "owner__staff_profile")
        .order_by("-created_at")[:50]
    )
    return Panel(
        template="complaints/_customer_complaints.html",
        context={"complaints": complaints},
        order=30,
        summary=ngettext("%(n)d complaint", "%(n)d complaints", len(complaints))
        % {"n": len(complaints)},
    )


def ticket_complaints_panel(*, user: AnyUser, ticket: RepairTicket) -> Panel:
    """The ticket page: the complaints about this repair, and a link that opens one with the
    ticket and its customer filled in (rules#complaints: first-responder ownership)."""
    from complaints.views import OPENERS

    complaints = list(scoped(Complaint, user).filter(ticket=ticket).order_by("-created_at")[:20])
    scope = scope_for(user)
    return Panel(
        template="complaints/_ticket_complaints.html",
        context={
            "complaints": complaints,
            "ticket_id": ticket.pk,
            "can_open": has_role(user, OPENERS) and not scope.read_only,
        },
        order=40,
    )


def callback_report_figures(*, point: ServicePoint, month: dt.date, month_end: dt.date) -> dict:
    """The month's complaints by category and by customer type, for the callback report."""
    complaints = Complaint.objects.filter(
        point=point, created_at__date__gte=month, created_at__date__lt=month_end
    )
    return {
        "complaints_by_category": [
            {"category": row["category__name"] or "—", "count": row["n"]}
            for row in complaints.values("category__name").annotate(n=Count("id")).order_by("-n")
        ],
        "complaints_by_customer_type": [
            {"customer_type": row["customer__customer_type"], "count": row["n"]}
            for row in complaints.values("customer__customer_type")
            .annotate(n=Count("id"))
            .order_by("-n")
        ],
    }


def customer_data(*, customer: Customer) -> dict[str, list]:
    complaints = (
        Complaint.objects.filter(customer=customer)
        .select_related("category", "ticket")
        .prefetch_related("contacts", "offers")
        .order_by("created_at", "pk")
    )
    return {"complaints": [_complaint(complaint) for complaint in complaints]}


def customer_erased(*, customer: Customer) -> dict[str, int]:
    complaints = Complaint.objects.filter(customer=customer)
    count = complaints.count()
    # A department notice quotes the complaint's summary: the customer's words go with them.
    links = [complaint.get_absolute_url() for complaint in complaints.only("pk")]
    DepartmentNotice.objects.filter(point=customer.point_id, link__in=links).update(text="")
    complaints.update(
        summary="",
        restatement="",
        options=[],
        chosen_option="",
        resolution="",
        supervisor_decision="",
    )
    ComplaintContact.objects.filter(complaint__customer=customer).update(note="")
    CompensationOffer.objects.filter(complaint__customer=customer).update(description="")
    return {"complaints": count}


def _complaint(complaint: Complaint) -> dict:
    return {
        "category": complaint.category.name if complaint.category is not None else None,
        "stage": complaint.stage,
        "channel": complaint.channel,
        "ticket": complaint.ticket.number if complaint.ticket is not None else None,
        "summary": complaint.summary,
        "restatement": complaint.restatement,
        "options": complaint.options,
        "chosen_option": complaint.chosen_option,
        "resolution": complaint.resolution,
        "created_at": when(complaint.created_at),
        "resolved_at": when(complaint.resolved_at),
        "closed_at": when(complaint.closed_at),
        "contacts": [
            {"at": when(c.at), "kind": c.kind, "note": c.note} for c in complaint.contacts.all()
        ],
        "compensation": [
            {"amount": str(o.amount), "description": o.description, "status": o.status}
            for o in complaint.offers.all()
        ],
    }


def customer_merged(*, kept: Customer, duplicate: Customer) -> dict[str, int]:
    """Two records of one customer merged: this app's rows of the duplicate move to the kept."""
    return {"complaints": Complaint.objects.filter(customer=duplicate).update(customer=kept)}
