"""What must be answered before the customer's business with a ticket ends (rules#loaners):
shared by the handover, the unrepaired return and the 三包 return or exchange."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from repairs import app_events
from repairs.models import RepairTicket


def handover_blockers(ticket: RepairTicket) -> list[str]:
    """What other apps say must be answered first (the customer still holds a loaner)."""
    return app_events.handover_blockers(ticket=ticket)


def blockers_answered(ticket: RepairTicket, *, loaner_reason: str) -> str:
    """rules#loaners: a blocker refuses the handover unless the desk gives a reason; the reason
    goes on the timeline with what it answers (the returned note)."""
    reasons = handover_blockers(ticket)
    if not reasons:
        return ""
    if not loaner_reason.strip():
        raise ValidationError(
            {"loaner_reason": [*reasons, _("Take the loaner back first, or say why not.")]}
        )
    return _("Handed over with a loaner still out: %(reason)s (%(what)s)") % {
        "reason": loaner_reason.strip(),
        "what": " ".join(reasons),
    }
