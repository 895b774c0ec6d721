"""The navigation bar: each app registers its entries (in its AppConfig.ready), shown by role.

An entry is on the bar itself for the roles in ``menu`` and under "More" for the other roles in
``roles``: every role's bar keeps to about eight entries that fit one line at 1366 px, and every
page a role may use is still one click away.

An entry may carry a badge: a count of what waits there for the user (slips addressed to them,
complaints escalated to their queue, offers waiting for their approval). The app that owns the
entry supplies the count as a function of the user; the bar's counts are computed together and
kept for ``BADGE_SECONDS`` per user, so a page costs no badge query on most requests and the
count is at most that old.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

#: The most entries on one role's bar, "More" included (checked by the tests).
MAX_MENU_ENTRIES = 8

#: How long a user's badge counts are kept before they are counted again.
BADGE_SECONDS = 60

#: ``badge(user) -> int``: how many things wait for the user behind an entry.
Badge = Callable[[Any], int]


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: object  # a lazy translation
    roles: frozenset
    order: int
    menu: frozenset
    badge: Badge | None = None

    def on_bar(self, role: str) -> bool:
        return role in self.menu


_ITEMS: dict[str, NavItem] = {}


def register(
    url_name: str,
    label,
    roles: Iterable[str],
    order: int = 50,
    menu: Iterable[str] | None = None,
    badge: Badge | None = None,
) -> None:
    """Add (or replace) a navigation entry. Lower ``order`` comes first. ``menu``: the roles
    that have it on the bar (default: all of ``roles``); the others find it under "More".
    ``badge``: the count of what waits there for the user (shown when it is not zero)."""
    allowed = frozenset(roles)
    _ITEMS[url_name] = NavItem(
        url_name, label, allowed, order, allowed if menu is None else frozenset(menu), badge
    )


def items() -> list[NavItem]:
    return sorted(_ITEMS.values(), key=lambda item: (item.order, item.url_name))
