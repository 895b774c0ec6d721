"""What a ticket costs (rules#warranty, rules#payment): the one parts total, the amount due and
what the warranty covers, always derived from the lines, never typed in."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import F, Sum

from parts.models import PartLine
from repairs.models import RepairTicket, TicketStatus, WarrantyStatus

CENT = Decimal("0.01")

#: Nothing was repaired: the warranty pays nothing and the refused-quote fee rule applies.
UNREPAIRED = (TicketStatus.QUOTE_REFUSED, TicketStatus.RETURNED_UNREPAIRED)


def parts_total(ticket: RepairTicket, *, lines: Iterable[PartLine] | None = None) -> Decimal:
    """The sum of the part lines: in SQL, or from ``lines`` when the caller has them already."""
    if lines is not None:
        total = sum((line.unit_price * line.quantity for line in lines), Decimal("0"))
    else:
        total = ticket.part_lines.aggregate(s=Sum(F("unit_price") * F("quantity")))["s"]
    return (total or Decimal("0")).quantize(CENT)


def amount_due(ticket: RepairTicket, *, lines: Iterable[PartLine] | None = None) -> Decimal:
    """Out of warranty the customer pays labor plus parts; in warranty nothing. Always derived
    from the lines, never typed in."""
    if ticket.status in UNREPAIRED:
        # Returned unrepaired: only the point's fee rule for a refused quote (often none).
        return ticket.point.refused_quote_fee.quantize(CENT)
    if ticket.warranty_status != WarrantyStatus.OUT_OF_WARRANTY:
        return Decimal("0.00")
    return (ticket.labor_fee + parts_total(ticket, lines=lines)).quantize(CENT)


def warranty_covers(ticket: RepairTicket, *, lines: Iterable[PartLine] | None = None) -> Decimal:
    """rules#warranty: within warranty the warranty pays the labor and the parts, so the ticket
    shows that line and the amount due is zero; outside warranty, or when nothing was repaired,
    it pays nothing."""
    if ticket.warranty_status == WarrantyStatus.OUT_OF_WARRANTY or ticket.status in (
        *UNREPAIRED,
        TicketStatus.RETURNED,
        TicketStatus.EXCHANGED,
    ):
        return Decimal("0.00")
    return (ticket.labor_fee + parts_total(ticket, lines=lines)).quantize(CENT)
