"""Each role's cards in their order, and the callback clerk's next calling window."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from followups.selectors import calling_now
from reporting.worklists.cards import (
    Card,
)
from reporting.worklists.counter import (
    _arrivals,
    _my_queue,
    _my_slips,
    _quotes,
    _ready,
    _retests,
    _to_diagnose,
    _waiting_parts,
)
from reporting.worklists.supervision import (
    _approvals,
    _batches_to_receive,
    _callbacks,
    _calls_today,
    _cash_ups_waiting,
    _complaints,
    _exports,
    _missing_reports,
    _notices,
    _overdue_loaners,
    _overdue_pickups,
    _overdue_slips,
)
from servicedesk.models import SUPERVISING_ROLES, Role, ServicePoint
from servicedesk.tenancy import get_profile

if TYPE_CHECKING:
    from servicedesk.types import AnyUser


def worklist(
    *,
    user: AnyUser,
    role: str | None,
    now: dt.datetime | None = None,
    points: list[ServicePoint] | None = None,
) -> list[Card]:
    """The cards of ``role``'s home page, most pressing first; a member of a department first
    sees what the department was told. ``points``: the user's points, when the page has them
    already (the cards then read their settings without asking again)."""
    now = now or timezone.now()
    profile = get_profile(user)
    cards = _role_cards(user, role, now, points)
    if profile is not None and profile.department_id is not None:
        cards.insert(0, _notices(user, now))
    return cards


def _role_cards(
    user: AnyUser, role: str | None, now: dt.datetime, points: list[ServicePoint] | None
) -> list[Card]:
    if role == Role.FRONT_DESK:
        return [
            _arrivals(user, now),
            _quotes(user, now),
            _waiting_parts(user, now),
            _retests(user, now),
            _ready(user, now, points),
            _my_slips(user, _("Message slips for me")),
        ]
    if role == Role.TECHNICIAN:
        return [
            _my_queue(user, now),
            _to_diagnose(user, now),
            _waiting_parts(user, now),
            _my_slips(user, _("Message slips for me")),
        ]
    if role == Role.HOTLINE:
        return [
            _my_slips(user, _("Open slips I took or must call back"), taken_too=True),
            _calls_today(user, now),
        ]
    if role == Role.CALLBACK_CLERK:
        return [*_callbacks(user, now), _my_slips(user, _("Message slips for me"))]
    if role in SUPERVISING_ROLES:
        return [
            _approvals(user, now),
            _cash_ups_waiting(user, now),
            _complaints(user, now),
            _quotes(user, now),
            _overdue_slips(user, now),
            _overdue_pickups(user, now, points),
            _overdue_loaners(user, now),
            _missing_reports(user, now, points),
        ]
    if role == Role.REGIONAL_CENTER:
        return [
            _exports(user, now),
            _batches_to_receive(user, now),
            _missing_reports(user, now, points),
        ]
    return []


def next_calling_window(*, user: AnyUser, now: dt.datetime | None = None) -> dt.datetime | None:
    """For the callback clerk: when calling is allowed next at the clerk's point (no query)."""
    profile = get_profile(user)
    point = getattr(profile, "point", None)
    if point is None:
        return None
    allowed, next_moment = calling_now(point=point, now=now)
    return None if allowed else next_moment
