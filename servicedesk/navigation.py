"""The navigation bar: each app registers its entries (in its AppConfig.ready), shown by role.

An entry is on the bar itself for the roles in ``menu`` and under "More" for the other roles in
``roles``: every role's bar keeps to about eight entries that fit one line at 1366 px, and every
page a role may use is still one click away.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: The most entries on one role's bar, "More" included (checked by the tests).
MAX_MENU_ENTRIES = 8


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: object  # a lazy translation
    roles: frozenset
    order: int
    menu: frozenset

    def on_bar(self, role: str) -> bool:
        return role in self.menu


_ITEMS: dict[str, NavItem] = {}


def register(
    url_name: str,
    label,
    roles: Iterable[str],
    order: int = 50,
    menu: Iterable[str] | None = None,
) -> None:
    """Add (or replace) a navigation entry. Lower ``order`` comes first. ``menu``: the roles
    that have it on the bar (default: all of ``roles``); the others find it under "More"."""
    allowed = frozenset(roles)
    _ITEMS[url_name] = NavItem(
        url_name, label, allowed, order, allowed if menu is None else frozenset(menu)
    )


def items() -> list[NavItem]:
    return sorted(_ITEMS.values(), key=lambda item: (item.order, item.url_name))
