"""``{{ number|phone }}``: a phone grouped as people read it aloud (138 1234 5678), never +86."""

from __future__ import annotations

from django import template

from intake.phones import display_phone

register = template.Library()


@register.filter
def phone(value: object) -> str:
    return display_phone(str(value or ""))
