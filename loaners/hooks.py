"""What loaners adds through ``servicedesk.hooks`` (registered in ``LoanersConfig.ready``): the
handover's question about a loaner still held, the ticket page's loaner section, and the loans'
part of a customer's data export and erasure."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from intake.services.privacy import when
from loaners import selectors, services
from loaners.models import Loan
from servicedesk import hooks
from servicedesk.permissions import has_role


def register() -> None:
    hooks.register(hooks.HANDOVER_BLOCKERS, handover_blockers)
    hooks.register(hooks.TICKET_PANELS, ticket_panel)
    hooks.register(hooks.CUSTOMER_DATA, customer_data)
    hooks.register(hooks.CUSTOMER_ERASED, customer_erased)


def handover_blockers(*, ticket) -> list[str]:
    """rules#loaners: the device does not go home while the customer still holds a loaner,
    unless the desk says why."""
    return [
        _("The customer still holds loaner %(loaner)s (lent %(day)s).")
        % {"loaner": loan.loaner, "day": timezone.localtime(loan.lent_at).date().isoformat()}
        for loan in selectors.open_loans_of_customer(customer=ticket.customer)
    ]


def ticket_panel(*, user, ticket) -> hooks.Panel:
    from loaners.views import WRITERS

    loans = list(selectors.open_loans_of_customer(customer=ticket.customer))
    return hooks.Panel(
        template="loaners/_ticket_panel.html",
        context={
            "loans": loans,
            "can_lend": has_role(user, WRITERS) and services.ticket_may_lend(ticket),
            "can_return": has_role(user, WRITERS),
        },
        order=10,
    )


def customer_data(*, customer) -> dict[str, list]:
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


def customer_erased(*, customer) -> dict[str, int]:
    loans = Loan.objects.filter(customer=customer)
    # The signature is the customer's personal data; the lend itself stays in the loaner's
    # history (which loaner was out, when).
    return {"loaner_loans": loans.update(signature_png=b"", return_note="")}
