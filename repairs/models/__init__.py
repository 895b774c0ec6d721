"""The repair record (维修记录单) and what prices and decides it: warranty policy, price list,
quotes, satisfaction cards, 三包 decisions. One module per part; every name is importable from
here."""

from repairs.models.decisions import (
    ConsentKind,
    Quote,
    QuoteDecision,
    SanbaoChoice,
    SanbaoDecision,
    SatisfactionCard,
)
from repairs.models.ticket import (
    OPEN_STATUSES,
    ProofOfPurchase,
    RepairTicket,
    RepairType,
    TicketEvent,
    TicketSequence,
    TicketStatus,
    WarrantyPolicy,
    WarrantyStatus,
)

__all__ = [
    "OPEN_STATUSES",
    "ConsentKind",
    "ProofOfPurchase",
    "Quote",
    "QuoteDecision",
    "RepairTicket",
    "RepairType",
    "SanbaoChoice",
    "SanbaoDecision",
    "SatisfactionCard",
    "TicketEvent",
    "TicketSequence",
    "TicketStatus",
    "WarrantyPolicy",
    "WarrantyStatus",
]
