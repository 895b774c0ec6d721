"""Complaint pages (rules#complaints): thin views over complaints.services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import selectors, services, transitions
from complaints.filters import ComplaintFilter
from complaints.forms import (
    STAGE_FORMS,
    BulkTransferForm,
    ComplaintOpenForm,
    ComplaintStartForm,
    ComplaintTransferForm,
    ContactForm,
    CustomerSearchForm,
    DecisionForm,
    EscalateForm,
    OfferDecisionForm,
    OfferForm,
    StageActionForm,
    TransferForm,
)
from complaints.models import UNRESOLVED_STAGES, CompensationOffer, Complaint, OfferStatus
from complaints.services import ComplaintError
from followups.models import Callback
from intake.forms.desk import VisitRefForm
from intake.models import Customer, Visit
from repairs.models import RepairTicket
from servicedesk import inputs
from servicedesk.middleware import point_zone_activate
from servicedesk.models import Role
from servicedesk.permissions import check_role, has_role, role_required
from servicedesk.selectors import colleague_list
from servicedesk.tenancy import get_profile, get_scoped_or_404, scope_for, scoped

OPENERS = (
    Role.FRONT_DESK,
    Role.HOTLINE,
    Role.CALLBACK_CLERK,
    Role.SUPERVISOR,
    Role.SERVICE_MANAGER,
)
READERS = (*OPENERS, Role.REGIONAL_CENTER)
QUEUE_ROLES = (Role.SUPERVISOR, Role.SERVICE_MANAGER, Role.REGIONAL_CENTER)
PRINCIPLES = (
    _("Take the customer to a quiet area (隔离)."),
    _("Stay calm (冷静)."),
    _("Stay neutral (中立)."),
    _("Handle feelings before facts (先处理心情后处理事情)."),
)


def _form_errors(form) -> ValidationError:
    return ValidationError(
        [
            f"{form.fields[f].label if f in form.fields else ''}: {e}"
            for f, es in form.errors.items()
            for e in es
        ]
    )


def _show_errors(request, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.error(request, str(exc))


@role_required(*OPENERS)
def complaint_new(request):
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
                point=point, actor=request.user, visit=visit, callback=callback, **data
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
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
def complaint_customer_search(request):
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


#: The complaint page's forms by the action that posts them (a refused one is shown as posted).
PAGE_FORMS = {
    "contact": "contact_form",
    "offer": "offer_form",
    "escalate": "escalate_form",
    "decision": "decision_form",
    "transfer": "transfer_form",
}


def _detail_page(request, complaint: Complaint, bound: dict[str, forms.Form] | None = None):
    """The complaint page; ``bound``: a refused form by its name, shown as it was posted."""
    point_zone_activate(complaint.point)
    offers = list(
        complaint.offers.select_related("offered_by__staff_profile", "decided_by__staff_profile")
    )
    for offer in offers:
        offer.user_may_decide = (  # type: ignore[attr-defined]
            offer.status == OfferStatus.PENDING and services.may_decide(offer, request.user)
        )
    shown = {"version": complaint.version}
    bound = bound or {}
    steps = [
        (
            move,
            bound.get(move.action)
            or STAGE_FORMS[move.action](action=move.action, complaint=complaint, initial=shown),
        )
        for move in transitions.MACHINE.transitions
        if move.source == complaint.stage and services.may_move(complaint, request.user, move)
    ]
    context = {
        "complaint": complaint,
        "contacts": complaint.contacts.select_related("by__staff_profile"),
        "offers": offers,
        "principles": PRINCIPLES,
        "stage_bar": selectors.complaint_stage_bar(complaint=complaint),
        "steps": steps,
        "is_open": complaint.stage in UNRESOLVED_STAGES,
        "contact_form": ContactForm(initial=shown),
        "offer_form": OfferForm(initial=shown),
        "escalate_form": EscalateForm(initial=shown),
        "decision_form": DecisionForm(initial=shown),
        "transfer_form": ComplaintTransferForm(
            users=services.staff_choices(complaint.point), initial=shown
        ),
    }
    context |= {name: form for name, form in bound.items() if name in PAGE_FORMS.values()}
    return render(request, "complaints/detail.html", context)


@login_required
def complaint_detail(request, pk: int):
    complaint = get_scoped_or_404(
        selectors.complaint_detail(user=request.user, pk=pk), request.user, pk=pk
    )
    check_role(request.user, READERS)
    return _detail_page(request, complaint)


def _stage_step(request, complaint: Complaint):
    """A step of the complaint: only that step's form; a refused one comes back as typed, with
    each error beside its field (rules#complaints stages)."""
    pressed = StageActionForm(request.POST)
    action = pressed.cleaned_data["action"] if pressed.is_valid() else ""
    if action not in STAGE_FORMS:
        raise ComplaintError(_("Unknown action."))
    form = STAGE_FORMS[action](request.POST, action=action, complaint=complaint)
    if form.is_valid():
        try:
            services.transition(
                complaint=complaint,
                actor=request.user,
                action=action,
                version=form.cleaned_data["version"],
                **form.service_kwargs(),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Saved."))
            return redirect(complaint)
    detailed = get_scoped_or_404(
        selectors.complaint_detail(user=request.user, pk=complaint.pk),
        request.user,
        pk=complaint.pk,
    )
    return _detail_page(request, detailed, bound={action: form})


@require_POST
@login_required
def complaint_act(request, pk: int, what: str):
    """One POST endpoint per complaint action: parse, call one service, errors as messages
    (a step of the complaint comes back as a form, see ``_stage_step``)."""
    complaint = get_scoped_or_404(Complaint.objects.select_related("point"), request.user, pk=pk)
    check_role(request.user, OPENERS)
    point_zone_activate(complaint.point)  # what is typed reads in the complaint's point's zone
    form: forms.Form
    try:
        if what == "stage":
            return _stage_step(request, complaint)
        if what == "contact":
            form = ContactForm(request.POST)
            if not form.is_valid():
                raise _form_errors(form)
            services.log_contact(complaint=complaint, actor=request.user, **form.cleaned_data)
        elif what == "offer":
            form = OfferForm(request.POST)
            if not form.is_valid():
                raise _form_errors(form)
            offer = services.offer_compensation(
                complaint=complaint, actor=request.user, **form.cleaned_data
            )
            if offer.status == OfferStatus.PENDING:
                messages.warning(
                    request,
                    _("Above your authority: wait for approval before promising it."),
                )
        elif what == "escalate":
            form = EscalateForm(request.POST)
            if not form.is_valid():
                raise _form_errors(form)
            services.escalate(
                complaint=complaint,
                actor=request.user,
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        elif what == "decision":
            form = DecisionForm(request.POST)
            if not form.is_valid():
                raise _form_errors(form)
            services.record_decision(complaint=complaint, actor=request.user, **form.cleaned_data)
        elif what == "transfer":
            form = ComplaintTransferForm(
                request.POST, users=services.staff_choices(complaint.point)
            )
            if not form.is_valid():
                raise _form_errors(form)
            services.transfer_ownership(
                complaint=complaint,
                actor=request.user,
                new_owner=form.cleaned_data["owner"],
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        else:
            raise ComplaintError(_("Unknown action."))
    except ValidationError as exc:
        if what not in PAGE_FORMS:
            _show_errors(request, exc)
            return redirect(complaint)
        # Refused: the page again with this form as it was posted, each error beside its field.
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        detailed = get_scoped_or_404(
            selectors.complaint_detail(user=request.user, pk=complaint.pk),
            request.user,
            pk=complaint.pk,
        )
        return _detail_page(request, detailed, bound={PAGE_FORMS[what]: form})
    except ComplaintError as exc:
        _show_errors(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect(complaint)


@require_POST
@login_required
def offer_decide(request, pk: int):
    offer = get_scoped_or_404(CompensationOffer, request.user, pk=pk)
    check_role(request.user, (Role.SUPERVISOR, Role.SERVICE_MANAGER))
    form = OfferDecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_errors(form)
        services.decide_compensation(
            offer=offer, actor=request.user, approve=form.cleaned_data["decision"] == "approve"
        )
    except (ValidationError, ComplaintError) as exc:
        _show_errors(request, exc)
    else:
        messages.success(request, _("Decision recorded."))
    if form.is_valid() and form.cleaned_data["next"] == "queue":
        return redirect("complaints:queue")
    return redirect(offer.complaint)


@role_required(*QUEUE_ROLES)
def complaint_queue(request):
    base = selectors.complaint_queue(user=request.user)
    flt = ComplaintFilter(request.GET or None, queryset=base, user=request.user)
    queryset = flt.qs if flt.is_bound and flt.is_valid() else base
    sort = request.GET.get("sort", "overdue")
    if sort in ("oldest", "newest"):
        queryset = queryset.order_by("created_at" if sort == "oldest" else "-created_at")
    counts = selectors.queue_counts(queryset)
    page = Paginator(selectors.with_pending_offers(queryset), 50).get_page(request.GET.get("page"))
    pending = selectors.offers_awaiting_decision(user=request.user)[:50]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/queue.html",
        {
            "filter": flt,
            "page": page,
            "counts": counts,
            "sort": sort,
            "pending": pending,
            "query_string": query.urlencode(),
            # Only those who may reassign in bulk get the checkboxes and the form.
            "transfer_form": (
                TransferForm(users=_queue_users(request.user))
                if has_role(request.user, BULK_REASSIGNERS)
                else None
            ),
            "several_points": scope_for(request.user).several_points,
        },
    )


def _queue_users(user):
    from servicedesk.models import ServicePoint

    return colleague_list(points=scoped(ServicePoint, user), roles=services.OWNER_ROLES).order_by(
        "first_name", "username"
    )


BULK_REASSIGNERS = (Role.SUPERVISOR, Role.SERVICE_MANAGER)


@require_POST
@role_required(*BULK_REASSIGNERS)
def complaint_bulk_reassign(request):
    """Bulk reassignment: each selected complaint is fetched through the scope and transferred
    by the one transfer service (logged and audited)."""
    form = BulkTransferForm(request.POST, users=_queue_users(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose complaints and a new owner."))
        return redirect("complaints:queue")
    done = 0
    try:
        with transaction.atomic():
            for pk in form.cleaned_data["ids"]:
                complaint = get_scoped_or_404(Complaint, request.user, pk=pk)
                services.transfer_ownership(
                    complaint=complaint,
                    actor=request.user,
                    new_owner=form.cleaned_data["owner"],
                    note=form.cleaned_data["note"],
                )
                done += 1
    except (ValidationError, ComplaintError) as exc:
        _show_errors(request, exc)
    else:
        messages.success(request, _("%(n)d complaints reassigned.") % {"n": done})
    return redirect("complaints:queue")
