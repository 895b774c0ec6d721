"""Receiving a complaint (rules#complaints): the form and its customer search."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from complaints import selectors, services
from complaints.forms import (
    ComplaintOpenForm,
    ComplaintStartForm,
    CustomerSearchForm,
)
from complaints.views.common import (
    OPENERS,
    add_errors,
)
from followups.models import Callback
from intake.forms.desk import VisitRefForm
from intake.models import Customer, Visit
from repairs.models import RepairTicket
from servicedesk import inputs
from servicedesk.models import Role
from servicedesk.permissions import request_actor, role_required
from servicedesk.tenancy import get_profile, get_scoped_or_404, scoped


@role_required(*OPENERS)
def complaint_new(request: HttpRequest) -> HttpResponse:
    profile = get_profile(request.user)
    point = profile.point if profile else None
    if profile is None or point is None:
        messages.error(request, _("Complaints are received at a service point."))
        return redirect("complaints:queue")
    customers = scoped(Customer, request.user).filter(point=point)
    tickets = scoped(RepairTicket, request.user).filter(point=point)
    initial: dict[str, object] = {
        "channel": "hotline" if profile.role == Role.HOTLINE else "walk_in"
    }
    initial["source"] = "call" if profile.role == Role.HOTLINE else "visit"
    # Handed over from a logged call or visit (rules#hotline: a complaint call opens a complaint).
    visit = None
    # Posted by the form; in the URL when the page is opened from the visit.
    visit_id = VisitRefForm(request.POST).visit_id() or VisitRefForm(request.GET).visit_id()
    if visit_id is not None:
        visit = get_scoped_or_404(Visit.objects.filter(point=point), request.user, pk=visit_id)
        already = visit.complaints.first()
        if already is not None:
            messages.info(request, _("This contact already has its complaint."))
            return redirect(already)
        initial |= {
            "customer": visit.customer_id,
            "summary": visit.summary,
            "channel": visit.channel,
            "source": "call" if visit.channel == "hotline" else "visit",
        }
    # Opened from a repair record: its customer, and the record linked.
    start_ticket = None
    if (ticket_id := ComplaintStartForm(request.GET).ticket_id()) is not None:
        start_ticket = get_scoped_or_404(tickets, request.user, pk=ticket_id)
        initial |= {"customer": start_ticket.customer_id, "ticket": start_ticket.pk}
    # Opened from a follow-up callback: its customer and repair record, the callback linked.
    callback = None
    callback_id = (
        ComplaintStartForm(request.POST).callback_id()
        or ComplaintStartForm(request.GET).callback_id()
    )
    if callback_id is not None:
        callback = get_scoped_or_404(
            Callback.objects.filter(point=point), request.user, pk=callback_id
        )
        already = callback.complaints.first()
        if already is not None:
            messages.info(request, _("This callback already has its complaint."))
            return redirect(already)
        initial |= {
            "customer": callback.customer_id,
            "ticket": callback.ticket_id,
            "channel": "callback",
            "source": "callback",
        }
    form = ComplaintOpenForm(
        request.POST or None, customers=customers, tickets=tickets, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.complaint_open(
                point=point, actor=request_actor(request), visit=visit, callback=callback, **data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Complaint received. You own it until it is closed."))
            return redirect(complaint)
    # The customer picked (posted, or from the visit or record), shown with their latest records.
    picked_id = inputs.integer(form["customer"].value())
    picked = customers.filter(pk=picked_id) if picked_id else customers.none()
    return render(
        request,
        "complaints/new.html",
        {
            "form": form,
            "visit": visit,
            "start_ticket": start_ticket,
            "callback": callback,
            "picks": selectors.customer_picks(user=request.user, point=point, customers=picked),
            "picked_customer": picked_id,
            "picked_ticket": inputs.integer(form["ticket"].value()),
        },
    )


@role_required(*OPENERS)
def complaint_customer_search(request: HttpRequest) -> HttpResponse:
    """htmx: the complaint form's customer search. Posted, so a phone typed into it stays out
    of URLs and access logs (rules#tenancy)."""
    profile = get_profile(request.user)
    point = profile.point if profile else None
    query = CustomerSearchForm(request.POST if request.method == "POST" else request.GET).query()
    picks = (
        selectors.complaint_customer_search(user=request.user, point=point, query=query)
        if point is not None and len(query) >= 2
        else []
    )
    return render(
        request,
        "complaints/_customer_pick.html",
        {"picks": picks, "query": query, "searched": len(query) >= 2},
    )
