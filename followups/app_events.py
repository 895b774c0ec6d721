"""The events of follow-ups that the higher apps subscribe to (see ``servicedesk.events``): a
dissatisfied callback, and the other apps' figures in the monthly callback report."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Protocol

from servicedesk.events import Event, Opened

if TYPE_CHECKING:
    from followups.models import Callback
    from servicedesk.models import ServicePoint
    from servicedesk.types import Actor


class CallbackDissatisfied(Protocol):
    """In the outcome's transaction (complaints: the dissatisfaction becomes a complaint the same
    day and the relevant department is notified); what was opened is named back so the clerk
    sees what was done."""

    def __call__(self, *, callback: Callback, actor: Actor, now: dt.datetime) -> Opened | None: ...


class CallbackReport(Protocol):
    """More figures for the monthly callback report (complaints: complaints by category and
    customer type)."""

    def __call__(
        self, *, point: ServicePoint, month: dt.date, month_end: dt.date
    ) -> dict[str, Any]: ...


on_callback_dissatisfied: Event[CallbackDissatisfied] = Event("callback_dissatisfied")
on_callback_report: Event[CallbackReport] = Event("callback_report")


def callback_dissatisfied(*, callback: Callback, actor: Actor, now: dt.datetime) -> list[Opened]:
    """Called by ``callback_record_outcome`` (rules#callbacks): what every app opened."""
    found = (
        handler(callback=callback, actor=actor, now=now)
        for handler in on_callback_dissatisfied.subscribers
    )
    return [opened for opened in found if opened is not None]


def callback_report(*, point: ServicePoint, month: dt.date, month_end: dt.date) -> dict[str, Any]:
    """Called by the callback report: every app's figures."""
    figures: dict[str, Any] = {}
    for handler in on_callback_report.subscribers:
        figures.update(handler(point=point, month=month, month_end=month_end))
    return figures
