"""The work lists' building blocks: a card, its items, and the one query per card."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet, Window
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from repairs import selectors as tickets
from repairs.models import RepairTicket

if TYPE_CHECKING:
    from servicedesk.types import AnyUser


#: Rows shown on a card; the count says how many there are in all.
ROWS = 8


@dataclass
class Item:
    label: str
    url: str
    detail: str = ""
    flag: str = ""
    urgent: bool = False
    #: When it happened, shown unbroken after the detail.
    at: str = ""
    #: A POST the item offers in place (marking a notice read), through its form.
    action: str = ""
    action_label: str = ""


@dataclass
class Card:
    key: str
    title: str
    url: str
    empty: str
    count: int = 0
    items: list[Item] = field(default_factory=list)
    #: Further counts under the title, each a link: (label, count, url).
    extra: list[tuple[str, int, str]] = field(default_factory=list)


def _rows(queryset: QuerySet[Any], limit: int = ROWS) -> tuple[list[Any], int]:
    """The first ``limit`` rows and the total, in one query."""
    rows = list(queryset.annotate(worklist_total=Window(Count("pk")))[:limit])
    return rows, (rows[0].worklist_total if rows else 0)


def _card(
    key: str,
    title: str,
    url: str,
    empty: str,
    queryset: QuerySet[Any],
    item: Callable[[Any], Item],
) -> Card:
    rows, total = _rows(queryset)
    return Card(key, title, url, empty, total, [item(row) for row in rows])


def _list_url(**params: str) -> str:
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return reverse("repairs:ticket_list") + (f"?{query}" if query else "")


def _minutes(since: dt.datetime, now: dt.datetime) -> int:
    return max(0, int((now - since).total_seconds() + 30) // 60)


def _waited(since: dt.datetime, now: dt.datetime) -> str:
    minutes = _minutes(since, now)
    if minutes < 120:
        return ngettext("%(n)d min", "%(n)d min", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    days = hours // 24
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


def _ticket_item(now: dt.datetime, since: str = "created_at") -> Callable[[RepairTicket], Item]:
    def when(at: dt.datetime) -> str:
        if since == "ready_at":
            return _("ready for %(time)s") % {"time": _waited(at, now)}
        return _("in for %(time)s") % {"time": _waited(at, now)}

    def make(t: RepairTicket) -> Item:
        waits = t.customer_waits and t.is_open
        return Item(
            label=t.number,
            url=reverse("repairs:ticket_detail", args=[t.pk]),
            detail=" · ".join(
                [t.customer.name, t.device.model_name, when(getattr(t, since) or now)]
            ),
            flag=_("waiting in the shop") if waits else "",
            urgent=waits,
        )

    return make


def _tickets(user: AnyUser, status: str) -> QuerySet[RepairTicket]:
    return (
        tickets.ticket_list(user=user)
        .filter(status=status)
        .order_by("-customer_waits", "created_at", "id")
    )


# --- the cards -----------------------------------------------------------------------------
