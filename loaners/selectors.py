"""Reads of loaners and loans, always through the user's scope (``servicedesk.tenancy``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet

from loaners.models import Loan, Loaner
from servicedesk.tenancy import scoped

if TYPE_CHECKING:
    from intake.models import Customer
    from repairs.models import RepairTicket
    from servicedesk.types import AnyUser

_LOAN_RELATED = ("customer", "ticket", "lent_by__staff_profile", "returned_by__staff_profile")


def loaner_list(*, user: AnyUser) -> QuerySet[Loaner]:
    """The point's loaners, each with its open loan (``open_loans``: zero or one) and who holds
    it: three queries for the whole list, whatever its length."""
    open_loans = Loan.objects.filter(returned_at__isnull=True).select_related(
        "customer", "ticket", "lent_by__staff_profile"
    )
    return (
        scoped(Loaner, user)
        .select_related("point")
        .prefetch_related(Prefetch("loans", queryset=open_loans, to_attr="open_loans"))
        .order_by("status", "model_name", "imei")
    )


def loan_history(*, user: AnyUser, loaner: Loaner) -> QuerySet[Loan]:
    """Every lend and return of a loaner, newest first."""
    return scoped(Loan, user).filter(loaner=loaner).select_related(*_LOAN_RELATED)


def loans_overdue(*, user: AnyUser, today: dt.date) -> QuerySet[Loan]:
    """Open loans to chase: the expected day has passed, or the repaired phone went home and the
    loaner did not come back with it. Oldest expected day first."""
    return (
        scoped(Loan, user)
        .filter(returned_at__isnull=True)
        .filter(Q(expected_back__lt=today) | Q(ticket__handed_over_at__isnull=False))
        .select_related("loaner", "customer", "ticket")
        .order_by("expected_back", "pk")
    )


def open_loans_of_customer(*, customer: Customer) -> QuerySet[Loan]:
    """What a customer still holds (the handover's check and the ticket page's warning)."""
    return (
        Loan.objects.filter(customer=customer, returned_at__isnull=True)
        .select_related("loaner")
        .order_by("lent_at", "pk")
    )


def available_loaners(*, user: AnyUser) -> QuerySet[Loaner]:
    return scoped(Loaner, user).filter(status="available").order_by("model_name", "imei")


def ticket_loans(*, ticket: RepairTicket) -> QuerySet[Loan]:
    return Loan.objects.filter(ticket=ticket).select_related("loaner")
