"""What loaners adds through typed events (subscribed in ``LoanersConfig.ready``): the
handover's question about a loaner still held, the ticket page's loaner section, and the loans'
part of a customer's data export and erasure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from intake import app_events as intake_events
from intake.services.privacy import when
from loaners import selectors, services
from loaners.models import Loan
from repairs import app_events as repairs_events
from servicedesk.events import Panel
from servicedesk.permissions import has_role

if TYPE_CHECKING:
    from intake.models import Customer
    from repairs.models import RepairTicket
    from servicedesk.types import AnyUser


def subscribe() -> None:
    repairs_events.on_handover_blockers.subscribe(handover_blockers)
    repairs_events.on_ticket_panels.subscribe(ticket_panel)
    intake_events.on_customer_data.subscribe(customer_data)
    intake_events.on_customer_erased.subscribe(customer_erased)


def handover_blockers(*, ticket: RepairTicket) -> list[str]:
    """rules#loaners: the device does not go home while the customer still holds a loaner,
    unless the desk says why."""
    return [
        _("The customer still holds loaner %(loaner)s (lent %(day)s).")
        % {"loaner": loan.loaner, "day": timezone.localtime(loan.lent_at).date().isoformat()}
        for loan in selectors.open_loans_of_customer(customer=ticket.customer)
    ]


def ticket_panel(*, user: AnyUser, ticket: RepairTicket) -> Panel:
    from loaners.views import WRITERS

    loans = list(selectors.open_loans_of_customer(customer=ticket.customer))
    return Panel(
        template="loaners/_ticket_panel.html",
        context={
            "loans": loans,
            "can_lend": has_role(user, WRITERS) and services.ticket_may_lend(ticket),
            "can_return": has_role(user, WRITERS),
        },
        order=10,
    )


def customer_data(*, customer: Customer) -> dict[str, list]:
    loans = Loan.objects.filter(customer=customer).select_related("loaner", "ticket")
    return {
        "loaner_loans": [
            {
                "loaner": str(loan.loaner),
                "ticket": loan.ticket.number if loan.ticket is not None else None,
                "lent_at": when(loan.lent_at),
                "expected_back": loan.expected_back.isoformat(),
                "deposit_taken": str(loan.deposit_taken)
                if loan.deposit_taken is not None
                else None,
                "returned_at": when(loan.returned_at),
                "condition_on_return": loan.condition_on_return,
                "return_note": loan.return_note,
            }
            for loan in loans
        ]
    }


def customer_erased(*, customer: Customer) -> dict[str, int]:
    loans = Loan.objects.filter(customer=customer)
    # The signature is the customer's personal data; the lend itself stays in the loaner's
    # history (which loaner was out, when).
    return {"loaner_loans": loans.update(signature_png=b"", return_note="")}
