"""The desk's side of repairs: opening a repair record (the guided intake screen and its live
preview), a device's repair history, and the warranty policy with the price list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intake.forms.desk import VisitRefForm
from intake.models import Customer, Device, Visit
from intake.services.desk import DESK_ROLES, DeviceFacts
from parts.models import Part
from repairs import selectors, services
from repairs.forms import TicketOpenForm
from repairs.models import RepairType
from servicedesk.forms import apply_errors
from servicedesk.middleware import point_zone_activate
from servicedesk.models import Role
from servicedesk.permissions import allow_read_only_roles, check_role, role_required
from servicedesk.tenancy import get_scoped_or_404, scoped

VIEW = (*DESK_ROLES, Role.TECHNICIAN, Role.CALLBACK_CLERK, Role.REGIONAL_CENTER)


@login_required
def device_detail(request, pk: int):
    device = get_scoped_or_404(
        Device.objects.select_related("customer", "point"), request.user, pk=pk
    )
    check_role(request.user, VIEW)
    point_zone_activate(device.point)
    tickets = selectors.device_history(user=request.user, device=device)
    # The repairs at other points are not looked up here: a GET never crosses the point scope
    # nor writes an audit row; the page offers the reveal (a POST) instead.
    return render(
        request,
        "repairs/intake/device_detail.html",
        {
            "device": device,
            "tickets": tickets,
            "reveal_url": reverse("repairs:device_history", args=[device.pk]),
        },
    )


@login_required
@require_POST
@allow_read_only_roles  # the regional center may look for its region; only the audit row is written
def device_history(request, pk: int):
    """rules#R-intake-10: the device's repairs at other points, shown on purpose. POST only
    (CSRF-checked), so that a link or a prefetch never looks across points in a colleague's
    name; each reveal that shows another point's record writes one audit row."""
    device = get_scoped_or_404(Device.objects.select_related("point"), request.user, pk=pk)
    check_role(request.user, VIEW)
    history = selectors.device_facts_across_points(
        user=request.user,
        imei=device.imei,
        serial=device.serial_number,
        point=device.point,
        purpose="device_page",
        audit_obj=device,
    )
    back = reverse("repairs:device_detail", args=[device.pk])
    return nationwide_history_response(
        request, history=history, device=device, back_url=back, back_label=device.model_name
    )


def nationwide_history_response(request, *, history, device, back_url: str, back_label: str):
    """The revealed panel: swapped into the page by htmx, or a page of its own without script."""
    context = {
        "history": history,
        "device": device,
        "reveal_url": request.path,
        "back_url": back_url,
        "back_label": back_label,
    }
    if request.htmx:
        return render(request, "repairs/_nationwide_history.html", context)
    return render(request, "repairs/nationwide_history.html", context)


@login_required
def ticket_open(request, customer_pk: int):
    """The guided intake screen (rules#intake) with the standard phrases beside it."""
    customer = get_scoped_or_404(
        Customer.objects.select_related("point"), request.user, pk=customer_pk
    )
    check_role(request.user, services.INTAKE_ROLES)
    visit = None
    # Posted by the form; in the URL when the page is opened from the visit.
    visit_id = VisitRefForm(request.POST).visit_id() or VisitRefForm(request.GET).visit_id()
    if visit_id is not None:
        visit = get_scoped_or_404(Visit, request.user, pk=visit_id)
    form = TicketOpenForm(request.POST or None, initial={"contact_phone": customer.display_phone})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_open(
                point=customer.point,
                actor=request.user,
                data=services.TicketOpenInput(
                    customer=customer,
                    device=DeviceFacts(
                        model_name=data["model_name"],
                        imei=data["imei"],
                        serial_number=data["serial_number"],
                        purchase_date=data["purchase_date"],
                        purchase_place=data["purchase_place"],
                    ),
                    fault_description=data["fault_description"],
                    proof_of_purchase=data["proof_of_purchase"],
                    contact_phone=data["contact_phone"],
                    backup_warning_given=data["backup_warning_given"],
                    accessories=data["accessories"],
                    condition=data["condition"],
                    water_damage=data["water_damage"],
                    drop_damage=data["drop_damage"],
                    unauthorized_disassembly=data["unauthorized_disassembly"],
                    customer_waits=data["customer_waits"],
                    estimated_ready_at=data["estimated_ready_at"],
                    visit=visit,
                ),
                token=data["token"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You are not allowed to do this."))
        else:
            messages.success(
                request, _("Repair record %(number)s opened.") % {"number": ticket.number}
            )
            return redirect("repairs:ticket_detail", pk=ticket.pk)
    devices = scoped(Device, request.user).filter(customer=customer).order_by("-created_at")[:10]
    return render(
        request,
        "repairs/intake/ticket_open.html",
        {"customer": customer, "form": form, "visit": visit, "devices": devices},
    )


@login_required
@require_POST
def ticket_preview(request, customer_pk: int):
    """Beside the intake form, updated as it is filled: the warranty decision and a device back
    within the repeat-repair window at any point, with links to this point's earlier tickets,
    before saving. It looks across points, so it is a POST (CSRF-checked, sent by the form's
    own script with the form's fields): every preview that shows another point's record writes
    one audit row, and no GET ever does."""
    customer = get_scoped_or_404(
        Customer.objects.select_related("point"), request.user, pk=customer_pk
    )
    check_role(request.user, services.INTAKE_ROLES)
    form = TicketOpenForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    preview = services.intake_preview(
        point=customer.point,
        user=request.user,
        audit_obj=customer,
        imei=data.get("imei", ""),
        serial=data.get("serial_number", ""),
        purchase_date=data.get("purchase_date"),
        proof=data.get("proof_of_purchase", ""),
        water_damage=data.get("water_damage", False),
        drop_damage=data.get("drop_damage", False),
        unauthorized_disassembly=data.get("unauthorized_disassembly", False),
    )
    return render(request, "repairs/intake/_intake_preview.html", {"preview": preview})


@role_required(*VIEW)
def policy(request):
    """rules#intake: the warranty policy and the point's public price list, one click away."""
    policy = services.default_policy()
    repair_types = scoped(RepairType, request.user).filter(is_active=True).select_related("point")
    parts = scoped(Part, request.user).filter(is_active=True).order_by("model_name", "code")
    page = Paginator(parts, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "repairs/intake/policy.html",
        {"policy": policy, "repair_types": repair_types, "page": page},
    )
