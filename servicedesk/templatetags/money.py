"""The money filters (UX 4): ``{{ amount|yuan }}`` gives "¥1,560.00" or "−¥50.00";
``{{ amount|yuan:"out" }}`` shows money taken out ("−¥50.00"); ``{{ amount|yuan:"signed" }}``
writes the sign of a difference ("+¥5.00"). Loaded as builtins: every template uses these."""

from __future__ import annotations

from typing import Any

from django import template

from servicedesk.moneyfmt import yuan as _yuan
from servicedesk.moneyfmt import yuan_out

register = template.Library()


@register.filter
def yuan(amount: Any, how: str = "") -> str:
    if how == "out":
        return yuan_out(amount)
    return _yuan(amount, signed=how == "signed")
