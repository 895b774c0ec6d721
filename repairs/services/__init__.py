"""Repair-record services (state changes). One module per area:

- ``opening``: opening the repair record at intake (warranty decision, repeat check, number)
  and the supervisor's warranty override;
- ``lifecycle``: every later move of the ticket through ``ticket_transition`` (diagnosis, quote,
  repair, quality check, handover), with the amounts it derives.
"""

from repairs.services.lifecycle import (
    HANDLERS,
    PartLineInput,
    Payload,
    TransitionError,
    amount_due,
    parts_total,
    ticket_transition,
    warranty_covers,
)
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
    "HANDLERS",
    "INTAKE_ROLES",
    "IntakePreview",
    "PartLineInput",
    "Payload",
    "RepeatCheck",
    "TicketOpenInput",
    "TransitionError",
    "amount_due",
    "default_policy",
    "intake_preview",
    "parts_total",
    "repeat_check",
    "ticket_open",
    "ticket_transition",
    "ticket_warranty_override",
    "warranty_covers",
]
