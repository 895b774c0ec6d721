"""Template context shared by every page: the navigation for the user's role."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from servicedesk import navigation as nav_registry
from servicedesk.models import Role
from servicedesk.tenancy import user_role


def navigation(request):
    user = getattr(request, "user", None)
    role = user_role(user) if user is not None else None
    if role is None:
        return {"nav_items": [], "user_role": None}
    items = []
    for item in nav_registry.items():
        if role != Role.ADMIN and role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        matches = request.path == url if url == "/" else request.path.startswith(url)
        on_bar = item.on_bar(role) if role != Role.ADMIN else Role.ADMIN in item.menu
        items.append({"url": url, "label": item.label, "active": matches, "on_bar": on_bar})
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
