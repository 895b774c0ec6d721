"""Counter money pages (rules#payment): a refund from the ticket page, and the daily cash-up
(日结) of the desk user, confirmed by a supervisor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from counter import services as money
from repairs.forms import RefundForm
from repairs.models import RepairTicket
from repairs.views.ticket import _detail_context
from servicedesk.forms import apply_errors
from servicedesk.models import SUPERVISING_ROLES, Role
from servicedesk.moneyfmt import yuan
from servicedesk.permissions import check_role
from servicedesk.tenancy import get_scoped_or_404

MONEY = (Role.FRONT_DESK, *SUPERVISING_ROLES)


@require_POST
@login_required
def ticket_refund(request, pk: int):
    """rules#payment: money back to the customer, with a reason; above the desk's authority only a
    supervisor refunds. A refused refund comes back on the ticket page as typed."""
    ticket = get_scoped_or_404(RepairTicket.objects.select_related("point"), request.user, pk=pk)
    check_role(request.user, MONEY)
    form = RefundForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            money.money_refund(
                ticket=ticket,
                actor=request.user,
                method_id=data["method"].pk,
                amount=data["amount"],
                reason=data["reason"],
                reference=data["reference"],
                version=data["version"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Refund of %(amount)s recorded.") % {"amount": yuan(data["amount"])}
            )
            return redirect("repairs:ticket_detail", pk=ticket.pk)
    messages.error(request, _("Please correct the marked fields."))
    ticket = get_scoped_or_404(RepairTicket.objects.all(), request.user, pk=pk)
    context = _detail_context(request, ticket) | {"refund_form": form}
    return render(request, "repairs/ticket_detail.html", context)
