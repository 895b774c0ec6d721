"""Hotline pages (rules#hotline): the call screen with its hold timer and scripts, the day's call
log, caller lookup with open tickets, departments' suggestion lists, and the supervisor's answering
figures."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from intake import selectors
from intake.forms.hotline import CallerLookupForm, CallForm, read_opened
from intake.models import Channel, Customer, Purpose, Visit
from intake.services import hotline
from servicedesk import inputs
from servicedesk.middleware import point_zone_activate
from servicedesk.models import SUPERVISING_ROLES, Department, Role
from servicedesk.permissions import check_role, has_role, role_required
from servicedesk.tenancy import get_profile, get_scoped_or_404, scoped

OPERATORS = hotline.HOTLINE_ROLES
READERS = (*OPERATORS, Role.REGIONAL_CENTER)
SUPERVISORS = (*SUPERVISING_ROLES, Role.REGIONAL_CENTER)


def _own_point(request):
    profile = get_profile(request.user)
    if profile is None or profile.point is None:
        raise PermissionDenied(_("Calls are logged at a service point."))
    return profile.point


def _day(request) -> dt.date:
    return inputs.date_param(request.GET.get("day")) or timezone.localdate()


@role_required(*OPERATORS)
def call_screen(request):
    """Log the call being answered: the form, the hold timer, the scripts and today's calls."""
    point = _own_point(request)
    form = CallForm(
        request.POST or None,
        customers=scoped(Customer, request.user),
        departments=hotline.departments_for(point).order_by("point_id", "name"),
        colleagues=hotline.colleagues_of(point),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        answered_at = read_opened(data.pop("opened"))
        try:
            call = hotline.call_log(
                point=point, actor=request.user, answered_at=answered_at, **data
            )
        except ValidationError as exc:
            for field, texts in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, texts)
        else:
            if call.purpose == Purpose.COMPLAINT:
                messages.info(request, _("Call logged. Now receive the complaint."))
                return redirect(f"{reverse('complaints:new')}?visit={call.pk}")
            messages.success(
                request,
                _("Call logged at %(time)s.")
                % {"time": timezone.localtime(call.arrived_at).strftime("%H:%M")},
            )
            return redirect("intake:call_detail", pk=call.pk)
    staff = get_profile(request.user)
    calls = selectors.calls_on(user=request.user, day=timezone.localdate())[:30]
    return render(
        request,
        "intake/hotline/call_screen.html",
        {"form": form, "point": point, "staff": staff, "calls": calls},
    )


@role_required(*OPERATORS)
def caller_lookup(request):
    """htmx: who is calling — customer records for the number typed, with their open tickets."""
    # Posted by the call screen, so the caller's number stays out of URLs and access logs.
    query = CallerLookupForm(request.POST if request.method == "POST" else request.GET).query()
    found = selectors.caller_lookup(user=request.user, query=query) if len(query) >= 3 else []
    return render(request, "intake/hotline/_caller.html", {"found": found, "query": query})


@login_required
def call_detail(request, pk: int):
    call = get_scoped_or_404(
        Visit.objects.filter(channel=Channel.HOTLINE).select_related(
            "point",
            "customer",
            "created_by__staff_profile",
            "department",
            "praised_staff__staff_profile",
        ),
        request.user,
        pk=pk,
    )
    check_role(request.user, READERS)
    point_zone_activate(call.point)
    slips = call.message_slips.select_related("addressee__staff_profile")
    complaints = call.complaints.select_related("category")
    open_tickets = (
        selectors.open_work_for_customers(user=request.user, customer_ids=[call.customer_id])[
            call.customer_id
        ]
        if call.customer_id
        else []
    )
    return render(
        request,
        "intake/hotline/call_detail.html",
        {
            "call": call,
            "slips": slips,
            "complaints": complaints,
            "open_tickets": open_tickets,
            "may_log": has_role(request.user, OPERATORS)
            and not (request.staff is not None and request.staff.is_read_only),
        },
    )


@role_required(*READERS)
def call_log(request):
    """The calls of one day, newest first."""
    day = _day(request)
    calls = selectors.calls_on(user=request.user, day=day)
    page = Paginator(calls, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "intake/hotline/call_log.html",
        {
            "page": page,
            "day": day,
            "day_query": f"day={day.isoformat()}",
            "may_see_answering": has_role(request.user, SUPERVISORS),
            "may_see_own_answering": has_role(request.user, OPERATORS),
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1) if day < timezone.localdate() else None,
        },
    )


@role_required(*READERS)
def answering(request):
    """rules#hotline / 7: calls answered within three rings and holds checked back every 30 s,
    per day and per operator; a hotline operator sees the figures of their own calls."""
    today = timezone.localdate()
    end = inputs.date_param(request.GET.get("end")) or today
    start = inputs.date_param(request.GET.get("start")) or end - dt.timedelta(days=13)
    if start > end:
        start, end = end, start
    start = max(start, end - dt.timedelta(days=366))
    own_calls = not has_role(request.user, SUPERVISORS)
    stats = selectors.answering_stats(user=request.user, start=start, end=end, own_calls=own_calls)
    return render(
        request,
        "intake/hotline/answering.html",
        {"stats": stats, "start": start, "end": end, "own_calls": own_calls},
    )


def _departments(user):
    """The departments a user may see: their points' own and the network-wide ones."""
    return Department.objects.filter(
        Q(pk__in=scoped(Department, user).values("pk")) | Q(point__isnull=True)
    )


@role_required(*READERS)
def department_list(request):
    """Departments that suggestions are forwarded to, with the suggestions of the last 30 days."""
    since = timezone.now() - dt.timedelta(days=30)
    departments = (
        _departments(request.user)
        .filter(is_active=True)
        .select_related("point")
        .annotate(
            recent=Count(
                "visits",
                filter=Q(
                    visits__purpose=Purpose.SUGGESTION,
                    visits__arrived_at__gte=since,
                    visits__in=scoped(Visit, request.user),
                ),
            )
        )
        .order_by("point_id", "name")
    )
    return render(request, "intake/hotline/department_list.html", {"departments": departments})


@login_required
def department_detail(request, pk: int):
    department = get_object_or_404(_departments(request.user), pk=pk)
    check_role(request.user, READERS)
    suggestions = selectors.suggestions_for(user=request.user, department=department)
    page = Paginator(suggestions, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "intake/hotline/department_detail.html",
        {"department": department, "page": page},
    )
