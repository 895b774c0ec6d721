from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from intake.forms.desk import OverrideForm
from intake.services import desk
from repairs import selectors
from repairs.models import RepairTicket, WarrantyStatus
from servicedesk.models import SUPERVISING_ROLES, Role
from servicedesk.permissions import check_role, has_role
from servicedesk.tenancy import get_scoped_or_404

VIEW = (
    Role.FRONT_DESK,
    Role.TECHNICIAN,
    Role.HOTLINE,
    Role.CALLBACK_CLERK,
    *SUPERVISING_ROLES,
    Role.REGIONAL_CENTER,
)


@login_required
def ticket_detail(request, pk: int):
    """The repair record: intake facts, the warranty decision with its reason, repeat repairs."""
    ticket = get_scoped_or_404(
        RepairTicket.objects.select_related(
            "customer",
            "device",
            "point",
            "created_by__staff_profile",
            "repeat_of",
            "warranty_overridden_by__staff_profile",
            "warranty_policy",
        ),
        request.user,
        pk=pk,
    )
    check_role(request.user, VIEW)
    can_override = (
        has_role(request.user, SUPERVISING_ROLES)
        and request.staff is not None
        and (request.staff.role != Role.REGIONAL_CENTER)
    )
    form = OverrideForm(initial={"version": ticket.version, "status": ticket.warranty_status})
    return render(
        request,
        "repairs/ticket_detail.html",
        {
            "ticket": ticket,
            "earlier": selectors.ticket_earlier_repairs(user=request.user, ticket=ticket),
            "override_form": form if can_override else None,
            "out_of_warranty": ticket.warranty_status == WarrantyStatus.OUT_OF_WARRANTY,
        },
    )


@login_required
def ticket_override(request, pk: int):
    """DOMAIN 3: a supervisor overrides the computed warranty decision, with a reason."""
    ticket = get_scoped_or_404(RepairTicket.objects.select_related("point"), request.user, pk=pk)
    check_role(request.user, SUPERVISING_ROLES)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            desk.ticket_warranty_override(ticket=ticket, actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied, desk.ConflictError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Warranty decision overridden and recorded."))
    else:
        messages.error(request, _("Choose a decision and give the reason."))
    return redirect("repairs:ticket_detail", pk=ticket.pk)
