"""Repair-record services (state changes). One module per area:

- ``opening``: opening the repair record at intake (warranty decision, repeat check, number)
  and the supervisor's warranty override;
- ``stock``, ``money``, ``returns``: spare parts, counter money, defective parts back.

Every later move of the ticket is an action of ``repairs.actions`` (diagnosis, quote, repair,
quality check, handover, 三包), with the amounts it derives.
"""

from repairs.services.opening import (
    INTAKE_ROLES,
    IntakePreview,
    RepeatCheck,
    TicketOpenInput,
    default_policy,
    intake_preview,
    repeat_check,
    ticket_open,
    ticket_warranty_override,
)

__all__ = [
    "INTAKE_ROLES",
    "IntakePreview",
    "RepeatCheck",
    "TicketOpenInput",
    "default_policy",
    "intake_preview",
    "repeat_check",
    "ticket_open",
    "ticket_warranty_override",
]
