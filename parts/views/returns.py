"""Defective parts back to the brand (旧件返还, rules#parts): the defective stock waiting for a
batch (parts with their repair record, faulty devices of returns and exchanges), making a return
batch, the batches with a status filter, a batch's page with its moves (packed, shipped with the
carrier and tracking number, received by the regional center) and its packing list. Thin: each
parses its form, calls one service or selector, and renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parts import selectors
from parts.forms import ReturnBatchCreateForm, ReturnBatchMoveForm, ReturnBatchShipForm
from parts.models import ReturnBatch, ReturnBatchStatus
from parts.services import returns
from parts.views.stock import VIEWERS, _several_points
from servicedesk.errors import ActionRefused
from servicedesk.forms import apply_errors
from servicedesk.middleware import point_zone_activate
from servicedesk.models import Role
from servicedesk.permissions import allow_read_only_roles, check_role, role_required
from servicedesk.tenancy import get_scoped_or_404

STOCK_KEEPERS = (Role.TECHNICIAN, Role.SUPERVISOR, Role.SERVICE_MANAGER)


def _own_point_id(request) -> int | None:
    return request.staff.point_id if request.staff is not None else None


def _defective_page(request, form: ReturnBatchCreateForm | None = None, status: int = 200):
    pieces = Paginator(selectors.defective_pieces_pending(user=request.user), 100).get_page(
        request.GET.get("page")
    )
    devices = list(selectors.defective_devices_pending(user=request.user)[:200])
    point_id = _own_point_id(request)
    can_make = returns.can_make_batches(request.user, point_id)
    return render(
        request,
        "parts/returns/defective_stock.html",
        {
            "page": pieces,
            "devices": devices,
            "several_points": _several_points(request),
            "form": (form or ReturnBatchCreateForm()) if can_make else None,
        },
        status=status,
    )


@role_required(*VIEWERS)
def defective_stock(request):
    """The defective stock waiting to go back to the brand: parts (each with its repair record)
    and faulty devices; the point's stock keepers make a return batch of them here."""
    return _defective_page(request)


@require_POST
@role_required(*STOCK_KEEPERS)
def return_batch_create(request):
    """Make a return batch of every piece waiting; refused with a message when none waits."""
    form = ReturnBatchCreateForm(request.POST)
    point_id = _own_point_id(request)
    if form.is_valid():
        if point_id is None:
            form.add_error(None, _("Only the staff of a service point keep its stock."))
        else:
            try:
                batch = returns.return_batch_create(
                    point=request.staff.point,
                    actor=request.user,
                    token=form.cleaned_data.get("token"),
                )
            except (ValidationError, ActionRefused) as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Return batch %(number)s made: print its packing list and pack it.")
                    % {"number": batch.number},
                )
                return redirect("repairs:return_batch_detail", pk=batch.pk)
    return _defective_page(request, form)


@role_required(*VIEWERS)
def return_batch_list(request):
    """The return batches, newest first, filtered by status."""
    status = request.GET.get("status", "")
    if status not in ReturnBatchStatus.values:
        status = ""
    page = Paginator(selectors.return_batch_list(user=request.user, status=status), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "parts/returns/batch_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ReturnBatchStatus.choices,
            "several_points": _several_points(request),
        },
    )


def _batch(request, pk: int, roles=VIEWERS) -> ReturnBatch:
    """The batch, if the user's points hold it (404 otherwise, for every role), and then only
    for ``roles`` (403)."""
    batch = get_scoped_or_404(
        ReturnBatch.objects.select_related(
            "point",
            "created_by__staff_profile",
            "packed_by__staff_profile",
            "shipped_by__staff_profile",
            "received_by__staff_profile",
        ),
        request.user,
        pk=pk,
    )
    check_role(request.user, roles)
    point_zone_activate(batch.point)  # its times read in its point's zone, whoever looks
    return batch


def _detail(request, batch: ReturnBatch, ship_form: ReturnBatchShipForm | None = None, **extra):
    return render(
        request,
        "parts/returns/batch_detail.html",
        {
            "batch": batch,
            "lines": selectors.return_batch_lines(batch=batch),
            "devices": list(selectors.return_batch_devices(batch=batch)),
            "moves": returns.available_moves(request.user, batch),
            "ship_form": ship_form or ReturnBatchShipForm(),
            **extra,
        },
    )


@login_required
def return_batch_detail(request, pk: int):
    """A return batch: what it holds, who made, packed, shipped and received it, its moves."""
    return _detail(request, _batch(request, pk))


@login_required
def return_batch_print(request, pk: int):
    """The packing list (装箱单): point, batch number, date, each repair record's parts with
    their part number and count, the devices, and the signatures; in the point's language."""
    batch = _batch(request, pk)
    lines = selectors.return_batch_lines(batch=batch)
    with translation.override(batch.point.language or None):
        return render(
            request,
            "parts/returns/packing_list.html",
            {
                "batch": batch,
                "lines": lines,
                "devices": list(selectors.return_batch_devices(batch=batch)),
                "total": sum(line["count"] for line in lines),
            },
        )


def _move(request, pk: int, action: str, form):
    roles = (Role.REGIONAL_CENTER,) if action == "receive" else STOCK_KEEPERS
    batch = _batch(request, pk, roles)
    if form.is_valid():
        try:
            returns.return_batch_transition(
                batch=batch,
                actor=request.user,
                action=action,
                carrier=form.cleaned_data.get("carrier", ""),
                tracking_number=form.cleaned_data.get("tracking_number", ""),
            )
        except (ValidationError, ActionRefused) as exc:
            apply_errors(form, exc)
        else:
            texts = {
                "pack": _("Return batch %(number)s packed."),
                "ship": _("Return batch %(number)s shipped."),
                "receive": _("Return batch %(number)s received."),
            }
            messages.success(request, texts[action] % {"number": batch.number})
            return redirect("repairs:return_batch_detail", pk=batch.pk)
    if action == "ship":
        return _detail(request, batch, ship_form=form)
    return _detail(request, batch, move_errors=form.non_field_errors())


@require_POST
@login_required
def return_batch_pack(request, pk: int):
    return _move(request, pk, "pack", ReturnBatchMoveForm(request.POST))


@require_POST
@login_required
def return_batch_ship(request, pk: int):
    return _move(request, pk, "ship", ReturnBatchShipForm(request.POST))


@allow_read_only_roles  # the regional center's one change: it received the batch (audited)
@require_POST
@login_required
def return_batch_receive(request, pk: int):
    return _move(request, pk, "receive", ReturnBatchMoveForm(request.POST))
