"""The events of intake that the higher apps subscribe to (see ``servicedesk.events``): a
customer's data exported, erased or merged, and the other apps' parts of the customer's page and
of the desk search. Each function here is called by the intake service or selector it names."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from servicedesk.events import Event, Found, Panel, sorted_panels

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from intake.models import Customer
    from servicedesk.types import AnyUser


class CustomerErased(Protocol):
    """In the erasure's transaction, before the customer's own row is anonymised: the app
    anonymises its rows of this customer and returns counts by kind."""

    def __call__(self, *, customer: Customer) -> dict[str, int]: ...


class CustomerMerged(Protocol):
    """In the merge's transaction, before the duplicate's row is deleted: the app moves its rows
    of the duplicate to the kept customer and returns counts by kind."""

    def __call__(self, *, kept: Customer, duplicate: Customer) -> dict[str, int]: ...


class CustomerData(Protocol):
    """The app's part of a customer's data export, by section."""

    def __call__(self, *, customer: Customer) -> dict[str, list[Any]]: ...


class CustomerPanel(Protocol):
    """A section of the customer's page (repairs: repair records; complaints: complaints)."""

    def __call__(self, *, user: AnyUser, customer: Customer) -> Panel | None: ...


class CustomerSearch(Protocol):
    """The customer ids of a desk search the app understands (repairs: a ticket number), or
    ``None`` when the query is not of its kind."""

    def __call__(self, *, user: AnyUser, text: str) -> QuerySet[Any] | None: ...


class RecordsFound(Protocol):
    """Records the desk search names directly (repairs: the ticket of a number, the tickets of
    an IMEI), or ``None``; one match is opened at once."""

    def __call__(self, *, user: AnyUser, text: str) -> list[Found] | None: ...


class CustomerOpenWork(Protocol):
    """What is still open for a few customers, in one query (repairs: open tickets, for the
    hotline's caller card and call page)."""

    def __call__(self, *, user: AnyUser, customer_ids: list[int]) -> dict[int, list[Any]]: ...


class VisitRecords(Protocol):
    """The records opened from a few visits, in one query (repairs: the repair record a served
    visit ended with, on the reception board)."""

    def __call__(self, *, user: AnyUser, visit_ids: list[int]) -> dict[int, list[Found]]: ...


on_customer_erased: Event[CustomerErased] = Event("customer_erased")
on_customer_merged: Event[CustomerMerged] = Event("customer_merged")
on_customer_data: Event[CustomerData] = Event("customer_data")
on_customer_panels: Event[CustomerPanel] = Event("customer_panels")
on_customer_search: Event[CustomerSearch] = Event("customer_search")
on_records_found: Event[RecordsFound] = Event("records_found")
on_customer_open_work: Event[CustomerOpenWork] = Event("customer_open_work")
on_visit_records: Event[VisitRecords] = Event("visit_records")


def customer_erased(*, customer: Customer) -> dict[str, int]:
    """Called by ``customer_erase``: every app's counts of what it anonymised."""
    counts: dict[str, int] = {}
    for handler in on_customer_erased.subscribers:
        counts.update(handler(customer=customer))
    return counts


def customer_merged(*, kept: Customer, duplicate: Customer) -> dict[str, int]:
    """Called by ``customer_merge``: every app's counts of what it moved."""
    counts: dict[str, int] = {}
    for handler in on_customer_merged.subscribers:
        counts.update(handler(kept=kept, duplicate=duplicate))
    return counts


def customer_data(*, customer: Customer) -> dict[str, list[Any]]:
    """Called by ``customer_data_export``: the other apps' sections of the document."""
    sections: dict[str, list[Any]] = {}
    for handler in on_customer_data.subscribers:
        sections.update(handler(customer=customer))
    return sections


def customer_panels(*, user: AnyUser, customer: Customer) -> list[Panel]:
    """Called by ``customer_history``: the other apps' sections, in their order."""
    found = (handler(user=user, customer=customer) for handler in on_customer_panels.subscribers)
    return sorted_panels([panel for panel in found if panel is not None])


def customer_search(*, user: AnyUser, text: str) -> QuerySet[Any] | None:
    """Called by ``customer_search``: the first app that understood the query, or ``None``."""
    for handler in on_customer_search.subscribers:
        ids = handler(user=user, text=text)
        if ids is not None:
            return ids
    return None


def records_found(*, user: AnyUser, text: str) -> list[Found]:
    """Called by ``records_found``: what every app's records the query names."""
    found: list[Found] = []
    for handler in on_records_found.subscribers:
        found.extend(handler(user=user, text=text) or [])
    return found


def customer_open_work(*, user: AnyUser, customer_ids: list[int]) -> dict[int, list[Any]]:
    """Called by ``open_work_for_customers``: every app's open work, by customer."""
    found: dict[int, list[Any]] = {pk: [] for pk in customer_ids}
    for handler in on_customer_open_work.subscribers:
        for pk, items in handler(user=user, customer_ids=customer_ids).items():
            found[pk].extend(items)
    return found


def visit_records(*, user: AnyUser, visit_ids: list[int]) -> dict[int, list[Found]]:
    """Called by ``reception_board``: the records each visit ended with."""
    records: dict[int, list[Found]] = {}
    for handler in on_visit_records.subscribers:
        records.update(handler(user=user, visit_ids=visit_ids))
    return records
