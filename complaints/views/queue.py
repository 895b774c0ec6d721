"""The supervisors' complaint queue and its bulk reassignment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import selectors, services
from complaints.filters import ComplaintFilter
from complaints.forms import (
    BulkTransferForm,
    TransferForm,
)
from complaints.models import Complaint
from complaints.services import ComplaintError
from complaints.views.common import (
    QUEUE_ROLES,
    show_errors,
)
from servicedesk.models import Role, ServicePoint
from servicedesk.permissions import has_role, request_actor, role_required
from servicedesk.selectors import colleague_list
from servicedesk.tenancy import get_scoped_or_404, scope_for, scoped

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from servicedesk.types import AnyUser


@role_required(*QUEUE_ROLES)
def complaint_queue(request: HttpRequest) -> HttpResponse:
    base = selectors.complaint_queue(user=request.user)
    flt = ComplaintFilter(request.GET or None, queryset=base, user=request.user)
    queryset = flt.qs if flt.is_bound and flt.is_valid() else base
    sort = request.GET.get("sort", "overdue")
    if sort in ("oldest", "newest"):
        queryset = queryset.order_by("created_at" if sort == "oldest" else "-created_at")
    counts = selectors.queue_counts(queryset)
    page = Paginator(selectors.with_pending_offers(queryset), 50).get_page(request.GET.get("page"))
    pending = selectors.offers_awaiting_decision(user=request.user)[:50]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/queue.html",
        {
            "filter": flt,
            "page": page,
            "counts": counts,
            "sort": sort,
            "pending": pending,
            "query_string": query.urlencode(),
            # Only those who may reassign in bulk get the checkboxes and the form.
            "transfer_form": (
                TransferForm(users=_queue_users(request.user))
                if has_role(request.user, BULK_REASSIGNERS)
                else None
            ),
            "several_points": scope_for(request.user).several_points,
        },
    )


def _queue_users(user: AnyUser) -> QuerySet[User]:
    return colleague_list(points=scoped(ServicePoint, user), roles=services.OWNER_ROLES).order_by(
        "first_name", "username"
    )


BULK_REASSIGNERS = (Role.SUPERVISOR, Role.SERVICE_MANAGER)


@require_POST
@role_required(*BULK_REASSIGNERS)
def complaint_bulk_reassign(request: HttpRequest) -> HttpResponse:
    """Bulk reassignment: each selected complaint is fetched through the scope and transferred
    by the one reassignment service (each logged and audited, all or none)."""
    form = BulkTransferForm(request.POST, users=_queue_users(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose complaints and a new owner."))
        return redirect("complaints:queue")
    chosen = [get_scoped_or_404(Complaint, request.user, pk=pk) for pk in form.cleaned_data["ids"]]
    try:
        done = services.complaints_reassign(
            complaints=chosen,
            actor=request_actor(request),
            new_owner=form.cleaned_data["owner"],
            note=form.cleaned_data["note"],
        )
    except (ValidationError, ComplaintError) as exc:
        show_errors(request, exc)
    else:
        messages.success(request, _("%(n)d complaints reassigned.") % {"n": done})
    return redirect("complaints:queue")
