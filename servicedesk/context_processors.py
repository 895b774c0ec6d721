"""Navigation by role: each app contributes its entries in ``NAV_ITEMS``-style registries."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from servicedesk.models import SUPERVISING_ROLES, Role
from servicedesk.tenancy import user_role

ALL = frozenset(Role.values)

#: (url name, label, roles that see it). Apps add their entries here as they land.
NAV_ITEMS: list[tuple[str, object, frozenset]] = [
    ("home", _("Workbench"), ALL),
    ("servicedesk:staff_list", _("Staff"), SUPERVISING_ROLES | {Role.REGIONAL_CENTER}),
    ("servicedesk:point_list", _("Service points"), SUPERVISING_ROLES | {Role.REGIONAL_CENTER}),
    ("servicedesk:audit_list", _("Audit log"), SUPERVISING_ROLES),
]


def navigation(request):
    user = getattr(request, "user", None)
    role = user_role(user) if user is not None else None
    if role is None:
        return {"nav_items": [], "user_role": None}
    items = []
    for url_name, label, roles in NAV_ITEMS:
        if role != Role.ADMIN and role not in roles:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    return {
        "nav_items": items,
        "user_role": role,
        "user_role_label": Role(role).label,
        "staff_profile": getattr(request, "staff", None),
    }
