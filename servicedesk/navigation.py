"""The navigation bar: each app registers its entries (in its AppConfig.ready), shown by role."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: object  # a lazy translation
    roles: frozenset
    order: int


_ITEMS: dict[str, NavItem] = {}


def register(url_name: str, label, roles: Iterable[str], order: int = 50) -> None:
    """Add (or replace) a navigation entry. Lower ``order`` comes first."""
    _ITEMS[url_name] = NavItem(url_name, label, frozenset(roles), order)


def items() -> list[NavItem]:
    return sorted(_ITEMS.values(), key=lambda item: (item.order, item.url_name))
