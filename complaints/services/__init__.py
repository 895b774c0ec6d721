"""Complaint services (rules#complaints): opening, the stage moves, contacts and promised reply
times, escalation, ownership transfer and compensation within each role's authority.

One module per part; this package names them all, so callers import from ``complaints.services``."""

from complaints.services.base import (
    OWNER_ROLES,
    SUPERVISORS,
    ComplaintError,
    ConflictError,
    local_date,
    may_move,
    supervisor_for,
)
from complaints.services.compensation import (
    LEVEL_ORDER,
    NEXT_LEVEL,
    decide_compensation,
    may_decide,
    offer_compensation,
)
from complaints.services.handling import (
    complaints_reassign,
    escalate,
    escalate_overdue,
    log_contact,
    record_decision,
    staff_choices,
    transfer_ownership,
)
from complaints.services.opening import (
    complaint_department,
    complaint_notify_department,
    complaint_open,
)
from complaints.services.stages import (
    ClarifyInput,
    NoteInput,
    ProposeInput,
    ResolveInput,
    complaint_clarify,
    complaint_close,
    complaint_follow_up,
    complaint_propose,
    complaint_resolve,
    mark_customer_special_attention,
)

__all__ = [
    "LEVEL_ORDER",
    "NEXT_LEVEL",
    "OWNER_ROLES",
    "SUPERVISORS",
    "ClarifyInput",
    "ComplaintError",
    "ConflictError",
    "NoteInput",
    "ProposeInput",
    "ResolveInput",
    "complaint_clarify",
    "complaint_close",
    "complaint_department",
    "complaint_follow_up",
    "complaint_notify_department",
    "complaint_open",
    "complaint_propose",
    "complaint_resolve",
    "complaints_reassign",
    "decide_compensation",
    "escalate",
    "escalate_overdue",
    "local_date",
    "log_contact",
    "mark_customer_special_attention",
    "may_decide",
    "may_move",
    "offer_compensation",
    "record_decision",
    "staff_choices",
    "supervisor_for",
    "transfer_ownership",
]
