"""The loaner pages: the point's loaners (who holds which, overdue ones flagged), a loaner's
history, the lend form (customer found by phone or from the ticket page) and the return form.
Thin: each parses its form, calls one service or selector, and renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intake.models import Customer
from intake.selectors import customer_search
from loaners import selectors, services
from loaners.forms import CustomerPickForm, LendForm, LoanerForm, RetireForm, ReturnForm
from loaners.models import Loan, Loaner
from repairs.models import RepairTicket
from servicedesk import inputs
from servicedesk.errors import ActionRefused
from servicedesk.forms import add_service_errors, apply_errors
from servicedesk.middleware import point_zone_activate
from servicedesk.models import Role
from servicedesk.permissions import check_role, has_role, role_required
from servicedesk.tenancy import get_scoped_or_404, scope_for, scoped

WRITERS = (Role.FRONT_DESK, Role.SUPERVISOR, Role.SERVICE_MANAGER)
VIEWERS = (*WRITERS, Role.TECHNICIAN, Role.REGIONAL_CENTER)


def _can_write(request) -> bool:
    return has_role(request.user, WRITERS) and not (
        request.staff is not None and request.staff.is_read_only
    )


@role_required(*VIEWERS)
def loaner_list(request, form: LoanerForm | None = None):
    """Who holds which loaner since when; overdue loans flagged (expected day passed, or the
    repaired phone already went home)."""
    loaners = list(selectors.loaner_list(user=request.user))
    scope = scope_for(request.user)
    today = timezone.localdate()
    for loaner in loaners:
        loan = loaner.open_loans[0] if loaner.open_loans else None  # type: ignore[attr-defined]
        loaner.open_loan = loan  # type: ignore[attr-defined]
        loaner.overdue = loan is not None and loan.is_overdue(today)  # type: ignore[attr-defined]
    return render(
        request,
        "loaners/loaner_list.html",
        {
            "loaners": loaners,
            "form": form or LoanerForm(initial={"deposit_amount": "0.00"}),
            "can_write": _can_write(request),
            "show_form": form is not None,
            # The regional center sees its region's points: say which point each loaner is at.
            "several_points": scope.all_points
            or len(scope.point_ids) > 1
            or request.staff is None
            or request.staff.point_id is None,
        },
    )


@role_required(*WRITERS)
def loaner_create(request):
    if request.method != "POST":
        return redirect("loaners:list")
    form = LoanerForm(request.POST)
    point = request.staff.point if request.staff is not None else None
    if point is None:
        form.add_error(None, _("Only the staff of a service point register its loaners."))
    elif form.is_valid():
        try:
            loaner = services.loaner_create(point=point, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Loaner %(loaner)s registered.") % {"loaner": loaner})
            return redirect("loaners:detail", pk=loaner.pk)
    return loaner_list(request, form=form)


@login_required
def loaner_detail(request, pk: int, retire_form: RetireForm | None = None):
    """A loaner and its history: every lend and every return."""
    loaner = get_scoped_or_404(Loaner.objects.select_related("point"), request.user, pk=pk)
    check_role(request.user, VIEWERS)
    point_zone_activate(loaner.point)
    loans = list(selectors.loan_history(user=request.user, loaner=loaner))
    today = timezone.localdate()
    open_loan = next((loan for loan in loans if loan.is_open), None)
    return render(
        request,
        "loaners/loaner_detail.html",
        {
            "loaner": loaner,
            "loans": loans,
            "open_loan": open_loan,
            "overdue": open_loan is not None and open_loan.is_overdue(today),
            "can_write": _can_write(request),
            "retire_form": retire_form or RetireForm(),
            "show_retire": retire_form is not None,
        },
    )


@require_POST
@login_required
def loaner_retire(request, pk: int):
    """An available loaner leaves service, with the reason (broken, lost, sold)."""
    loaner = get_scoped_or_404(Loaner, request.user, pk=pk)
    check_role(request.user, WRITERS)
    form = RetireForm(request.POST)
    if form.is_valid():
        try:
            services.loaner_retire(
                loaner=loaner, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, ActionRefused) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Loaner %(loaner)s retired.") % {"loaner": loaner})
            return redirect("loaners:detail", pk=loaner.pk)
    return loaner_detail(request, pk=loaner.pk, retire_form=form)


@role_required(*WRITERS)
def loan_lend(request):
    """Lend a loaner: the customer (from the ticket page's link, or found by phone), the loaner,
    the expected day back, an optional deposit, and the customer's signature."""
    loaners = selectors.available_loaners(user=request.user)
    source = request.POST if request.method == "POST" else request.GET
    ticket = _ticket(request, source.get("ticket"))
    customer = ticket.customer if ticket is not None else _customer(request, source.get("customer"))
    search = CustomerPickForm(request.GET or None)
    found = []
    if customer is None and search.is_valid() and search.cleaned_data["q"]:
        found = list(customer_search(user=request.user, query=search.cleaned_data["q"]))
    if request.method == "POST":
        form = LendForm(request.POST, loaners=loaners)
        if form.is_valid():
            data = form.cleaned_data
            if source.get("ticket") and ticket is None:
                # Never silently dropped: a lend for a repair record names that record.
                form.add_error(None, _("This repair record was not found."))
            elif customer is None:
                form.add_error("customer", _("Find and pick the customer first."))
            else:
                try:
                    loan = services.loan_lend(
                        loaner=data["loaner"],
                        customer=customer,
                        ticket=ticket,
                        actor=request.user,
                        expected_back=data["expected_back"],
                        deposit_taken=data["deposit_taken"],
                        signature_data_url=data["signature_data_url"],
                    )
                except (ValidationError, ActionRefused) as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(
                        request,
                        _("Loaner %(loaner)s lent to %(customer)s.")
                        % {"loaner": loan.loaner, "customer": customer.name},
                    )
                    if ticket is not None:
                        return redirect("repairs:ticket_detail", pk=ticket.pk)
                    return redirect("loaners:detail", pk=loan.loaner_id)
        else:
            # Refused by the form: the lend's own refusals of what it knows come with it (an
            # empty pad, a day back too far), all at once.
            data = form.cleaned_data
            point = (
                customer.point if customer is not None else getattr(request.staff, "point", None)
            )
            if point is not None:
                add_service_errors(
                    form,
                    services.loan_errors(
                        point=point,
                        customer=customer,
                        ticket=ticket,
                        expected_back=data.get("expected_back"),
                        signature_data_url=data.get("signature_data_url", ""),
                    ),
                )
    else:
        picked = loaners.filter(pk=inputs.integer(request.GET.get("loaner")) or 0).first()
        initial = {
            "customer": customer.pk if customer else None,
            "ticket": ticket.pk if ticket else None,
            "loaner": picked.pk if picked else None,
            "expected_back": services.loan_expected_back(ticket=ticket),
            "deposit_taken": picked.deposit_amount if picked else None,
        }
        form = LendForm(initial=initial, loaners=loaners)
    return render(
        request,
        "loaners/lend.html",
        {
            "form": form,
            "search": search,
            "found": found,
            "customer": customer,
            "ticket": ticket,
            "signature": request.POST.get("signature", "") if request.method == "POST" else "",
        },
    )


def _ticket(request, raw) -> RepairTicket | None:
    pk = inputs.integer(raw)
    if pk is None:
        return None
    try:
        return get_scoped_or_404(
            RepairTicket.objects.select_related("customer", "point"), request.user, pk=pk
        )
    except Http404:
        return None


def _customer(request, raw) -> Customer | None:
    pk = inputs.integer(raw)
    if pk is None:
        return None
    return scoped(Customer, request.user).filter(pk=pk).first()


@login_required
def loan_return(request, pk: int):
    """Take a loaner back: its condition and a note; one click from the ticket page's warning."""
    loan = get_scoped_or_404(
        Loan.objects.select_related("loaner", "customer", "ticket", "point"), request.user, pk=pk
    )
    check_role(request.user, VIEWERS)
    point_zone_activate(loan.point)
    if not loan.is_open:
        messages.info(request, _("This loaner was already taken back."))
        return redirect("loaners:detail", pk=loan.loaner_id)
    check_role(request.user, WRITERS)
    # From the ticket page's warning: back to that ticket afterwards.
    back_to = inputs.integer(request.POST.get("next") or request.GET.get("next"))
    if request.method == "POST":
        form = ReturnForm(request.POST)
        if form.is_valid():
            try:
                services.loan_return(
                    loan=loan,
                    actor=request.user,
                    condition_on_return=form.cleaned_data["condition_on_return"],
                    note=form.cleaned_data["note"],
                )
            except (ValidationError, ActionRefused) as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, _("Loaner %(loaner)s taken back.") % {"loaner": loan.loaner}
                )
                if back_to is not None:
                    return redirect("repairs:ticket_detail", pk=back_to)
                return redirect("loaners:detail", pk=loan.loaner_id)
    else:
        form = ReturnForm(initial={"condition_on_return": loan.loaner.condition})
    return render(
        request,
        "loaners/return.html",
        {"form": form, "loan": loan, "next": back_to or ""},
    )
