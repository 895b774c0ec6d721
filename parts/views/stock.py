"""The spare-parts pages (rules#parts): the point's stock with the reorder levels, receiving a
delivery, counting and adjusting with a reason, and the reorder list with its CSV. Thin: each
parses its form, calls one service or selector, and renders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from parts import selectors
from parts.forms import StockAdjustForm, StockReceiveForm
from parts.models import Part
from parts.services import stock
from servicedesk.csvfiles import csv_text
from servicedesk.errors import ActionRefused
from servicedesk.forms import apply_errors
from servicedesk.models import Role
from servicedesk.permissions import role_required
from servicedesk.tenancy import scope_for, scoped

RECEIVERS = (Role.FRONT_DESK, Role.TECHNICIAN, Role.SUPERVISOR, Role.SERVICE_MANAGER)
ADJUSTERS = (Role.TECHNICIAN, Role.SUPERVISOR, Role.SERVICE_MANAGER)
VIEWERS = (*RECEIVERS, Role.REGIONAL_CENTER)


def _several_points(request) -> bool:
    scope = scope_for(request.user)
    return bool(
        scope.all_points
        or len(scope.point_ids) > 1
        or request.staff is None
        or request.staff.point_id is None
    )


@role_required(*VIEWERS)
def stock_list(request):
    """The point's parts: on hand, reserved, free, defective, the reorder level (below it
    flagged) and what waiting tickets still miss; the latest movements below."""
    page = Paginator(selectors.part_stock_list(user=request.user), 100).get_page(
        request.GET.get("page")
    )
    movements = list(selectors.stock_movements(user=request.user)[:20])
    return render(
        request,
        "parts/stock/stock_list.html",
        {
            "page": page,
            "movements": movements,
            "several_points": _several_points(request),
            "can_receive": _can(request, RECEIVERS),
            "can_adjust": _can(request, ADJUSTERS),
        },
    )


def _can(request, roles) -> bool:
    from servicedesk.permissions import has_role

    return (
        has_role(request.user, roles)
        and request.staff is not None
        and request.staff.point_id is not None
        and not request.staff.is_read_only
    )


def _part(request, form, code: str) -> Part | None:
    """The part of the user's own point with this number (any case), or the form says why."""
    point_id = request.staff.point_id if request.staff is not None else None
    if point_id is None:
        form.add_error(None, _("Only the staff of a service point keep its stock."))
        return None
    part = (
        scoped(Part, request.user)
        .filter(point_id=point_id, code__iexact=code.strip())
        .select_related("point")
        .first()
    )
    if part is None:
        form.add_error("part", _("No part with this number on this point's list."))
    return part


@role_required(*RECEIVERS)
def stock_receive(request):
    """Receive a delivery: the stock grows, and tickets waiting for the part move on."""
    if request.method == "POST":
        form = StockReceiveForm(request.POST)
        if form.is_valid():
            part = _part(request, form, form.cleaned_data["part"])
            if part is not None:
                try:
                    moved = stock.stock_receive(
                        point=part.point,
                        actor=request.user,
                        part=part,
                        quantity=form.cleaned_data["quantity"],
                        reference=form.cleaned_data["reference"],
                        token=form.cleaned_data.get("token"),
                    )
                except (ValidationError, ActionRefused) as exc:
                    apply_errors(form, exc)
                else:
                    text = _("%(quantity)s × %(part)s received.") % {
                        "quantity": form.cleaned_data["quantity"],
                        "part": part.name,
                    }
                    if moved:
                        text += " " + _("Moved on to repairing: %(tickets)s.") % {
                            "tickets": ", ".join(t.number for t in moved)
                        }
                    messages.success(request, text)
                    return redirect("repairs:stock_list")
    else:
        form = StockReceiveForm(initial={"part": (request.GET.get("part") or "")[:32]})
    return render(request, "parts/stock/stock_form.html", {"form": form, "kind": "receive"})


@role_required(*ADJUSTERS)
def stock_adjust(request):
    """Count or adjust a part's stock, with the reason (audited)."""
    if request.method == "POST":
        form = StockAdjustForm(request.POST)
        if form.is_valid():
            part = _part(request, form, form.cleaned_data["part"])
            if part is not None:
                try:
                    stock.stock_adjust(
                        point=part.point,
                        actor=request.user,
                        part=part,
                        kind=form.cleaned_data["kind"],
                        quantity=form.cleaned_data["quantity"],
                        reason=form.cleaned_data["reason"],
                        token=form.cleaned_data.get("token"),
                    )
                except (ValidationError, ActionRefused) as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("Stock of %(part)s updated.") % {"part": part.name})
                    return redirect("repairs:stock_list")
    else:
        form = StockAdjustForm(initial={"part": (request.GET.get("part") or "")[:32]})
    return render(request, "parts/stock/stock_form.html", {"form": form, "kind": "adjust"})


@role_required(*VIEWERS)
def reorder_list(request):
    """What to order: below the reorder level, and what waiting tickets miss."""
    page = Paginator(selectors.reorder_list(user=request.user), 100).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "parts/stock/reorder_list.html",
        {"page": page, "several_points": _several_points(request)},
    )


@role_required(*VIEWERS)
def reorder_csv(request):
    """The order list to send (Excel-safe CSV: BOM, text cells neutralised, numbers numeric)."""
    header = [
        _("Service point"),
        _("Part number"),
        _("Part"),
        _("Free"),
        _("Reorder level"),
        _("Missing for waiting repairs"),
        _("To order"),
    ]
    rows = selectors.reorder_list(
        user=request.user
    ).values_list(  # type: ignore[misc]
        "point__code", "code", "name", "free", "level", "waiting_short", "to_order"
    )[:5000]
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    filename = f"parts-order-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
