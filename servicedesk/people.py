"""How a member of staff is named on every screen, list, dropdown and timeline: by name and staff
number (张热线 · 1023), never by the login name."""

from __future__ import annotations

from typing import Any


def person_label(user: Any) -> str:
    """``display name · staff number`` for staff; the full name (or a dash) for an account without
    a staff profile, such as an administrator; an empty string for no one."""
    if user is None or not getattr(user, "pk", None):
        return ""
    profile = getattr(user, "staff_profile", None)
    if profile is not None:
        name = profile.display_name or user.get_full_name()
        return f"{name} · {profile.staff_number}" if name else str(profile.staff_number)
    return user.get_full_name() or "—"


def person_with_role(user: Any) -> str:
    """``张热线 · 1023 (Hotline)``: a colleague offered in a dropdown of addressees."""
    profile = getattr(user, "staff_profile", None)
    label = person_label(user)
    return f"{label} ({profile.get_role_display()})" if profile is not None else label
