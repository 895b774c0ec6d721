"""Reads of the counter's money, scoped to the user's points."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from counter.models import CashUp, CashUpStatus, MoneyEntry
from servicedesk.models import ServicePoint
from servicedesk.tenancy import scoped

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from servicedesk.types import AnyUser


@dataclass
class CashUpSheet:
    """One desk user's day: the cash-up if counted, the entries not yet counted, the figures."""

    user: Any
    cash_up: CashUp | None
    entries: list[MoneyEntry]  # all of the user's entries shown: counted and open
    open: list[MoneyEntry]  # not yet in a cash-up
    figures: Any  # what the next count covers (a recount includes the counted ones)

    @property
    def can_count(self) -> bool:
        return self.cash_up is None or self.cash_up.status == CashUpStatus.SUBMITTED


def cash_up_sheets(
    *, user: User, point: ServicePoint, day: dt.date, all_users: bool
) -> list[CashUpSheet]:
    """rules#payment: the cash-up page. A desk user sees their own day; a supervisor every desk
    user of the point who took money or counted that day. Three queries whatever the size."""
    from counter import services as money

    cash_ups = CashUp.objects.filter(point=point, day=day).select_related(
        "user__staff_profile", "confirmed_by__staff_profile"
    )
    open_entries = MoneyEntry.objects.filter(
        ticket__point=point, cash_up__isnull=True, at__lt=money.day_end(point, day)
    )
    if not all_users:
        cash_ups = cash_ups.filter(user=user)
        open_entries = open_entries.filter(by=user)
    counted = {c.pk: c for c in cash_ups}
    entries = list(
        MoneyEntry.objects.filter(Q(pk__in=open_entries.values("pk")) | Q(cash_up__in=counted))
        .select_related("method", "ticket", "by__staff_profile")
        .order_by("at", "pk")
    )
    people: dict[int, Any] = {c.user_id: c.user for c in counted.values()}
    for entry in entries:
        people.setdefault(entry.by.pk, entry.by)
    if not all_users:
        people.setdefault(user.pk, user)
    sheets = []
    for pk, person in sorted(people.items()):
        mine = [e for e in entries if e.by_id == pk]
        cash_up = next((c for c in counted.values() if c.user_id == pk), None)
        still_open = [e for e in mine if e.cash_up_id is None]
        recount = cash_up is not None and cash_up.status == CashUpStatus.SUBMITTED
        sheets.append(
            CashUpSheet(
                user=person,
                cash_up=cash_up,
                entries=mine,
                open=still_open,
                # A recount, or a counted day with nothing new: the figures of the whole day.
                figures=money.figures(mine if recount or not still_open else still_open),
            )
        )
    return sheets


def point_day_figures(sheets: list[CashUpSheet]) -> Any:
    """rules#payment: the whole point's day by method, beside each desk user's sheet: every
    entry the sheets show (counted into the day's cash-ups, or still open up to its end)."""
    from counter import services as money

    return money.figures([e for sheet in sheets for e in sheet.entries])


def cash_ups_waiting(*, user: AnyUser) -> QuerySet[CashUp]:
    """rules#payment: the counted days of the user's points waiting for confirmation, oldest
    first; never the user's own (nobody confirms their own cash-up)."""
    return (
        scoped(CashUp, user)
        .filter(status=CashUpStatus.SUBMITTED)
        .exclude(user_id=user.pk or 0)
        .select_related("user__staff_profile")
        .order_by("day", "pk")
    )
