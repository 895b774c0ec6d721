from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from repairs import selectors, services, transitions
from repairs.actions import TransitionError, amount_due, commands, warranty_covers
from repairs.actions.forms import TicketActionForm
from repairs.actions.page import ticket_page
from repairs.forms import ALL, OverrideForm, StatusLookupForm, TicketListForm
from repairs.models import OPEN_STATUSES, RepairTicket, SanbaoDecision, TicketStatus
from repairs.views.intake import nationwide_history_response
from servicedesk import inputs
from servicedesk.errors import ConflictError
from servicedesk.middleware import point_zone_activate
from servicedesk.models import SUPERVISING_ROLES, Role, StaffProfile
from servicedesk.permissions import allow_read_only_roles, check_role, has_role, role_required
from servicedesk.tenancy import get_scoped_or_404, scope_for


class StaffRequest(HttpRequest):
    """A request past ``login_required`` and the staff middleware (``request.staff``: the
    user's profile, None for an account without one)."""

    user: User
    staff: StaffProfile | None


VIEW = (
    Role.FRONT_DESK,
    Role.TECHNICIAN,
    Role.HOTLINE,
    Role.CALLBACK_CLERK,
    *SUPERVISING_ROLES,
    Role.REGIONAL_CENTER,
)


@role_required(*VIEW)
def ticket_list(request: StaffRequest) -> HttpResponse:
    """The point's repair records (a regional user: its region's, read-only), filtered, searched
    and sorted, with the open states as tabs; paged by key so every page costs the same."""
    scope = scope_for(request.user)
    form = TicketListForm(
        request.GET or None, point_ids=None if scope.all_points else sorted(scope.point_ids)
    )
    if form.is_bound:
        form.is_valid()
    filters = form.filters()
    tickets = selectors.ticket_worklist(user=request.user, filters=filters)
    after = selectors.Cursor.decode(request.GET.get("after"))
    rows, next_cursor = selectors.ticket_page(tickets, sort=filters.sort, after=after)
    notes = selectors.failed_retest_notes(tickets=rows)
    for row in rows:
        row.retest_note = notes.get(row.pk)  # type: ignore[attr-defined]
    counts = selectors.ticket_state_counts(user=request.user)
    query = request.GET.copy()
    for name in ("after", "status"):
        query.pop(name, None)
    base = query.urlencode()
    open_states = [s for s in TicketStatus if s in OPEN_STATUSES]
    tabs = [
        (selectors.OPEN, pgettext("tickets", "Open"), sum(counts.values())),
        *((state.value, state.label, counts.get(state.value, 0)) for state in open_states),
        (TicketStatus.HANDED_OVER.value, TicketStatus.HANDED_OVER.label, None),
        (ALL, _("All"), None),
    ]
    next_query = request.GET.copy()
    if next_cursor is not None:
        next_query["after"] = next_cursor.encode()
    return render(
        request,
        "repairs/ticket_list.html",
        {
            "form": form,
            "selects": [form["technician"], form["warranty"], form["sort"]],
            "checks": [form[name] for name in ("waiting", "overdue", "repeat", "mine")],
            "filters": filters,
            "rows": rows,
            "tabs": tabs,
            "base_query": base,
            "next_query": next_query.urlencode() if next_cursor is not None else "",
            "first_query": (base + f"&status={filters.status}") if after is not None else "",
            "overdue_ids": _overdue_ids(request.user, rows),
        },
    )


def _overdue_ids(user: Any, rows: list[RepairTicket]) -> set[int]:
    """Which shown tickets are overdue for pickup, by each point's own setting (no query: the
    points come with the rows)."""
    from django.utils import timezone

    now = timezone.now()
    return {
        t.pk
        for t in rows
        if t.status == TicketStatus.READY
        and t.ready_at is not None
        and (now - t.ready_at).days >= t.point.pickup_overdue_days
    }


@login_required
def ticket_detail(request: StaffRequest, pk: int) -> HttpResponse:
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
            "sanbao",
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


@login_required
@require_POST
@allow_read_only_roles  # the regional center may look for its region; only the audit row is written
def ticket_history(request: StaffRequest, pk: int) -> HttpResponse:
    """rules#R-intake-10: the repairs of the ticket's device at other points before this
    ticket, shown on purpose. POST only (CSRF-checked): a link or a prefetch never looks across
    points in a colleague's name; each reveal that shows another point's record writes one
    audit row."""
    ticket = get_scoped_or_404(
        RepairTicket.objects.select_related("device", "point"), request.user, pk=pk
    )
    check_role(request.user, VIEW)
    history = selectors.device_facts_across_points(
        user=request.user,
        imei=ticket.device.imei,
        serial=ticket.device.serial_number,
        point=ticket.point,
        purpose="ticket_page",
        before=ticket.created_at,
        exclude_ticket_id=ticket.pk,
        audit_obj=ticket,
    )
    return nationwide_history_response(
        request,
        history=history,
        device=ticket.device,
        back_url=reverse("repairs:ticket_detail", args=[ticket.pk]),
        back_label=ticket.number,
    )


def _detail_context(
    request: StaffRequest, ticket: RepairTicket, refused: TicketActionForm | None = None
) -> dict[str, Any]:
    """What the ticket page shows (``ticket_page``); after a refused action, that action's form
    again, bound to what was posted, each error beside its field."""
    point_zone_activate(ticket.point)
    page = ticket_page(user=request.user, ticket=ticket)
    return page.as_context() | {
        "errors": refused.errors if refused is not None else {},
        "action_forms": commands.action_entries(page.actions, refused),
    }


def _show_refusal(form: TicketActionForm, exc: ValidationError) -> None:
    """The service's refusal beside the fields it names."""
    errors: dict[str, list[str]] = (
        exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    )
    form.add_service_errors(errors)


@require_POST
@login_required
def ticket_action(request: StaffRequest, pk: int) -> HttpResponse:
    """One action of the ticket (see ``repairs.actions.commands``), from the ticket page."""
    ticket = get_scoped_or_404(RepairTicket.objects.select_related("point"), request.user, pk=pk)
    check_role(request.user, VIEW)
    form = commands.bound_form(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            commands.ticket_run(ticket=ticket, actor=request.user, form=form)
        except ValidationError as exc:
            _show_refusal(form, exc)
        except (TransitionError, PermissionDenied) as exc:
            messages.error(request, str(exc) or _("You are not allowed to do this."))
            return redirect("repairs:ticket_detail", pk=ticket.pk)
        else:
            label = transitions.label(action)
            messages.success(request, _("Done: %(action)s.") % {"action": label})
            return redirect("repairs:ticket_detail", pk=ticket.pk)
    elif "action" in form.errors or "version" in form.errors:
        # Only a hand-made request lacks them: the page always sends both.
        messages.error(
            request, _("Someone else changed this repair record meanwhile. Reload the page.")
        )
        return redirect("repairs:ticket_detail", pk=ticket.pk)
    else:
        # Refused by the form: the service's refusals of the same data come with it.
        commands.ticket_check(ticket=ticket, actor=request.user, form=form)
    ticket.refresh_from_db()
    messages.error(request, _("Please correct the marked fields."))
    context = _detail_context(request, ticket, refused=form)
    return render(request, "repairs/ticket_detail.html", context, status=200)


@role_required(Role.TECHNICIAN, *SUPERVISING_ROLES)
def technician_queue(request: StaffRequest) -> HttpResponse:
    tickets = selectors.technician_queue(user=request.user)
    page = Paginator(tickets, 50).get_page(request.GET.get("page"))
    return render(request, "repairs/technician_queue.html", {"page": page})


@role_required(Role.FRONT_DESK, *SUPERVISING_ROLES)
def pickup(request: StaffRequest) -> HttpResponse:
    """Scan or type the pickup slip's ticket number (any case, with or without the dash, or the
    bare sequence digits) to find the ticket for handover; below, what is ready to collect."""
    number = inputs.text(request.GET.get("number"), 32)
    matches: list[RepairTicket] = []
    if number:
        matches = selectors.ticket_find_by_number(user=request.user, raw=number)
        if len(matches) == 1:
            return redirect("repairs:ticket_detail", pk=matches[0].pk)
        if not matches:
            messages.error(
                request, _("No repair record %(number)s at your point.") % {"number": number}
            )
    rows = list(selectors.ready_for_pickup(user=request.user)[: selectors.PAGE_SIZE + 1])
    more = rows[selectors.PAGE_SIZE :]
    rows = rows[: selectors.PAGE_SIZE]
    return render(
        request,
        "repairs/pickup.html",
        {
            "number": number,
            "matches": matches,
            "ready": rows,
            "more_ready": bool(more),
            "overdue_ids": _overdue_ids(request.user, rows),
        },
    )


@require_POST
@login_required
def ticket_override(request: StaffRequest, pk: int) -> HttpResponse:
    """rules#warranty: a supervisor overrides the computed warranty decision, with a reason."""
    ticket = get_scoped_or_404(RepairTicket.objects.select_related("point"), request.user, pk=pk)
    check_role(request.user, SUPERVISING_ROLES)
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


PRINT_KINDS = {"customer-copy", "pickup-slip", "receipt", "sanbao-certificate"}


@login_required
def ticket_print(request: StaffRequest, pk: int, kind: str) -> HttpResponse:
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
    point_zone_activate(ticket.point)
    if kind not in PRINT_KINDS:
        raise Http404
    decision = None
    if kind == "sanbao-certificate":
        # 退换货证明 (rules#sanbao): only once the return or exchange is recorded.
        decision = (
            SanbaoDecision.objects.select_related("decided_by__staff_profile")
            .filter(ticket=ticket)
            .first()
        )
        if decision is None:
            raise Http404
    qr = mark_safe(segno.make(ticket.number, error="m").svg_inline(scale=3))  # noqa: S308 - generated SVG
    part_lines = list(ticket.part_lines.select_related("part"))
    # The customer's copy is in the point's language, whatever the desk's screen uses (UX 4).
    with translation.override(ticket.point.language or None):
        return render(
            request,
            "repairs/print.html",
            {
                "ticket": ticket,
                "kind": kind,
                "qr": qr,
                # The point's paper, unless the desk picks the other (?size=a5 or ?size=80).
                "receipt": {"80": True, "a5": False}.get(
                    request.GET.get("size", ""), ticket.point.print_format == "receipt80"
                ),
                "status_url": request.build_absolute_uri(reverse("repairs:status_lookup")),
                "part_lines": part_lines,
                "amount_due": amount_due(ticket, lines=part_lines),
                "warranty_covers": warranty_covers(ticket, lines=part_lines),
                "money_entries": ticket.money_entries.select_related("method")
                if kind == "receipt"
                else [],
                "payment": getattr(ticket, "payment", None) if kind == "receipt" else None,
                "decision": decision,
            },
        )


# Per client address (servicedesk/clientip.py, behind TRUSTED_PROXY_COUNT proxies) and per ticket
# number, so one guesser spread over many addresses is stopped on that ticket too.
STATUS_RATE_PER_ADDRESS = "10/10m"
STATUS_RATE_PER_NUMBER = "20/h"


def _status_number_key(group: str, request: HttpRequest) -> str:
    return inputs.text(request.POST.get("number"), 32).strip().upper()


@ratelimit(
    key="servicedesk.clientip.ratelimit_key",
    rate=STATUS_RATE_PER_ADDRESS,
    method="POST",
    block=False,
)
@ratelimit(key=_status_number_key, rate=STATUS_RATE_PER_NUMBER, method="POST", block=False)
def status_lookup(request: StaffRequest) -> HttpResponse:
    """Public self-service status (fewer "is it ready?" calls): ticket number + last four digits
    of the phone; shows only the state, the estimated time and the point's address and hours.
    Rate-limited per address and per number; a wrong pair and an unknown ticket get the same
    answer."""
    ticket, tried = None, False
    limited = getattr(request, "limited", False)
    if request.method == "POST" and not limited:
        tried = True
        form = StatusLookupForm(request.POST)
        if form.is_valid():
            ticket = selectors.ticket_public_status(**form.cleaned_data)
    response = render(
        request, "repairs/status.html", {"ticket": ticket, "tried": tried, "limited": limited}
    )
    if limited:
        response.status_code = 429
    return response
