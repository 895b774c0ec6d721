"""Callback pages (rules#callbacks): the clerks' queue, the callback screen and its outcome,
moves and message slips, and the monthly callback reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from followups import selectors, services
from followups.forms import MoveForm, OutcomeForm, SlipForm
from followups.models import Callback, CallbackKind, CallbackReport, CallbackStatus
from followups.reports import missing_reports
from servicedesk.audit import audit_callback_report_downloaded
from servicedesk.csvfiles import csv_text
from servicedesk.events import Opened
from servicedesk.forms import DownloadForm, apply_errors
from servicedesk.middleware import point_zone_activate
from servicedesk.models import Role
from servicedesk.permissions import (
    allow_read_only_roles,
    check_role,
    request_actor,
    role_required,
)
from servicedesk.selectors import colleague_list, point_list
from servicedesk.tenancy import get_profile, get_scoped_or_404, scoped

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet

CLERKS = services.CLERK_ROLES
VIEWERS = (*CLERKS, Role.REGIONAL_CENTER)


@role_required(*VIEWERS)
def queue(request: HttpRequest) -> HttpResponse:
    """The clerks' queue: due callbacks, offered only inside the point's calling hours."""
    tab = request.GET.get("tab", "due")
    kind = request.GET.get("kind", "")
    if kind not in CallbackKind.values:
        kind = ""
    profile = get_profile(request.user)
    point = profile.point if profile else None
    calling, next_window = (True, None)
    if point is not None:
        calling, next_window = selectors.calling_now(point=point)
    if tab == "overdue":
        rows = selectors.callback_overdue(user=request.user)
    elif tab == "upcoming":
        rows = selectors.callback_upcoming(user=request.user)
    else:
        tab = "due"
        rows = selectors.callback_queue(user=request.user, kind=kind)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    counts = {
        "due": selectors.callback_queue(user=request.user).count(),
        "overdue": selectors.callback_overdue(user=request.user).count(),
    }
    return render(
        request,
        "followups/queue.html",
        {
            "page": page,
            "tab": tab,
            "kind": kind,
            "kinds": CallbackKind.choices,
            "calling": calling,
            "next_window": next_window,
            "counts": counts,
            "query_string": f"tab={tab}&kind={kind}",
        },
    )


@login_required
def callback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The callback screen: customer and ticket at a glance, questionnaire, timer, outcome."""
    callback = get_scoped_or_404(
        Callback.objects.select_related("customer", "ticket", "ticket__device", "point"),
        request.user,
        pk=pk,
    )
    check_role(request.user, VIEWERS)
    questions = selectors.active_questions()
    form = OutcomeForm(
        request.POST or None,
        questions=questions,
        point=callback.point,
        initial={"version": callback.version},
    )
    if request.method == "POST":
        check_role(request.user, CLERKS)
        if form.is_valid():
            try:
                recorded = services.callback_record_outcome(
                    callback=callback,
                    actor=request_actor(request),
                    data=form.to_input(),
                    version=form.cleaned_data["version"],
                )
            except services.ConflictError as exc:
                messages.error(request, str(exc))
                return redirect("followups:callback", pk=callback.pk)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _recorded_message(recorded.opened))
                return redirect("followups:queue")
    attempts = callback.attempt_log.select_related("by__staff_profile").all()
    slip_form = SlipForm(addressees=_addressees(callback))
    move_form = MoveForm(initial={"version": callback.version})
    return render(
        request,
        "followups/callback.html",
        {
            "callback": callback,
            "form": form,
            "attempts": attempts,
            "slip_form": slip_form,
            "move_form": move_form,
            "is_open": callback.status in (CallbackStatus.DUE, CallbackStatus.SCHEDULED),
        },
    )


def _recorded_message(opened: list[Opened]) -> str:
    """The confirmation names what the call opened (UX 5: "投诉 #17 已登记，已通知质量部",
    with a link)."""
    if not opened:
        return _("Callback recorded. Thank you.")
    parts = []
    for record in opened:
        link = format_html('<a class="alert-link" href="{}">{}</a>', record.url, record.label)
        if record.notified:
            text = _("Callback recorded. {record} registered, {department} notified.")
        else:
            text = _("Callback recorded. {record} registered.")
        parts.append(format_html(text, record=link, department=record.notified))
    return format_html_join(" ", "{}", ((part,) for part in parts))


def _addressees(callback: Callback) -> QuerySet[User]:
    return colleague_list(points=callback.point).exclude(staff_profile__role=Role.CALLBACK_CLERK)


@require_POST
@login_required
def callback_move(request: HttpRequest, pk: int) -> HttpResponse:
    callback = get_scoped_or_404(Callback.objects.select_related("point"), request.user, pk=pk)
    check_role(request.user, CLERKS)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            services.callback_move(
                callback=callback,
                actor=request_actor(request),
                version=form.cleaned_data["version"],
                data=form.input(),
            )
        except (services.ConflictError, ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Callback moved."))
            return redirect("followups:queue")
    else:
        messages.error(request, _("Give a time within calling hours and a reason."))
    return redirect("followups:callback", pk=callback.pk)


@require_POST
@login_required
def callback_slip(request: HttpRequest, pk: int) -> HttpResponse:
    """rules#callbacks: a question the clerk cannot answer becomes a message slip, not an
    improvisation."""
    callback = get_scoped_or_404(
        Callback.objects.select_related("point", "customer"), request.user, pk=pk
    )
    check_role(request.user, CLERKS)
    form = SlipForm(request.POST, addressees=_addressees(callback))
    if form.is_valid():
        try:
            services.callback_take_slip(
                callback=callback, actor=request_actor(request), data=form.input()
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Message slip taken and forwarded."))
    else:
        messages.error(request, _("The message slip is incomplete: question, addressee and time."))
    return redirect("followups:callback", pk=callback.pk)


REPORT_VIEWERS = (Role.SUPERVISOR, Role.SERVICE_MANAGER, Role.REGIONAL_CENTER)


@role_required(*REPORT_VIEWERS)
def report_list(request: HttpRequest) -> HttpResponse:
    reports = (
        scoped(CallbackReport, request.user)
        .select_related("point")
        .order_by("-month", "point__code")
    )
    page = Paginator(reports, 30).get_page(request.GET.get("page"))
    points = list(point_list(user=request.user))
    missing = missing_reports(points=points, today=timezone.localdate())
    return render(request, "followups/report_list.html", {"page": page, "missing": missing})


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_scoped_or_404(CallbackReport.objects.select_related("point"), request.user, pk=pk)
    check_role(request.user, REPORT_VIEWERS)
    point_zone_activate(report.point)
    totals = report.data.get("totals", {})
    due = totals.get("due") or 0

    def share(key: str) -> float | None:
        return round(100 * (totals.get(key) or 0) / due, 1) if due else None

    shares = {key: share(key) for key in ("made_on_time", "reached", "under_target", "satisfied")}
    return render(
        request,
        "followups/report_detail.html",
        {"report": report, "totals": totals, "shares": shares},
    )


@require_POST
@allow_read_only_roles  # the regional center downloads its region's reports; only audit is written
@login_required
def report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The month's figures as CSV. POST only (CSRF-checked): every download is audited."""
    report = get_scoped_or_404(CallbackReport.objects.select_related("point"), request.user, pk=pk)
    check_role(request.user, REPORT_VIEWERS)
    point_zone_activate(report.point)
    if not DownloadForm(request.POST).is_valid():
        return redirect("followups:report_detail", pk=report.pk)
    data = report.data
    rows = [[_("figure"), _("value")]]
    for key, value in data.get("totals", {}).items():
        rows.append([key, value])
    for question in data.get("questions", []):
        rows.append([question["question"], question.get("average", question.get("yes", ""))])
    for reason in data.get("dissatisfaction_reasons", []):
        rows.append([reason.get("ticket_number") or "", reason["dissatisfaction_reason"]])
    audit_callback_report_downloaded(actor=request_actor(request), report=report)
    response = HttpResponse(csv_text(rows[0], rows[1:]), content_type="text/csv; charset=utf-8")
    filename = f"callback-report-{report.point.code}-{report.month:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
