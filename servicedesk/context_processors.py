"""Template context shared by every page: the navigation for the user's role.

The bar is worked out lazily, once per request, when a template first reads ``nav_items`` or
``nav_more`` (issue #36): an HTMX fragment such as the board's 30-second refresh or a JSON view
never renders the bar and so costs no badge lookup and no URL reversing. The entries' URLs are
reversed once per process (they take no arguments and the URLconf does not change while it runs).
"""

from __future__ import annotations

from functools import lru_cache

from django.core.cache import cache
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject

from servicedesk import navigation as nav_registry
from servicedesk.models import Role
from servicedesk.tenancy import user_role


@lru_cache(maxsize=512)
def _entry_url(url_name: str, urlconf: str | None, prefix: str) -> str | None:
    """An entry's URL (None when this URLconf has no such page): the same for every request."""
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None


def _badges(user, role: str, entries: list[nav_registry.NavItem]) -> dict[str, int]:
    """The badge counts of the user's entries, kept for a minute (one query per badge when
    they are counted again)."""
    key = f"nav-badges:{user.pk}:{role}"
    counts = cache.get(key)
    if counts is None:
        counts = {item.url_name: item.badge(user) for item in entries if item.badge is not None}
        cache.set(key, counts, nav_registry.BADGE_SECONDS)
    return counts


def _bar(request, user, role: str) -> dict[str, list[dict]]:
    """The role's entries, split into the bar and "More", with the active one marked."""
    items = []
    visible = [i for i in nav_registry.items() if role == Role.ADMIN or role in i.roles]
    badges = _badges(user, role, visible)
    urlconf, prefix = get_urlconf(), get_script_prefix()
    for item in visible:
        url = _entry_url(item.url_name, urlconf, prefix)
        if url is None:
            continue
        matches = request.path == url if url == "/" else request.path.startswith(url)
        on_bar = item.on_bar(role) if role != Role.ADMIN else Role.ADMIN in item.menu
        items.append(
            {
                "url": url,
                "label": item.label,
                "active": matches,
                "on_bar": on_bar,
                "badge": badges.get(item.url_name, 0),
            }
        )
    # Only the most specific entry is active: /desk/hotline/ is the hotline, not the reception.
    longest = max((len(i["url"]) for i in items if i["active"]), default=0)
    for entry in items:
        entry["active"] = entry["active"] and len(entry["url"]) == longest
    return {
        "nav_items": [entry for entry in items if entry["on_bar"]],
        "nav_more": [entry for entry in items if not entry["on_bar"]],
    }


def navigation(request):
    user = getattr(request, "user", None)
    role = user_role(user) if user is not None else None
    if role is None:
        return {"nav_items": [], "user_role": None}
    bar = SimpleLazyObject(lambda: _bar(request, user, role))
    return {
        "nav_items": SimpleLazyObject(lambda: bar["nav_items"]),
        "nav_more": SimpleLazyObject(lambda: bar["nav_more"]),
        "user_role": role,
        "user_role_label": Role(role).label,
        "staff_profile": getattr(request, "staff", None),
    }
