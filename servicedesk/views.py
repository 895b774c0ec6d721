"""The shared core's pages: health, service points and their settings, staff, the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from servicedesk import selectors, services
from servicedesk.audit import ACTION_LABELS, describe
from servicedesk.forms import AuditFilterForm, NoticeReadForm, PointSettingsForm
from servicedesk.health import health_report
from servicedesk.models import SUPERVISING_ROLES, DepartmentNotice, Role, ServicePoint
from servicedesk.people import person_label
from servicedesk.permissions import check_role, role_required
from servicedesk.tenancy import get_scoped_or_404

SUPERVISORS_AND_REGION = (*SUPERVISING_ROLES, Role.REGIONAL_CENTER)
User = get_user_model()


def _may_see_health_details(request) -> bool:
    """Logged-in staff, or a monitor sending `Authorization: Bearer <HEALTH_TOKEN>`."""
    if request.user.is_authenticated:
        return True
    token = settings.HEALTH_TOKEN
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and constant_time_compare(sent, token)


@never_cache
@require_GET
def health(request):
    """For operators and probes: JSON, 200 when every part is up, 503 otherwise. Anonymous
    callers get only that verdict; the parts (host names, database vendor, broker transport)
    go to staff and to a monitor holding HEALTH_TOKEN."""
    report = health_report()
    status = 200 if report["status"] == "ok" else 503
    if not _may_see_health_details(request):
        report = {"status": report["status"]}
    return JsonResponse(report, status=status)


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
        data = {name: form.cleaned_data[name] for name in form.setting_names()}
        try:
            services.point_update_settings(
                point=point, actor=request.user, data=data, version=form.cleaned_data["version"]
            )
        except services.SettingsConflict as exc:
            form.show_saved_meanwhile(exc.current, exc.changed)
            messages.error(request, str(exc))
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
    owner_ids = {
        value
        for entry in page
        if entry.action == "complaint.reassigned"
        for value in (entry.detail or {}).values()
        if isinstance(value, int)
    }
    people = {user.pk: person_label(user) for user in staff.filter(pk__in=owner_ids)}
    tried = {entry.summary for entry in page if entry.action == "auth.login_failed"}
    logins = {
        user.get_username(): person_label(user)
        for user in (staff.filter(username__in=tried) if tried else [])
    }
    for entry in page:
        entry.shown = describe(entry, people, logins)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "servicedesk/audit_list.html",
        {"page": page, "form": form, "query_string": query.urlencode()},
    )


@require_POST
@login_required
def notice_read(request, pk: int):
    """A member of the department acknowledges a notice from the home page's "Notices" card."""
    notice = get_scoped_or_404(DepartmentNotice, request.user, pk=pk)
    form = NoticeReadForm(request.POST)
    if form.is_valid():
        services.department_notice_mark_read(notice=notice, actor=request.user)
        messages.success(request, _("Notice marked as read."))
    return redirect("home")
