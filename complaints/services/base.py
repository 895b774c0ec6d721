"""What every complaint service shares (rules#complaints): the domain errors, who may act, the
lock with its version check, the promised reply time rule and the one writer of timeline rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint, ComplaintContact
from servicedesk.errors import ActionRefused
from servicedesk.errors import ConflictError as BaseConflictError
from servicedesk.models import Role, ServicePoint, StaffProfile
from servicedesk.tenancy import user_role

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from servicedesk.statemachine import Transition
    from servicedesk.types import Actor, AnyUser


class ComplaintError(ActionRefused):
    """A move the rules do not allow (shown to the user as a message)."""


class ConflictError(ComplaintError, BaseConflictError):
    """The complaint changed since the form was shown (another colleague, or a double submit)."""


OWNER_ROLES = frozenset(
    {Role.FRONT_DESK, Role.HOTLINE, Role.CALLBACK_CLERK, Role.SUPERVISOR, Role.SERVICE_MANAGER}
)
SUPERVISORS = frozenset({Role.SUPERVISOR, Role.SERVICE_MANAGER})


def local_date(point: ServicePoint, at: dt.datetime) -> dt.date:
    return at.astimezone(ZoneInfo(point.time_zone)).date()


def write_contact(
    complaint: Complaint,
    *,
    by: Actor | None,
    kind: str,
    note: str = "",
    promised_reply_at: dt.datetime | None = None,
    at: dt.datetime | None = None,
) -> ComplaintContact:
    """The one function writing a timeline row (every contact and every change)."""
    return ComplaintContact.objects.create(
        complaint=complaint,
        by=by if getattr(by, "pk", None) else None,
        kind=kind,
        note=note[:4000],
        promised_reply_at=promised_reply_at,
        at=at or timezone.now(),
    )


def require_future_promise(
    promised_reply_at: dt.datetime | None, now: dt.datetime, field: str = "promised_reply_at"
) -> None:
    """rules#complaints: whenever a complaint is left unresolved, the customer is told when they
    will hear back."""
    if promised_reply_at is None:
        raise ValidationError(
            {field: [_("Record when the customer will hear back (promised reply time).")]}
        )
    if promised_reply_at <= now:
        raise ValidationError({field: [_("The promised reply time must be in the future.")]})


def lock_for_change(complaint: Complaint, version: int | None = None) -> Complaint:
    """The complaint, locked; with ``version`` (the one the form was shown with), refused if a
    colleague changed it meanwhile, so that no change is silently overwritten."""
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if version is not None and locked.version != version:
        raise ConflictError(
            _("Someone else changed this complaint meanwhile. Reload the page and try again.")
        )
    return locked


def may_act(complaint: Complaint, actor: AnyUser, extra_roles: Collection[str]) -> bool:
    role = user_role(actor)
    return complaint.owner_id == actor.pk or role == Role.ADMIN or role in extra_roles


def may_move(complaint: Complaint, user: AnyUser, move: Transition) -> bool:
    """Whether ``user`` may make ``move`` (a row of ``complaints.transitions``): the owner, or
    a role the table names (rules#complaints stages). The page offers only these steps."""
    return may_act(complaint, user, move.roles)


def supervisor_for(point: ServicePoint) -> User | None:
    """The point's supervisor who receives escalations (the first active one), else None."""
    profile = (
        StaffProfile.objects.filter(point=point, role=Role.SUPERVISOR, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return profile.user if profile else None
