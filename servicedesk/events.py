"""Typed events: how a lower app lets a higher one react to what it does.

The apps are layered (``servicedesk`` < ``intake`` < ``parts`` < ``counter`` < ``repairs`` <
``loaners`` < ``followups`` < ``complaints`` < ``reporting``) and an app never imports one above
it. Where a lower app must let a higher one react to its change, or show the higher one's part of
a page, the lower app declares the event in its own ``app_events.py``: a ``Protocol`` saying
exactly what a subscriber takes and returns, an :class:`Event` holding the subscribers, and one
typed function that the service causing the event calls in its body. The higher app subscribes
its handlers in its ``AppConfig.ready`` (``<app>/subscribers.py``), and mypy checks every
handler against the protocol. The events of the product:

- ``servicedesk.events``: ``audit_words``.
- ``intake.app_events``: ``customer_erased``, ``customer_merged``, ``customer_data``,
  ``customer_panels``, ``customer_search``, ``records_found``, ``customer_open_work``,
  ``visit_records``.
- ``parts.app_events``: ``delivery_waiting_tickets``, ``delivery_resumes``.
- ``repairs.app_events``: ``ticket_handed_over``, ``handover_blockers``, ``ticket_panels``.
- ``followups.app_events``: ``callback_dissatisfied``, ``callback_report``.

``tests/servicedesk/test_events.py`` holds the table of who subscribes to what. Subscribers run
in the order the apps are installed, inside the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from servicedesk.models import AuditLog

H = TypeVar("H")


class Event(Generic[H]):
    """The subscribers of one event, each a callable of the event's protocol ``H``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._subscribers: list[H] = []

    def subscribe(self, handler: H) -> None:
        """Add ``handler``; once only (``ready`` may run twice in tests)."""
        if handler not in self._subscribers:
            self._subscribers.append(handler)

    @property
    def subscribers(self) -> tuple[H, ...]:
        return tuple(self._subscribers)

    def __repr__(self) -> str:
        return f"<Event {self.name}>"


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
    """A record a subscriber opened in reaction to an event, named back to the caller's screen
    ("投诉 #17 已登记，已通知质量部") without the caller knowing the subscriber's app."""

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


def sorted_panels(panels: list[Panel]) -> list[Panel]:
    return sorted(panels, key=lambda panel: panel.order)


class AuditWords(Protocol):
    """The summary of an audit entry of the app's own actions in words, or ``None`` when the
    entry is not the app's (repairs: the warranty decisions; reporting: the exports)."""

    def __call__(self, *, entry: AuditLog) -> str | None: ...


on_audit_words: Event[AuditWords] = Event("audit_words")


def audit_words(*, entry: AuditLog) -> str | None:
    """The first subscriber's words for ``entry`` on the audit log page, or ``None``."""
    for handler in on_audit_words.subscribers:
        words = handler(entry=entry)
        if words is not None:
            return words
    return None
