"""Template context shared by every page: the navigation for the user's role."""

from __future__ import annotations

from django.core.cache import cache
from django.urls import NoReverseMatch, reverse

from servicedesk import navigation as nav_registry
from servicedesk.models import Role
from servicedesk.tenancy import user_role


def _badges(user, role: str, entries: list[nav_registry.NavItem]) -> dict[str, int]:
    """The badge counts of the user's entries, kept for a minute (one query per badge when
    they are counted again)."""
    key = f"nav-badges:{user.pk}:{role}"
    counts = cache.get(key)
    if counts is None:
        counts = {item.url_name: item.badge(user) for item in entries if item.badge is not None}
        cache.set(key, counts, nav_registry.BADGE_SECONDS)
    return counts


def navigation(request):
    user = getattr(request, "user", None)
    role = user_role(user) if user is not None else None
    if role is None:
        return {"nav_items": [], "user_role": None}
    items = []
    visible = [i for i in nav_registry.items() if role == Role.ADMIN or role in i.roles]
    badges = _badges(user, role, visible)
    for item in visible:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
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
        "user_role": role,
        "user_role_label": Role(role).label,
        "staff_profile": getattr(request, "staff", None),
    }
