"""The desk user's daily cash-up (日结, rules#payment) and its confirmation by a supervisor."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from counter import selectors
from counter import services as money
from counter.forms import CashUpConfirmForm, CashUpForm
from counter.models import CashUp
from servicedesk import inputs
from servicedesk.forms import apply_errors
from servicedesk.models import SUPERVISING_ROLES, Role
from servicedesk.permissions import check_role, role_required
from servicedesk.tenancy import get_scoped_or_404

MONEY = (Role.FRONT_DESK, *SUPERVISING_ROLES)


def _own_point(request):
    """The desk's point: a cash-up belongs to one point's counter, so staff without a point of
    their own (an administrator) have none to count (403, not a 500)."""
    if request.staff.point is None:
        raise PermissionDenied
    return request.staff.point


def _day(request) -> dt.date:
    return inputs.date_param(request.GET.get("day")) or timezone.localdate()


@role_required(*MONEY)
def cash_up(request):
    """The day's money of a desk user: open entries by method, refunds, deposits held, expected
    cash; the count and its note; a supervisor sees every desk user of the point and confirms."""
    point = _own_point(request)
    day = _day(request)
    supervising = request.staff.role in SUPERVISING_ROLES
    sheets = selectors.cash_up_sheets(
        user=request.user, point=point, day=day, all_users=supervising
    )
    form = CashUpForm(initial={"day": day})
    point_day = selectors.point_day_figures(sheets) if supervising else None
    return render(
        request,
        "counter/cash_up.html",
        {
            "day": day,
            "sheets": sheets,
            "form": form,
            "supervising": supervising,
            "point_day": point_day,
        },
    )


@require_POST
@role_required(*MONEY)
def cash_up_submit(request):
    """The desk user's own count of the day (a recount until the supervisor confirms)."""
    point = _own_point(request)
    form = CashUpForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            money.cash_up_submit(
                user=request.user,
                point=point,
                day=data["day"],
                counted_cash=data["counted_cash"],
                note=data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Cash-up handed to the supervisor."))
            return redirect(f"{reverse('repairs:cash_up')}?day={data['day']:%Y-%m-%d}")
    day = form.cleaned_data.get("day") or timezone.localdate()
    messages.error(request, _("Please correct the marked fields."))
    sheets = selectors.cash_up_sheets(user=request.user, point=point, day=day, all_users=False)
    return render(
        request,
        "counter/cash_up.html",
        {"day": day, "sheets": sheets, "form": form, "supervising": False},
    )


@require_POST
@login_required
def cash_up_confirm(request, pk: int):
    """rules#payment: a supervisor confirms a counted day (another point's is not found)."""
    cash_up = get_scoped_or_404(CashUp.objects.all(), request.user, pk=pk)
    check_role(request.user, SUPERVISING_ROLES)
    form = CashUpConfirmForm(request.POST)
    if not form.is_valid() or form.cleaned_data["version"] != cash_up.version:
        messages.error(request, _("The count changed meanwhile: check it again."))
    else:
        money.cash_up_confirm(cash_up=cash_up, actor=request.user)
        messages.success(request, _("Cash-up confirmed."))
    return redirect(f"{reverse('repairs:cash_up')}?day={cash_up.day:%Y-%m-%d}")
