"""State changes of shared data (points, staff). Business rules live here, not in views."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.audit import audit_point_settings_changed
from servicedesk.customer_messages import render_for_customer
from servicedesk.errors import ConflictError
from servicedesk.models import (
    SUPERVISING_ROLES,
    AuditLog,
    Department,
    DepartmentNotice,
    NotificationKind,
    Role,
    ServicePoint,
)
from servicedesk.outbox import outbox_write
from servicedesk.tenancy import get_profile, scope_for, user_role

if TYPE_CHECKING:
    from servicedesk.types import Actor

#: The per-point settings a point's supervisor or manager may change (rules#settings: every number
#: is a
#: default an administrator can change per service point).
POINT_SETTING_FIELDS = (
    "name",
    "address",
    "phone",
    "opening_hours",
    "has_queue_machine",
    "print_format",
    "calling_hours",
    "callback_sample_rate",
    "callback_max_attempts",
    "callback_first_day",
    "callback_second_from_day",
    "callback_second_to_day",
    "callback_target_seconds",
    "callback_retry_minutes",
    "complaint_callback_days",
    "complaint_first_reply_hours",
    "compensation_limit_front_desk",
    "compensation_limit_hotline",
    "compensation_limit_supervisor",
    "compensation_limit_manager",
    "refused_quote_fee",
    "refund_authority_desk",
    "manager_confirms_cash_ups",
    "repeat_repair_days",
    "pickup_overdue_days",
    "share_technician_notes",
    "answer_within_rings",
    "hold_check_seconds",
    "complaint_department",
)
#: Compensation and refund authority is set by the service manager or an administrator, not by the
#: supervisor whose own limit it is.
MANAGER_ONLY_FIELDS = frozenset(
    {
        "compensation_limit_front_desk",
        "compensation_limit_hotline",
        "compensation_limit_supervisor",
        "compensation_limit_manager",
        "refund_authority_desk",
        "manager_confirms_cash_ups",
    }
)


def point_settings_editable_fields(*, actor: Actor, point: ServicePoint) -> tuple[str, ...]:
    role = user_role(actor)
    scope = scope_for(actor)
    if role is None or scope.read_only or not scope.allows(point.pk):
        return ()
    if role in (Role.ADMIN, Role.SERVICE_MANAGER):
        return POINT_SETTING_FIELDS
    if role in SUPERVISING_ROLES:
        return tuple(f for f in POINT_SETTING_FIELDS if f not in MANAGER_ONLY_FIELDS)
    return ()


class SettingsConflict(ConflictError):
    """The point's settings were saved by someone else since the form was loaded."""

    def __init__(
        self, message: str, *, current: ServicePoint, changed: dict[str, str] | None
    ) -> None:
        super().__init__(message)
        self.current = current
        #: {field: its value when the stale form was loaded} for each field saved meanwhile;
        #: ``None`` when that is not known (a change made in the admin).
        self.changed = changed


def _changed_since(point: ServicePoint, version: int) -> dict[str, str] | None:
    """What was saved after ``version``, from the audit log (each entry carries the version it
    made): {field: the value before, as the log writes it}; ``None`` unless every version since
    is accounted for."""
    entries = list(
        AuditLog.objects.filter(
            action="point.settings_changed",
            object_type=ServicePoint._meta.label_lower,
            object_id=str(point.pk),
            detail__version__gt=version,
        ).order_by("at", "pk")
    )
    if len(entries) != point.settings_version - version:
        return None
    changed: dict[str, str] = {}
    for entry in entries:
        for field, (old, _new) in entry.detail["changes"].items():
            changed.setdefault(field, old)
    return changed


@transaction.atomic
def point_update_settings(
    *, point: ServicePoint, actor: Actor, data: dict[str, Any], version: int | None = None
) -> ServicePoint:
    """Change a point's settings; every change is audited with old and new values.

    With ``version`` (the settings version the form was loaded with) a save made meanwhile by
    someone else refuses this one (``SettingsConflict``, carrying the stored settings), so two
    supervisors editing at once never silently undo each other's change."""
    allowed = point_settings_editable_fields(actor=actor, point=point)
    if not allowed:
        raise PermissionDenied
    locked = ServicePoint.objects.select_for_update().get(pk=point.pk)
    if version is not None and locked.settings_version != version:
        raise SettingsConflict(
            _(
                "Someone else saved these settings while you were editing them. What you typed "
                "is kept below; the values saved meanwhile are shown beside the fields that "
                "differ. Check them and save again."
            ),
            current=locked,
            changed=_changed_since(locked, version),
        )
    changes: dict[str, list[str]] = {}
    for field, value in data.items():
        if field not in allowed:
            raise PermissionDenied(field)
        old = getattr(locked, field)
        if old != value:
            changes[field] = [str(old), str(value)]
            setattr(locked, field, value)
    if changes:
        locked.full_clean()
        locked.settings_version += 1
        locked.save(update_fields=[*changes, "settings_version"])
        audit_point_settings_changed(actor=actor, point=locked, changes=changes)
    return locked


#: The SMS of a notice whose event has no template of its own: the subject, in the point's name.
DEFAULT_NOTICE_MESSAGE = "servicedesk/messages/department_notice.txt"


@transaction.atomic
def department_notify(
    *,
    department: Department,
    point: ServicePoint,
    subject: str,
    text: str = "",
    link: str = "",
    message_template: str = DEFAULT_NOTICE_MESSAGE,
    message_context: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> DepartmentNotice:
    """Tell a department of something at a point (rules#callbacks: the relevant department is
    notified of a dissatisfied callback's complaint); its members see it on their home page until
    one of them marks it read. A department with a mobile for messages is also sent an SMS
    through the outbox, in the same transaction, from the event's template (``message_template``
    with ``message_context``, the notice as ``notice``) rendered in the point's language."""
    now = now or timezone.now()
    notice = DepartmentNotice.objects.create(
        point=point,
        department=department,
        subject=subject[:255],
        text=text[:1000],
        link=link[:200],
        created_at=now,
    )
    if department.message_phone:
        outbox_write(
            point=point,
            kind=NotificationKind.DEPARTMENT_NOTICE,
            notice=notice,
            to=department.message_phone,
            text=render_for_customer(
                point,
                message_template,
                {**(message_context or {}), "notice": notice, "department": department},
            ),
            now=now,
        )
    return notice


@transaction.atomic
def department_notice_mark_read(
    *, notice: DepartmentNotice, actor: Actor, now: dt.datetime | None = None
) -> DepartmentNotice:
    """A member of the notice's department acknowledges it, once; the first one counts."""
    profile = get_profile(actor)
    scope = scope_for(actor)
    if (
        profile is None
        or scope.read_only
        or not scope.allows(notice.point_id)
        or profile.department_id != notice.department_id
    ):
        raise PermissionDenied(_("Only members of the department mark its notices read."))
    locked = DepartmentNotice.objects.select_for_update().get(pk=notice.pk)
    if locked.read_at is None:
        locked.read_at = now or timezone.now()
        locked.read_by = actor
        locked.save(update_fields=["read_at", "read_by"])
    return locked
