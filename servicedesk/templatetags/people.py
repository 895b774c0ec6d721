"""Template filters for how people, times and phones read on screen (UX 4). Loaded as builtins."""

from __future__ import annotations

from typing import Any

from django import template

from servicedesk import people

register = template.Library()


@register.filter
def person(user: Any) -> str:
    """张热线 · 1023: a member of staff by name and staff number."""
    return people.person_label(user)
