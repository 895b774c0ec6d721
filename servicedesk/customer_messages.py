"""Messages sent out (SMS and prints to customers, SMS to departments) in the service point's
language, whatever language the staff member's screen uses (UX 4): one template per event,
rendered under the point's language."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from servicedesk.models import ServicePoint


def render_for_customer(point: ServicePoint, template: str, context: dict[str, Any]) -> str:
    """The text of ``template`` in ``point``'s language, whitespace folded to single spaces."""
    with translation.override(point.language or None):
        text = render_to_string(template, {"point": point, **context})
    return " ".join(text.split())
