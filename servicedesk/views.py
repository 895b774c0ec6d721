from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from servicedesk import exporting, selectors, services
from servicedesk.audit import ACTION_LABELS
from servicedesk.forms import AuditFilterForm, ExportRequestForm, PointSettingsForm
from servicedesk.health import health_report
from servicedesk.models import SUPERVISING_ROLES, ExportJob, ExportKind, Role, ServicePoint
from servicedesk.permissions import allow_read_only_roles, check_role, role_required
from servicedesk.tenancy import get_scoped_or_404, user_role

SUPERVISORS_AND_REGION = (*SUPERVISING_ROLES, Role.REGIONAL_CENTER)
User = get_user_model()


@login_required
def home(request):
    role = user_role(request.user)
    context = {"profile": request.staff, "role": role}
    if role in (*SUPERVISING_ROLES, Role.ADMIN):
        context["expiring"] = selectors.staff_with_expiring_certificates(user=request.user)[:20]
    if role is not None and role != Role.ADMIN:
        context["points"] = selectors.point_list(user=request.user)[:50]
        from intake.selectors import slip_queue

        mine = slip_queue(user=request.user, mine_only=True)
        context["my_slips"] = mine.count()
        context["my_overdue_slips"] = mine.filter(callback_due_at__lt=timezone.now()).count()
    return render(request, "servicedesk/home.html", context)


@never_cache
@require_GET
def health(request):
    """For operators and probes: JSON, 200 when every part is up, 503 otherwise."""
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@role_required(*SUPERVISORS_AND_REGION)
def point_list(request):
    points = selectors.point_list(user=request.user)
    page = Paginator(points, 50).get_page(request.GET.get("page"))
    return render(request, "servicedesk/point_list.html", {"page": page})


@login_required
def point_detail(request, pk: int):
    point = get_scoped_or_404(ServicePoint.objects.select_related("region"), request.user, pk=pk)
    check_role(request.user, SUPERVISORS_AND_REGION)
    editable = services.point_settings_editable_fields(actor=request.user, point=point)
    return render(
        request, "servicedesk/point_detail.html", {"point": point, "can_edit": bool(editable)}
    )


@login_required
def point_settings(request, pk: int):
    point = get_scoped_or_404(ServicePoint, request.user, pk=pk)
    check_role(request.user, SUPERVISING_ROLES)
    editable = services.point_settings_editable_fields(actor=request.user, point=point)
    if not editable:
        raise PermissionDenied
    form = PointSettingsForm(request.POST or None, instance=point, editable_fields=editable)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields}
        try:
            services.point_update_settings(point=point, actor=request.user, data=data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("servicedesk:point_detail", pk=point.pk)
    return render(request, "servicedesk/point_settings.html", {"point": point, "form": form})


@role_required(*SUPERVISORS_AND_REGION)
def staff_list(request):
    staff = selectors.staff_list(user=request.user).order_by("point__code", "role", "staff_number")
    page = Paginator(staff, 50).get_page(request.GET.get("page"))
    return render(request, "servicedesk/staff_list.html", {"page": page})


@login_required
def staff_detail(request, pk: int):
    member = get_object_or_404(selectors.staff_list(user=request.user), pk=pk)
    check_role(request.user, SUPERVISORS_AND_REGION)
    from intake.selectors import praises_for

    praises = praises_for(user=request.user, staff_user=member.user)
    return render(
        request,
        "servicedesk/staff_detail.html",
        {"member": member, "praises": praises[:50], "praise_count": praises.count()},
    )


@require_GET
@role_required(*SUPERVISING_ROLES)
def audit_list(request):
    """Supervisors and managers read the audit log of their points: filtered, paginated, and
    read-only (GET only; the model refuses changes and PostgreSQL refuses them too)."""
    points = selectors.point_list(user=request.user)
    staff = User.objects.filter(
        staff_profile__in=selectors.staff_list(user=request.user)
    ).select_related("staff_profile")
    form = AuditFilterForm(
        request.GET or None,
        staff=staff.order_by("staff_profile__display_name"),
        points=points,
        actions=list(ACTION_LABELS.items()),
    )
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = selectors.audit_log_list(
        user=request.user,
        action=filters.get("action") or "",
        actor_id=filters["actor"].pk if filters.get("actor") else None,
        point_id=filters["point"].pk if filters.get("point") else None,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    for entry in page:
        entry.action_label = ACTION_LABELS.get(entry.action, entry.action)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "servicedesk/audit_list.html",
        {"page": page, "form": form, "query_string": query.urlencode()},
    )


EXPORT_VIEWERS = (*SUPERVISING_ROLES, Role.REGIONAL_CENTER)


@allow_read_only_roles
@role_required(*EXPORT_VIEWERS)
def export_list(request):
    """Monthly files and on-demand exports of the user's points; request a new range (DOMAIN 8)."""
    points = selectors.point_list(user=request.user)
    form = ExportRequestForm(request.POST or None, points=points)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = exporting.export_request(
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
            return redirect(f"{reverse('servicedesk:export_list')}#export-{job.pk}")
    jobs = selectors.export_list(user=request.user)
    kind = request.GET.get("kind", "")
    if kind in ExportKind.values:
        jobs = jobs.filter(kind=kind)
    page = Paginator(jobs, 30).get_page(request.GET.get("page"))
    return render(
        request, "servicedesk/export_list.html", {"form": form, "page": page, "kind": kind}
    )


@login_required
def export_status(request, pk: int):
    """The progress of one export (polled by the list page while it runs)."""
    job = get_scoped_or_404(ExportJob.objects.select_related("point"), request.user, pk=pk)
    check_role(request.user, EXPORT_VIEWERS)
    return render(request, "servicedesk/_export_row.html", {"job": job})


@login_required
def export_download(request, pk: int):
    job = get_scoped_or_404(ExportJob.objects.select_related("point"), request.user, pk=pk)
    check_role(request.user, EXPORT_VIEWERS)
    try:
        handle = exporting.export_open_for_download(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("servicedesk:export_list")
    except FileNotFoundError:
        messages.error(request, _("The file is missing; run the export again."))
        return redirect("servicedesk:export_list")
    filename = job.file_name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=filename, content_type="text/csv")


@login_required
def export_rerun(request, pk: int):
    job = get_scoped_or_404(ExportJob.objects.select_related("point"), request.user, pk=pk)
    check_role(request.user, SUPERVISING_ROLES)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    exporting.export_monthly_again(actor=request.user, job=job)
    messages.success(request, _("The export runs again; the file is replaced when it is complete."))
    return redirect("servicedesk:export_list")


@role_required(*EXPORT_VIEWERS)
def dashboard(request):
    """DOMAIN 7 for supervisors, managers and the regional center: today, queues, 12-week trends."""
    from servicedesk import dashboard as figures
    from servicedesk.charts import line_chart

    points = selectors.point_list(user=request.user)
    shown = list(points[:41])
    trends, labels = figures.quality_trends(user=request.user)
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
        "servicedesk/dashboard.html",
        {
            "today": figures.today_figures(user=request.user),
            "charts": charts,
            "points": shown[:40],
            # Count only when the list is cut: a supervisor's one point needs no second query.
            "point_count": len(shown) if len(shown) <= 40 else points.count(),
        },
    )


@role_required(*EXPORT_VIEWERS)
def staff_stats(request):
    """Per person and per point: tickets, turnaround, repeat repairs, praise, callbacks, calls."""
    from servicedesk.forms import PeriodForm
    from servicedesk.staff_stats import Figures, staff_figures

    today = timezone.localdate()
    default = {"date_from": today - dt.timedelta(days=29), "date_to": today}
    form = PeriodForm(request.GET or None, initial=default)
    period = form.cleaned_data if form.is_bound and form.is_valid() else default
    by = "point" if request.GET.get("by") == "point" else "user"
    figures = staff_figures(
        user=request.user, date_from=period["date_from"], date_to=period["date_to"], by=by
    )
    if by == "point":
        rows = selectors.point_list(user=request.user)
        page = Paginator(rows, 50).get_page(request.GET.get("page"))
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
        "servicedesk/staff_stats.html",
        {
            "form": form,
            "page": page,
            "lines": lines,
            "by": by,
            "period": period,
            "query_string": query.urlencode(),
        },
    )
