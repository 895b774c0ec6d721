"""The complaint page (rules#complaints): its steps, each made by its command, and its other
forms (contact, compensation, escalation, decision, transfer), each one service call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import selectors, services, transitions
from complaints.commands import STAGE_COMMANDS
from complaints.forms import (
    ComplaintTransferForm,
    ContactForm,
    DecisionForm,
    EscalateForm,
    OfferDecisionForm,
    OfferForm,
    StageActionForm,
    StageForm,
)
from complaints.models import UNRESOLVED_STAGES, CompensationOffer, Complaint, OfferStatus
from complaints.services import ComplaintError
from complaints.views.common import (
    OPENERS,
    PRINCIPLES,
    READERS,
    add_errors,
    form_errors,
    show_errors,
)
from servicedesk.middleware import point_zone_activate
from servicedesk.models import Role
from servicedesk.permissions import check_role, request_actor
from servicedesk.tenancy import get_scoped_or_404

FormData = QueryDict | None


@dataclass(frozen=True)
class PageAction:
    """A form of the complaint page besides the steps, posted to ``complaints:act`` with its
    ``what``: the page's name for it, how it is built, and the one service its submit calls."""

    name: str
    form: Callable[[Complaint, FormData, dict[str, Any]], forms.Form]
    submit: Callable[[HttpRequest, Complaint, Any], None]


def _contact_form(complaint: Complaint, data: FormData, initial: dict[str, Any]) -> ContactForm:
    return ContactForm(data, initial=initial)


def _log_contact(request: HttpRequest, complaint: Complaint, form: ContactForm) -> None:
    services.log_contact(
        complaint=complaint,
        actor=request_actor(request),
        note=form.cleaned_data["note"],
        promised_reply_at=form.cleaned_data["promised_reply_at"],
        version=form.cleaned_data["version"],
    )


def _offer_form(complaint: Complaint, data: FormData, initial: dict[str, Any]) -> OfferForm:
    return OfferForm(data, initial=initial)


def _offer(request: HttpRequest, complaint: Complaint, form: OfferForm) -> None:
    offer = services.offer_compensation(
        complaint=complaint,
        actor=request_actor(request),
        amount=form.cleaned_data["amount"],
        description=form.cleaned_data["description"],
        version=form.cleaned_data["version"],
    )
    if offer.status == OfferStatus.PENDING:
        messages.warning(request, _("Above your authority: wait for approval before promising it."))


def _escalate_form(complaint: Complaint, data: FormData, initial: dict[str, Any]) -> EscalateForm:
    return EscalateForm(data, initial=initial)


def _escalate(request: HttpRequest, complaint: Complaint, form: EscalateForm) -> None:
    services.escalate(
        complaint=complaint,
        actor=request_actor(request),
        note=form.cleaned_data["note"],
        version=form.cleaned_data["version"],
    )


def _decision_form(complaint: Complaint, data: FormData, initial: dict[str, Any]) -> DecisionForm:
    return DecisionForm(data, initial=initial)


def _decide(request: HttpRequest, complaint: Complaint, form: DecisionForm) -> None:
    services.record_decision(
        complaint=complaint,
        actor=request_actor(request),
        decision=form.cleaned_data["decision"],
        version=form.cleaned_data["version"],
    )


def _transfer_form(
    complaint: Complaint, data: FormData, initial: dict[str, Any]
) -> ComplaintTransferForm:
    return ComplaintTransferForm(
        data, users=services.staff_choices(complaint.point), initial=initial
    )


def _transfer(request: HttpRequest, complaint: Complaint, form: ComplaintTransferForm) -> None:
    services.transfer_ownership(
        complaint=complaint,
        actor=request_actor(request),
        new_owner=form.cleaned_data["owner"],
        note=form.cleaned_data["note"],
        version=form.cleaned_data["version"],
    )


#: The complaint page's forms by the ``what`` that posts them (a refused one is shown as posted).
PAGE_ACTIONS: dict[str, PageAction] = {
    "contact": PageAction("contact_form", _contact_form, _log_contact),
    "offer": PageAction("offer_form", _offer_form, _offer),
    "escalate": PageAction("escalate_form", _escalate_form, _escalate),
    "decision": PageAction("decision_form", _decision_form, _decide),
    "transfer": PageAction("transfer_form", _transfer_form, _transfer),
}


def _detail_page(
    request: HttpRequest,
    complaint: Complaint,
    *,
    step: tuple[str, StageForm[Any]] | None = None,
    page_form: tuple[str, forms.Form] | None = None,
) -> HttpResponse:
    """The complaint page; ``step`` or ``page_form``: a refused form (by its action, or its
    page name), shown as it was posted with every error."""
    point_zone_activate(complaint.point)
    offers = list(
        complaint.offers.select_related("offered_by__staff_profile", "decided_by__staff_profile")
    )
    for offer in offers:
        offer.user_may_decide = (  # type: ignore[attr-defined]
            offer.status == OfferStatus.PENDING and services.may_decide(offer, request.user)
        )
    shown = {"version": complaint.version}
    bound_steps = dict([step]) if step else {}
    steps = [
        (
            move,
            bound_steps.get(move.action)
            or STAGE_COMMANDS[move.action].form(
                action=move.action, complaint=complaint, initial=shown
            ),
        )
        for move in transitions.MACHINE.transitions
        if move.source == complaint.stage and services.may_move(complaint, request.user, move)
    ]
    context: dict[str, Any] = {
        "complaint": complaint,
        "contacts": complaint.contacts.select_related("by__staff_profile"),
        "offers": offers,
        "principles": PRINCIPLES,
        "stage_bar": selectors.complaint_stage_bar(complaint=complaint),
        "steps": steps,
        "is_open": complaint.stage in UNRESOLVED_STAGES,
    }
    context |= {
        action.name: action.form(complaint, None, shown) for action in PAGE_ACTIONS.values()
    }
    if page_form is not None:
        context[page_form[0]] = page_form[1]
    return render(request, "complaints/detail.html", context)


def _refused(request: HttpRequest, complaint: Complaint, **bound: Any) -> HttpResponse:
    """The page again (read afresh) with the refused form as it was posted."""
    detailed = get_scoped_or_404(
        selectors.complaint_detail(user=request.user, pk=complaint.pk),
        request.user,
        pk=complaint.pk,
    )
    return _detail_page(request, detailed, **bound)


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_scoped_or_404(
        selectors.complaint_detail(user=request.user, pk=pk), request.user, pk=pk
    )
    check_role(request.user, READERS)
    return _detail_page(request, complaint)


def _stage_step(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    """A step of the complaint: only that step's form, made by its command; a refused one
    comes back as typed, with each error beside its field (rules#complaints stages)."""
    pressed = StageActionForm(request.POST)
    action = pressed.cleaned_data["action"] if pressed.is_valid() else ""
    command = STAGE_COMMANDS.get(action)
    if command is None:
        raise ComplaintError(_("Unknown action."))
    form = command.form(request.POST, action=action, complaint=complaint)
    if form.is_valid():
        try:
            command.submit(form, complaint=complaint, actor=request_actor(request))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(complaint)
    return _refused(request, complaint, step=(action, form))


def _page_action(request: HttpRequest, complaint: Complaint, what: str) -> HttpResponse:
    """One of the page's other forms: its service called once; refused, the page again with
    that form as posted."""
    action = PAGE_ACTIONS.get(what)
    if action is None:
        raise ComplaintError(_("Unknown action."))
    form = action.form(complaint, request.POST, {})
    if form.is_valid():
        try:
            action.submit(request, complaint, form)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(complaint)
    return _refused(request, complaint, page_form=(action.name, form))


@require_POST
@login_required
def complaint_act(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """One POST endpoint per complaint action (``what``: a step, or a form of the page);
    a move the rules refuse is shown as a message."""
    complaint = get_scoped_or_404(Complaint.objects.select_related("point"), request.user, pk=pk)
    check_role(request.user, OPENERS)
    point_zone_activate(complaint.point)  # what is typed reads in the complaint's point's zone
    try:
        if what == "stage":
            return _stage_step(request, complaint)
        return _page_action(request, complaint, what)
    except ComplaintError as exc:
        show_errors(request, exc)
    return redirect(complaint)


@require_POST
@login_required
def offer_decide(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_scoped_or_404(CompensationOffer, request.user, pk=pk)
    check_role(request.user, (Role.SUPERVISOR, Role.SERVICE_MANAGER))
    form = OfferDecisionForm(request.POST)
    if not form.is_valid():
        show_errors(request, form_errors(form))
    else:
        try:
            services.decide_compensation(
                offer=offer,
                actor=request_actor(request),
                approve=form.cleaned_data["decision"] == "approve",
            )
        except ComplaintError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, _("Decision recorded."))
    if form.is_valid() and form.cleaned_data["next"] == "queue":
        return redirect("complaints:queue")
    return redirect(offer.complaint)
