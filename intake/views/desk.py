"""Front-desk pages: reception board, search, customers, message slips."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intake import selectors
from intake.forms.desk import (
    CustomerEraseForm,
    CustomerForm,
    CustomerMergeForm,
    SearchForm,
    SlipCallbackForm,
    SlipForm,
    SlipStepForm,
    VisitForm,
)
from intake.models import Channel, Customer, Visit
from intake.phones import display_phone
from intake.services import desk, merge, privacy
from intake.services.slips import slip_check, slip_take
from servicedesk.audit import audit_customer_phone_revealed, audit_slip_phone_revealed
from servicedesk.forms import apply_errors
from servicedesk.middleware import point_zone_activate
from servicedesk.models import Role
from servicedesk.permissions import allow_read_only_roles, check_role, role_required
from servicedesk.selectors import colleague_list
from servicedesk.tenancy import get_scoped_or_404, scoped

DESK = desk.DESK_ROLES
VIEW = (*DESK, Role.TECHNICIAN, Role.CALLBACK_CLERK, Role.REGIONAL_CENTER)


def _point(request):
    """The point the desk works for: the user's own point."""
    profile = request.staff
    if profile is None or profile.point is None:
        raise PermissionDenied(_("Only staff of a service point work at its desk."))
    return profile.point


@role_required(*DESK)
def board(request):
    """The reception board (rules#intake): register arrivals, see who waits and how long."""
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            desk.visit_register(point=_point(request), actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Arrival registered."))
            return redirect("intake:board")
    context = selectors.reception_board(user=request.user) | {"form": form}
    template = "intake/desk/_board_lists.html" if request.htmx else "intake/desk/board.html"
    return render(request, template, context)


def _visit_action(request, pk: int, action) -> Visit:
    visit = get_scoped_or_404(Visit.objects.select_related("point"), request.user, pk=pk)
    check_role(request.user, DESK)
    try:
        action(visit=visit, actor=request.user)
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
    return visit


@require_POST
@login_required
def visit_serve(request, pk: int):
    visit = _visit_action(request, pk, desk.visit_start_service)
    if visit.purpose == "repair":
        # Only the visit's id travels in the URL; the search reads its number (rules#tenancy).
        return redirect(reverse("intake:search") + f"?visit={visit.pk}")
    if visit.purpose == "pickup":
        return redirect("repairs:pickup")
    return redirect("intake:board")


@require_POST
@login_required
def visit_finish(request, pk: int):
    _visit_action(request, pk, desk.visit_finish)
    return redirect("intake:board")


@require_POST
@login_required
def visit_left(request, pk: int):
    _visit_action(request, pk, desk.visit_left)
    return redirect("intake:board")


@allow_read_only_roles
@role_required(*VIEW)
def search(request):
    """One search box: phone, IMEI, ticket number or name; a new customer inline. The search box
    posts its query, so a phone number typed into it stays out of URLs, browser history and access
    logs (rules#tenancy); a GET with ``q`` still works for links that carry no personal data."""
    form = SearchForm(request.POST if request.method == "POST" else request.GET)
    query = form.query()
    visit = None
    if (visit_id := form.visit_id()) is not None:
        visit = scoped(Visit, request.user).filter(pk=visit_id).first()
    if not query and visit and visit.contact_phone:
        # The visit's number is looked up here, never carried in the URL (rules#tenancy).
        query = display_phone(visit.contact_phone)
    found = selectors.records_found(user=request.user, query=query) if query else []
    if len(found) == 1 and visit is None:
        # A ticket number or an IMEI with one repair record: straight to it.
        return redirect(found[0].url)
    results = list(selectors.customer_search(user=request.user, query=query)) if query else []
    initial = {"phone": query} if query and query.replace(" ", "").lstrip("+").isdigit() else {}
    if visit and visit.contact_name:
        initial["name"] = visit.contact_name
    return render(
        request,
        "intake/desk/search.html",
        {
            "query": query,
            "results": results,
            "found": found,
            "visit": visit,
            "form": CustomerForm(initial=initial),
        },
    )


@require_POST
@role_required(*DESK)
def customer_create(request):
    form = CustomerForm(request.POST)
    search = SearchForm(request.POST)
    visit_id = search.visit_id()
    if form.is_valid():
        try:
            customer, created = desk.customer_get_or_create(
                point=_point(request), actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if created:
                messages.success(request, _("Customer created."))
            else:
                text = _(
                    "This number belongs to %(name)s, already a customer here: that record is used."
                )
                messages.info(request, text % {"name": customer.name})
            url = reverse("repairs:ticket_open", args=[customer.pk])
            return redirect(f"{url}?visit={visit_id}" if visit_id is not None else url)
    return render(
        request,
        "intake/desk/search.html",
        {
            "query": search.query(),
            "results": [],
            "visit": None,
            "form": form,
        },
        status=200,
    )


@login_required
def customer_detail(request, pk: int):
    """A customer's history on one page: devices, tickets, visits and calls, message slips."""
    customer = get_scoped_or_404(Customer.objects.select_related("point"), request.user, pk=pk)
    check_role(request.user, VIEW)
    point_zone_activate(customer.point)
    history = selectors.customer_history(user=request.user, customer=customer)
    return render(
        request,
        "intake/desk/customer_detail.html",
        {
            "customer": customer,
            "can_handle_requests": privacy.may_handle_requests(request.user, customer),
            **history,
        },
    )


@require_POST
@login_required
def customer_data_export(request, pk: int):
    """A data-protection request: everything held on the customer, as a JSON download
    (supervisors and service managers; audited). POST only: a link must not trigger it."""
    customer = get_scoped_or_404(Customer, request.user, pk=pk)
    if not privacy.may_handle_requests(request.user, customer):
        raise PermissionDenied
    document = privacy.customer_data_export(customer=customer, actor=request.user)
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})
    name = f"customer-{customer.pk}-{timezone.localdate():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def customer_erase(request, pk: int):
    """A data-protection request to erase: a second step with the reason, then anonymised in
    place (supervisors and service managers; audited)."""
    customer = get_scoped_or_404(Customer, request.user, pk=pk)
    if not privacy.may_handle_requests(request.user, customer):
        raise PermissionDenied
    form = CustomerEraseForm(request.POST or None)
    if customer.erased_at is None and request.method == "POST" and form.is_valid():
        try:
            privacy.customer_erase(
                customer=customer, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The customer's personal data has been erased."))
            return redirect("intake:customer_detail", pk=customer.pk)
    history = selectors.customer_history(user=request.user, customer=customer)
    return render(
        request,
        "intake/desk/customer_erase.html",
        {"customer": customer, "form": form, **history},
    )


@login_required
def customer_merge(request, pk: int):
    """A supervisor merges another record of the same customer into this one: pick it, confirm,
    and every repair record, visit, device, call, slip, complaint and callback moves here
    (audited). The record picked is removed."""
    customer = get_scoped_or_404(Customer.objects.select_related("point"), request.user, pk=pk)
    if not privacy.may_handle_requests(request.user, customer):
        raise PermissionDenied
    point_zone_activate(customer.point)
    candidates = selectors.customer_merge_candidates(user=request.user, customer=customer)
    form = CustomerMergeForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            counts = merge.customer_merge(
                kept=customer, duplicate=form.cleaned_data["duplicate"], actor=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Records merged: %(count)s related records moved to this customer.")
                % {"count": sum(counts.values())},
            )
            return redirect("intake:customer_detail", pk=customer.pk)
    return render(request, "intake/desk/customer_merge.html", {"customer": customer, "form": form})


@login_required
@allow_read_only_roles  # the regional center may look a number up; only the audit row is written
def customer_phone(request, pk: int):
    """Shows the full number on purpose; every such view is in the audit log. POST only
    (CSRF-checked): a link on another site must not reveal in a colleague's name."""
    customer = get_scoped_or_404(Customer, request.user, pk=pk)
    check_role(request.user, VIEW)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    audit_customer_phone_revealed(actor=request.user, customer=customer)
    return render(request, "intake/desk/_phone.html", {"phone": customer.display_phone})


@login_required
def slip_phone(request, pk: int):
    """A message slip's number in full, for the callback; every such view is audited. POST
    only, like the customer's number."""
    from intake.models import MessageSlip

    slip = get_scoped_or_404(MessageSlip, request.user, pk=pk)
    check_role(request.user, (*DESK, Role.TECHNICIAN, Role.CALLBACK_CLERK))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    audit_slip_phone_revealed(actor=request.user, slip=slip)
    return render(request, "intake/desk/_phone.html", {"phone": slip.display_phone})


@login_required
def visit_slip(request, pk: int):
    """rules#intake/ 4: what the desk or the hotline cannot answer goes to the right person as
    a message slip. Two steps: the details, then the read-back (复述确认) before saving."""
    visit = get_scoped_or_404(
        Visit.objects.select_related("point", "customer"), request.user, pk=pk
    )
    check_role(request.user, DESK)
    addressees = colleague_list(points=visit.point)
    # The call's own number first, else the customer's; as a person reads it (138 1234 5678),
    # not as it is stored (+86…).
    initial = {"caller_name": visit.contact_name, "phone": display_phone(visit.contact_phone)}
    if visit.customer is not None:
        initial |= {
            "caller_name": visit.contact_name or visit.customer.name,
            "phone": initial["phone"] or visit.customer.display_phone,
            "company": visit.customer.company,
        }
    form = SlipForm(request.POST or None, addressees=addressees, initial=initial)
    back = (
        reverse("intake:call_detail", args=[visit.pk])
        if visit.channel == Channel.HOTLINE
        else reverse("intake:board")
    )
    context = {"visit": visit, "form": form, "back": back}
    step = SlipStepForm(request.POST).pressed() if request.method == "POST" else ""
    if request.method == "POST" and step != "edit" and form.is_valid():
        data = form.cleaned_data
        try:
            if step != "save":
                # Step 1 → 2: every rule but the read-back, then show what to read back.
                slip_check(point=visit.point, **(data | {"read_back_confirmed": True}))
                return render(request, "intake/desk/slip_readback.html", context)
            slip_take(
                point=visit.point,
                actor=request.user,
                visit=visit,
                customer=visit.customer,
                **data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            if step == "save" and set(exc.message_dict) == {"read_back_confirmed"}:
                return render(request, "intake/desk/slip_readback.html", context)
        else:
            messages.success(request, _("Message slip taken and forwarded."))
            return redirect(back)
    if step == "edit":
        form.errors.clear()
    return render(request, "intake/desk/slip_form.html", context)


@login_required
def slip_queue(request):
    """Message slips waiting for a callback: mine, and for supervisors the whole point's,
    overdue first (rules#hotline)."""
    from django.utils import timezone

    from servicedesk.models import SUPERVISING_ROLES
    from servicedesk.permissions import has_role

    supervisor = has_role(request.user, SUPERVISING_ROLES)
    mine_only = not supervisor or request.GET.get("mine") == "1"
    slips = selectors.slip_queue(user=request.user, mine_only=mine_only)
    page = Paginator(slips, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "intake/desk/slip_queue.html",
        {"page": page, "now": timezone.now(), "supervisor": supervisor, "mine_only": mine_only},
    )


@require_POST
@login_required
def slip_callback(request, pk: int):
    """The addressee logs the callback; the slip closes (rules#hotline)."""
    from intake.models import MessageSlip
    from intake.services.slips import slip_log_callback

    slip = get_scoped_or_404(MessageSlip, request.user, pk=pk)
    form = SlipCallbackForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        slip_log_callback(slip=slip, actor=request.user, note=form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Callback logged; the slip is closed."))
    return redirect("intake:slip_queue")
