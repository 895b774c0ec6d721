"""The one registry of reactions across apps.

The apps are layered (``servicedesk`` < ``intake`` < ``repairs`` < ``loaners`` < ``followups``
< ``complaints`` < ``reporting``) and an app never imports one above it. Where a lower app must
let a higher one react to its event, or show the higher one's part of a page, it fires a hook
declared here, and the higher app registers its handler in its ``AppConfig.ready``. So this
module lists every such reaction in the product, with what the handlers get and return.

Handlers run in the order the apps are installed, inside the caller's transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Hook:
    name: str
    fired_by: str
    contract: str


TICKET_HANDED_OVER = Hook(
    "ticket_handed_over",
    "repairs",
    "handler(*, ticket, now) -> None, in the handover's transaction (followups: the day-3 and "
    "day-8–15 callbacks are scheduled).",
)
CALLBACK_DISSATISFIED = Hook(
    "callback_dissatisfied",
    "followups",
    "handler(*, callback, actor, now) -> Opened | None, in the outcome's transaction "
    "(complaints: the dissatisfaction becomes a complaint the same day and the relevant "
    "department is notified; the complaint is named back so the clerk sees what was done).",
)
CUSTOMER_ERASED = Hook(
    "customer_erased",
    "intake",
    "handler(*, customer) -> dict[str, int], in the erasure's transaction before the customer's "
    "own row is anonymised: each app anonymises its rows of this customer and returns counts.",
)
CUSTOMER_MERGED = Hook(
    "customer_merged",
    "intake",
    "handler(*, kept, duplicate) -> dict[str, int], in the merge's transaction before the "
    "duplicate's row is deleted: each app moves its rows of the duplicate to the kept customer "
    "and returns counts.",
)
CUSTOMER_DATA = Hook(
    "customer_data",
    "intake",
    "handler(*, customer) -> dict[str, list]: each app's part of a customer's data export.",
)
CUSTOMER_PANELS = Hook(
    "customer_panels",
    "intake",
    "handler(*, user, customer) -> Panel | None: a section of the customer's page (repairs: "
    "repair records; complaints: complaints).",
)
CUSTOMER_SEARCH = Hook(
    "customer_search",
    "intake",
    "handler(*, user, text) -> QuerySet of customer ids | None: the desk search for a kind of "
    "query another app understands (repairs: a ticket number).",
)
RECORDS_FOUND = Hook(
    "records_found",
    "intake",
    "handler(*, user, text) -> list[Found] | None: records the desk search names directly "
    "(repairs: the ticket of a number, the tickets of an IMEI); one match is opened at once.",
)
CUSTOMER_OPEN_WORK = Hook(
    "customer_open_work",
    "intake",
    "handler(*, user, customer_ids) -> dict[int, list]: what is still open for a few customers, "
    "in one query (repairs: open tickets, for the hotline's caller card and call page).",
)
VISIT_RECORDS = Hook(
    "visit_records",
    "intake",
    "handler(*, user, visit_ids) -> dict[int, list[Found]]: the records opened from a few visits, "
    "in one query (repairs: the repair record a served visit ended with, on the reception board).",
)
CALLBACK_REPORT = Hook(
    "callback_report",
    "followups",
    "handler(*, point, month, month_end) -> dict: more figures for the monthly callback report "
    "(complaints: complaints by category and customer type).",
)
AUDIT_WORDS = Hook(
    "audit_words",
    "servicedesk",
    "handler(*, entry) -> str | None: the summary of an audit entry of the app's own actions in "
    "words, for the audit log page (repairs: the warranty decisions; reporting: the exports).",
)
HANDOVER_BLOCKERS = Hook(
    "handover_blockers",
    "repairs",
    "handler(*, ticket) -> list[str]: what must be answered before the device goes back to the "
    "customer (loaners: the customer still holds a loaner). The handover is refused unless the "
    "desk gives a reason, which goes on the ticket's timeline.",
)
TICKET_PANELS = Hook(
    "ticket_panels",
    "repairs",
    "handler(*, user, ticket) -> Panel | None: a section of the ticket page (loaners: the loaner "
    "the customer holds, or a link to lend one).",
)
HOOKS = (
    TICKET_HANDED_OVER,
    HANDOVER_BLOCKERS,
    TICKET_PANELS,
    CALLBACK_DISSATISFIED,
    CUSTOMER_ERASED,
    CUSTOMER_MERGED,
    CUSTOMER_DATA,
    CUSTOMER_PANELS,
    CUSTOMER_SEARCH,
    RECORDS_FOUND,
    CUSTOMER_OPEN_WORK,
    VISIT_RECORDS,
    CALLBACK_REPORT,
    AUDIT_WORDS,
)


@dataclass(frozen=True)
class Panel:
    """A section another app adds to a page: its template and what the template reads."""

    template: str
    context: dict[str, Any]
    order: int = 50
    #: One line for pages that only count what the section holds ("3 repair records").
    summary: str = ""


@dataclass(frozen=True)
class Opened:
    """A record a handler opened in reaction to an event, named back to the caller's screen
    ("投诉 #17 已登记，已通知质量部") without the caller knowing the handler's app."""

    label: str
    url: str
    #: Who was told of it (a department's name), or empty.
    notified: str = ""


@dataclass(frozen=True)
class Found:
    """A record a search names: what to call it, where it is, one line about it."""

    label: str
    url: str
    detail: str = ""


_handlers: dict[str, list[Callable[..., Any]]] = defaultdict(list)


def register(hook: Hook, handler: Callable[..., Any]) -> None:
    """Register ``handler`` for ``hook``; once per handler (``ready`` may run twice in tests)."""
    if hook not in HOOKS:
        raise ValueError(f"unknown hook {hook.name}")
    if handler not in _handlers[hook.name]:
        _handlers[hook.name].append(handler)


def fire(hook: Hook, **kwargs: Any) -> list[Any]:
    """Call every handler of ``hook``; their results in registration order (``None`` dropped)."""
    results = (handler(**kwargs) for handler in _handlers[hook.name])
    return [result for result in results if result is not None]


def handlers(hook: Hook) -> list[Callable[..., Any]]:
    return list(_handlers[hook.name])
