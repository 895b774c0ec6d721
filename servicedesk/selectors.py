"""Reads of shared data, always through the user's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from servicedesk import defaults
from servicedesk.models import (
    CERTIFIED_ROLES,
    AuditLog,
    DepartmentNotice,
    ServicePoint,
    StaffProfile,
)
from servicedesk.tenancy import get_profile, scope_for, scoped

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from servicedesk.types import AnyUser


def point_list(*, user: AnyUser) -> QuerySet[ServicePoint]:
    return scoped(ServicePoint, user).select_related("region")


def colleague_list(
    *, points: ServicePoint | QuerySet[ServicePoint], roles: Collection[str] | None = None
) -> QuerySet[User]:
    """The active staff of a point (or of several), with their profiles (each option shows the
    name and staff number), in the order the dropdowns list them: by role, then staff number.
    ``roles`` keeps only those roles."""
    users = get_user_model().objects.filter(is_active=True)
    if isinstance(points, ServicePoint):
        users = users.filter(staff_profile__point=points)
    else:
        users = users.filter(staff_profile__point__in=points)
    if roles is not None:
        users = users.filter(staff_profile__role__in=list(roles))
    return users.select_related("staff_profile").order_by(
        "staff_profile__role", "staff_profile__staff_number"
    )


def staff_list(*, user: AnyUser) -> QuerySet[StaffProfile]:
    """Staff of the points the user may see (regional staff are listed to administrators only)."""
    scope = scope_for(user)
    queryset = StaffProfile.objects.select_related("user", "point", "region")
    if scope.all_points:
        return queryset
    return scope.filter(queryset, "point")


def staff_with_expiring_certificates(
    *, user: AnyUser, today: dt.date | None = None, days: int = defaults.CERTIFICATE_WARNING_DAYS
) -> QuerySet[StaffProfile]:
    """rules#tenancy: the supervisor sees certificates that have expired or expire soon."""
    today = today or timezone.localdate()
    return (
        staff_list(user=user)
        .filter(role__in=sorted(CERTIFIED_ROLES), user__is_active=True)
        .filter(
            Q(certificate_expires__lte=today + dt.timedelta(days=days))
            | Q(certificate_expires__isnull=True)
            | Q(certificate_number="")
        )
        .order_by(F("certificate_expires").asc(nulls_first=True), "staff_number")
    )


def audit_log_list(
    *,
    user: AnyUser,
    action: str = "",
    actor_id: int | None = None,
    point_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditLog]:
    """The audit log of the user's points, newest first, optionally filtered (dates are local
    calendar days, both inclusive)."""
    entries = scope_for(user).filter(
        AuditLog.objects.select_related("actor__staff_profile", "point"), "point"
    )
    if action:
        entries = entries.filter(action__startswith=action[:64])
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    if point_id:
        entries = entries.filter(point_id=point_id)
    if date_from:
        entries = entries.filter(at__date__gte=date_from)
    if date_to:
        entries = entries.filter(at__date__lte=date_to)
    return entries


def department_notice_list(*, user: AnyUser) -> QuerySet[DepartmentNotice]:
    """The unread notices of the user's department at the user's points, oldest first."""
    profile = get_profile(user)
    if profile is None or profile.department_id is None:
        return DepartmentNotice.objects.none()
    return (
        scoped(DepartmentNotice, user)
        .filter(department_id=profile.department_id, read_at__isnull=True)
        .select_related("department")
        .order_by("created_at", "id")
    )
