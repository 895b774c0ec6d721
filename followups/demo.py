"""Demo callbacks (called per point by ``manage.py load_demo``; idempotent): the callbacks owed
for the demo's handed-over tickets, scheduled and dispatched through the real services."""

from __future__ import annotations

from followups.services import callbacks_dispatch, callbacks_schedule_for_handover
from repairs.models import RepairTicket, TicketStatus


def load_demo_data(*, point, staff, today):
    tickets = RepairTicket.objects.filter(
        point=point, status=TicketStatus.HANDED_OVER, callback_decision__isnull=True
    ).select_related("point", "customer")
    for ticket in tickets:
        callbacks_schedule_for_handover(ticket=ticket)
    callbacks_dispatch()
