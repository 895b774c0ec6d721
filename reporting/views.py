"""The top layer's pages: each role's home, the dashboard, staff statistics and exports. They
read every domain app and write none of them."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intake.selectors import praises_for, slip_queue
from reporting import claim, exports
from reporting.charts import line_chart
from reporting.dashboard import quality_trends, today_figures
from reporting.forms import ClaimMonthForm, ExportRequestForm, PeriodForm
from reporting.models import ExportJob, ExportKind
from reporting.selectors import export_list as export_job_list
from reporting.staff_stats import Figures, staff_figures
from reporting.worklists import next_calling_window, worklist
from servicedesk import selectors
from servicedesk.forms import DownloadForm
from servicedesk.models import SUPERVISING_ROLES, Role, ServicePoint, StaffProfile
from servicedesk.permissions import allow_read_only_roles, check_role, role_required
from servicedesk.tenancy import get_scoped_or_404, user_role

SUPERVISORS_AND_REGION = (*SUPERVISING_ROLES, Role.REGIONAL_CENTER)
User = get_user_model()


@login_required
def home(request):
    """Each role's work list: what waits for the person, counts linking to the filtered lists."""
    role = user_role(request.user)
    # The user's points, read once: the page lists them and the cards read their settings.
    points = (
        list(selectors.point_list(user=request.user)[:200])
        if role is not None and role != Role.ADMIN
        else None
    )
    context = {
        "profile": request.staff,
        "role": role,
        "cards": worklist(user=request.user, role=role, points=points),
    }
    if role == Role.CALLBACK_CLERK:
        context["next_window"] = next_calling_window(user=request.user)
    if role in (*SUPERVISING_ROLES, Role.ADMIN):
        context["expiring"] = selectors.staff_with_expiring_certificates(user=request.user)[:20]
    if points is not None:
        context["points"] = points[:50]
        counts = slip_queue(user=request.user, mine_only=True).aggregate(
            mine=Count("pk"), overdue=Count("pk", filter=Q(callback_due_at__lt=timezone.now()))
        )
        context["my_slips"], context["my_overdue_slips"] = counts["mine"], counts["overdue"]
    return render(request, "reporting/home.html", context)


@login_required
def staff_detail(request, pk: int):
    member = get_object_or_404(selectors.staff_list(user=request.user), pk=pk)
    check_role(request.user, SUPERVISORS_AND_REGION)
    praises = praises_for(user=request.user, staff_user=member.user)
    return render(
        request,
        "reporting/staff_detail.html",
        {"member": member, "praises": praises[:50], "praise_count": praises.count()},
    )


EXPORT_VIEWERS = (*SUPERVISING_ROLES, Role.REGIONAL_CENTER)


@allow_read_only_roles
@role_required(*EXPORT_VIEWERS)
def export_list(request):
    """Monthly files and on-demand exports of the user's points; request a new range
    (rules#export)."""
    points = selectors.point_list(user=request.user)
    form = ExportRequestForm(request.POST or None, points=points)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = exports.export_request(
                actor=request.user,
                point=data["point"],
                date_from=data["date_from"],
                date_to=data["date_to"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request, _("Export started. The download link appears when it is done.")
            )
            return redirect(f"{reverse('reporting:export_list')}#export-{job.pk}")
    jobs = export_job_list(user=request.user)
    kind = request.GET.get("kind", "")
    if kind in ExportKind.values:
        jobs = jobs.filter(kind=kind)
    page = Paginator(jobs, 30).get_page(request.GET.get("page"))
    return render(request, "reporting/export_list.html", {"form": form, "page": page, "kind": kind})


@login_required
def export_status(request, pk: int):
    """The progress of one export (polled by the list page while it runs)."""
    job = get_scoped_or_404(ExportJob.objects.select_related("point"), request.user, pk=pk)
    check_role(request.user, EXPORT_VIEWERS)
    return render(request, "reporting/_export_row.html", {"job": job})


@require_POST
@allow_read_only_roles  # the regional center downloads its region's files; only audit is written
@login_required
def export_download(request, pk: int):
    """The finished file. POST only (CSRF-checked): every download writes an audit row."""
    job = get_scoped_or_404(ExportJob.objects.select_related("point"), request.user, pk=pk)
    check_role(request.user, EXPORT_VIEWERS)
    if not DownloadForm(request.POST).is_valid():
        return redirect("reporting:export_list")
    try:
        handle = exports.export_open_for_download(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reporting:export_list")
    except FileNotFoundError:
        messages.error(request, _("The file is missing; run the export again."))
        return redirect("reporting:export_list")
    filename = job.file_name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=filename, content_type="text/csv")


@require_POST
@login_required
def export_rerun(request, pk: int):
    job = get_scoped_or_404(ExportJob.objects.select_related("point"), request.user, pk=pk)
    check_role(request.user, SUPERVISING_ROLES)
    exports.export_monthly_again(actor=request.user, job=job)
    messages.success(request, _("The export runs again; the file is replaced when it is complete."))
    return redirect("reporting:export_list")


@role_required(*EXPORT_VIEWERS)
def dashboard(request):
    """rules#dashboard for supervisors, managers and the regional center: today, queues, 12-week
    trends."""
    points = selectors.point_list(user=request.user)
    shown = list(points[:41])
    trends, labels = quality_trends(user=request.user)
    charts = [
        {
            "trend": trend,
            "svg": line_chart(
                trend.series,
                labels,
                unit=trend.unit,
                max_value=trend.max_value,
                target=trend.target,
            ),
        }
        for trend in trends
    ]
    return render(
        request,
        "reporting/dashboard.html",
        {
            "today": today_figures(user=request.user),
            "charts": charts,
            "points": shown[:40],
            # Count only when the list is cut: a supervisor's one point needs no second query.
            "point_count": len(shown) if len(shown) <= 40 else points.count(),
        },
    )


@role_required(*EXPORT_VIEWERS)
def staff_stats(request):
    """Per person and per point: tickets, turnaround, repeat repairs, praise, callbacks, calls."""
    today = timezone.localdate()
    default = {"date_from": today - dt.timedelta(days=29), "date_to": today}
    form = PeriodForm(request.GET or None, initial=default)
    period = form.cleaned_data if form.is_bound and form.is_valid() else default
    by = "point" if request.GET.get("by") == "point" else "user"
    figures = staff_figures(
        user=request.user, date_from=period["date_from"], date_to=period["date_to"], by=by
    )
    page: Page[ServicePoint] | Page[StaffProfile]
    lines: list[tuple[ServicePoint | StaffProfile, Figures]]
    if by == "point":
        points = selectors.point_list(user=request.user)
        page = Paginator(points, 50).get_page(request.GET.get("page"))
        lines = [(point, figures.get(point.pk, Figures())) for point in page]
    else:
        rows = selectors.staff_list(user=request.user).order_by(
            "point__code", "role", "staff_number"
        )
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
        lines = [(member, figures.get(member.user_id, Figures())) for member in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reporting/staff_stats.html",
        {
            "form": form,
            "page": page,
            "lines": lines,
            "by": by,
            "period": period,
            "query_string": query.urlencode(),
        },
    )


@role_required(*EXPORT_VIEWERS)
def claim_page(request):
    """rules#warranty-claim for the point's manager (read-only for the regional center): the
    month's claim per repair type, its file, and the month's counter money."""
    points = selectors.point_list(user=request.user)
    form = ClaimMonthForm(request.GET or None, points=points)
    valid = form.is_bound and form.is_valid()
    point = (form.cleaned_data.get("point") if valid else None) or points.first()
    # It opens on the point's current month, whose records are still open: the previous
    # month's claim is closed and written to its file on the 1st.
    today = timezone.localdate(timezone=point.zone) if point else timezone.localdate()
    month = form.cleaned_data["month"] if valid else today.replace(day=1)
    if not form.is_bound:
        form = ClaimMonthForm(initial={"point": point, "month": f"{month:%Y-%m}"}, points=points)
    context: dict = {"form": form, "point": point, "month": month}
    if point is not None:
        date_from, date_to = claim.month_range(month)
        lines = claim.claim_lines(point=point, date_from=date_from, date_to=date_to)
        methods = claim.money_by_method(point=point, date_from=date_from, date_to=date_to)
        context |= {
            "lines": lines,
            "total": claim.claim_total(lines),
            "methods": methods,
            "money_total": claim.money_total(methods),
            "cash_ups": claim.cash_ups_of_month(point=point, date_from=date_from, date_to=date_to),
            "job": ExportJob.objects.filter(
                point=point, kind=ExportKind.CLAIM, date_from=date_from
            ).first(),
        }
    return render(request, "reporting/claim.html", context)
