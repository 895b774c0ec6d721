from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from repairs import selectors, services, transitions
from repairs.forms import OverrideForm
from repairs.models import Part, RepairTicket, RepairType, WarrantyStatus
from servicedesk import inputs
from servicedesk.errors import ConflictError
from servicedesk.models import SUPERVISING_ROLES, Role
from servicedesk.permissions import check_role, has_role, role_required
from servicedesk.tenancy import get_scoped_or_404, user_role

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
        # What the ticket page shows, in one query. Not joined: the warranty policy (not shown)
        # and ``warranty_overridden_by`` (rarely set, read only when set): every join costs
        # planning time on every request.
        RepairTicket.objects.select_related(
            "customer",
            "device",
            "point",
            "created_by__staff_profile",
            "repeat_of",
            "repair_type",
            "quote",
            "payment",
            "satisfaction",
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
        _detail_context(request, ticket) | {"override_form": form if can_override else None},
    )


def _detail_context(request, ticket, errors=None, posted=None) -> dict:
    role = user_role(request.user)
    read_only = request.staff is not None and request.staff.is_read_only
    part_lines = list(ticket.part_lines.all())
    return {
        "ticket": ticket,
        "earlier": selectors.ticket_earlier_repairs(user=request.user, ticket=ticket),
        "out_of_warranty": ticket.warranty_status == WarrantyStatus.OUT_OF_WARRANTY,
        "actions": [] if read_only else transitions.available(ticket.status, role),
        "timeline": selectors.ticket_timeline(ticket=ticket),
        "part_lines": part_lines,
        "parts_total": services.parts_total(ticket, lines=part_lines),
        "amount_due": services.amount_due(ticket, lines=part_lines),
        "quote": getattr(ticket, "quote", None),
        "notifications": ticket.notifications.all(),
        "repair_types": RepairType.objects.filter(point=ticket.point, is_active=True),
        "parts": Part.objects.filter(point=ticket.point, is_active=True).order_by(
            "model_name", "code"
        ),
        "errors": errors or {},
        "posted": posted or {},
        "part_rows": range(3),
    }


def _payload(data) -> services.Payload:
    def text(name):
        return inputs.text(data.get(name), 2000)

    def number(name):
        return inputs.integer(data.get(name))

    parts = []
    for index in range(3):
        part_id = number(f"part_{index}")
        if part_id:
            parts.append(services.PartLineInput(part_id, number(f"quantity_{index}") or 1))
    return services.Payload(
        fault_confirmed=text("fault_confirmed"),
        repair_type_id=number("repair_type"),
        labor_fee=services.parse_money(data.get("labor_fee", "")),
        labor_change_reason=text("labor_change_reason"),
        parts=parts,
        repair_method=text("repair_method"),
        consent_kind=text("consent_kind"),
        signature_data_url=str(data.get("signature", ""))[: 400 * 1024],
        damage_acknowledged=data.get("damage_acknowledged") == "on",
        reason=text("reason"),
        tested_with_customer=data.get("tested_with_customer") == "on",
        explanation_given=data.get("explanation_given") == "on",
        amount_received=services.parse_money(data.get("amount_received", "")),
        invoice_number=text("invoice_number"),
        satisfaction_rating=number("satisfaction_rating"),
        satisfaction_comment=text("satisfaction_comment"),
        satisfaction_declined=data.get("satisfaction_declined") == "on",
    )


@login_required
def ticket_action(request, pk: int):
    """One transition of the ticket (see ``repairs.transitions``), from the ticket page."""
    ticket = get_scoped_or_404(RepairTicket.objects.select_related("point"), request.user, pk=pk)
    check_role(request.user, VIEW)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    action = request.POST.get("action", "")
    version = inputs.integer(request.POST.get("version"))
    try:
        services.ticket_transition(
            ticket=ticket,
            actor=request.user,
            action=action,
            version=-1 if version is None else version,
            payload=_payload(request.POST),
        )
    except ValidationError as exc:
        ticket.refresh_from_db()
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        messages.error(request, _("Please correct the marked fields."))
        context = _detail_context(request, ticket, errors=errors, posted=request.POST)
        context["failed_action"] = action
        context["general_errors"] = errors.get("__all__", [])
        return render(request, "repairs/ticket_detail.html", context, status=200)
    except (services.TransitionError, PermissionDenied) as exc:
        messages.error(request, str(exc) or _("You are not allowed to do this."))
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": transitions.label(action)})
    return redirect("repairs:ticket_detail", pk=ticket.pk)


@role_required(Role.TECHNICIAN, *SUPERVISING_ROLES)
def technician_queue(request):
    tickets = selectors.technician_queue(user=request.user)
    page = Paginator(tickets, 50).get_page(request.GET.get("page"))
    return render(request, "repairs/technician_queue.html", {"page": page})


@role_required(Role.FRONT_DESK, *SUPERVISING_ROLES)
def pickup(request):
    """Scan or type the pickup slip's ticket number to find the ticket for handover."""
    number = inputs.text(request.GET.get("number"), 32).upper()
    if number:
        ticket = selectors.ticket_list(user=request.user).filter(number=number).first()
        if ticket is not None:
            return redirect("repairs:ticket_detail", pk=ticket.pk)
        messages.error(
            request, _("No repair record %(number)s at your point.") % {"number": number}
        )
    return render(request, "repairs/pickup.html", {"number": number})


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
            services.ticket_warranty_override(
                ticket=ticket, actor=request.user, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied, ConflictError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Warranty decision overridden and recorded."))
    else:
        messages.error(request, _("Choose a decision and give the reason."))
    return redirect("repairs:ticket_detail", pk=ticket.pk)


PRINT_KINDS = {"customer-copy", "pickup-slip"}


@login_required
def ticket_print(request, pk: int, kind: str):
    """Print-ready customer copy (顾客联) and pickup slip (取机单), A5 or 80 mm receipt per the
    point's setting, with the ticket number as a QR code to scan at pickup."""
    import segno
    from django.http import Http404
    from django.utils.safestring import mark_safe

    ticket = get_scoped_or_404(
        RepairTicket.objects.select_related(
            "point", "customer", "device", "created_by__staff_profile"
        ),
        request.user,
        pk=pk,
    )
    check_role(request.user, VIEW)
    if kind not in PRINT_KINDS:
        raise Http404
    qr = mark_safe(segno.make(ticket.number, error="m").svg_inline(scale=3))  # noqa: S308 - generated SVG
    part_lines = list(ticket.part_lines.all())
    return render(
        request,
        "repairs/print.html",
        {
            "ticket": ticket,
            "kind": kind,
            "qr": qr,
            "receipt": ticket.point.print_format == "receipt80",
            "part_lines": part_lines,
            "amount_due": services.amount_due(ticket, lines=part_lines),
        },
    )


STATUS_LOOKUPS_PER_WINDOW = 10
STATUS_WINDOW_SECONDS = 600


def status_lookup(request):
    """Public self-service status (fewer "is it ready?" calls): ticket number + last four digits
    of the phone; shows only the state, the estimated time and the point's address and hours.
    Rate-limited per address; a wrong pair and an unknown ticket get the same answer."""
    from django.core.cache import cache

    ticket, tried, limited = None, False, False
    if request.method == "POST":
        key = f"status-lookup:{request.META.get('REMOTE_ADDR', '')}"
        cache.add(key, 0, STATUS_WINDOW_SECONDS)
        if cache.incr(key) > STATUS_LOOKUPS_PER_WINDOW:
            limited = True
        else:
            tried = True
            ticket = selectors.ticket_public_status(
                number=inputs.text(request.POST.get("number"), 32),
                last_four=inputs.text(request.POST.get("last_four"), 8),
            )
    response = render(
        request, "repairs/status.html", {"ticket": ticket, "tried": tried, "limited": limited}
    )
    if limited:
        response.status_code = 429
    return response
