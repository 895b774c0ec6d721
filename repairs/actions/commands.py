"""Each ticket action as one command, registered by the action of its transition row
(``repairs.transitions``): its form, its typed input, its service and its page partial. The
ticket page renders the partial with the bound form; the view posts the form's input to the
service. Adding an action: a row in ``transitions.TRANSITIONS`` and one entry here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from repairs import actions, transitions
from repairs.actions import forms
from repairs.actions.base import ticket_act
from repairs.models import RepairTicket
from servicedesk.statemachine import Transition
from servicedesk.tenancy import user_role

if TYPE_CHECKING:
    from servicedesk.types import Actor


class Checks(Protocol):
    """Every refusal an action's service would give ``data`` on ``ticket``, without changing
    anything: run on what a refused form knows, so one submit shows them all."""

    def __call__(self, *, ticket: RepairTicket, data: Any) -> dict[str, list[str]]: ...


class Service(Protocol):
    def __call__(
        self,
        *,
        ticket: RepairTicket,
        actor: Actor,
        version: int,
        data: Any,
        now: dt.datetime | None = None,
    ) -> RepairTicket: ...


@dataclass(frozen=True)
class TicketCommand:
    action: str
    form: type[forms.TicketActionForm]
    input: type
    service: Service
    #: The fields of the action on the ticket page ("" when it has none but its button).
    partial: str = ""
    #: The service's own checks, for a form refused before the service runs.
    checks: Checks | None = None


PARTIALS = "repairs/actions/"

COMMANDS: dict[str, TicketCommand] = {
    c.action: c
    for c in (
        TicketCommand(
            "start_diagnosis",
            forms.PlainActionForm,
            actions.NoInput,
            actions.ticket_start_diagnosis,
        ),
        TicketCommand(
            "diagnose",
            forms.DiagnoseForm,
            actions.DiagnoseInput,
            actions.ticket_diagnose,
            PARTIALS + "diagnose.html",
        ),
        TicketCommand(
            "approve_quote",
            forms.QuoteDecisionForm,
            actions.QuoteDecisionInput,
            actions.ticket_approve_quote,
            PARTIALS + "quote_decision.html",
            checks=actions.quote_approval_errors,
        ),
        TicketCommand(
            "refuse_quote",
            forms.QuoteDecisionForm,
            actions.QuoteDecisionInput,
            actions.ticket_refuse_quote,
            PARTIALS + "quote_decision.html",
            checks=actions.quote_refusal_errors,
        ),
        TicketCommand(
            "complete_repair",
            forms.CompleteRepairForm,
            actions.CompleteRepairInput,
            actions.ticket_complete_repair,
            PARTIALS + "complete_repair.html",
        ),
        TicketCommand(
            "parts_arrived", forms.PlainActionForm, actions.NoInput, actions.ticket_parts_arrived
        ),
        TicketCommand("pass_qa", forms.PlainActionForm, actions.NoInput, actions.ticket_pass_qa),
        TicketCommand(
            "fail_qa",
            forms.QaFailForm,
            actions.QaFailInput,
            actions.ticket_fail_qa,
            PARTIALS + "fail_qa.html",
        ),
        TicketCommand(
            "hand_over",
            forms.HandoverForm,
            actions.HandoverInput,
            actions.ticket_hand_over,
            PARTIALS + "handover.html",
            checks=actions.handover_errors,
        ),
        TicketCommand(
            "return_unrepaired",
            forms.ReturnUnrepairedForm,
            actions.ReturnUnrepairedInput,
            actions.ticket_return_unrepaired,
            PARTIALS + "handover.html",
            checks=actions.handover_errors,
        ),
        TicketCommand(
            "return_device",
            forms.SanbaoForm,
            actions.SanbaoInput,
            actions.ticket_return_device,
            PARTIALS + "sanbao.html",
            checks=actions.sanbao_return_errors,
        ),
        TicketCommand(
            "exchange_device",
            forms.SanbaoForm,
            actions.SanbaoInput,
            actions.ticket_exchange_device,
            PARTIALS + "sanbao.html",
            checks=actions.sanbao_exchange_errors,
        ),
    )
}

#: Actions the customer chooses between on one form: one signature, then the choice (the
#: submit button). The quote's approval and refusal (rules#quote), the 三包 return and exchange
#: (rules#sanbao).
QUOTE_DECISION = ("approve_quote", "refuse_quote")
CHOICE_GROUPS = (QUOTE_DECISION, transitions.SANBAO_ACTIONS)


def command_for(action: str) -> TicketCommand | None:
    return COMMANDS.get(action)


def bound_form(data: Any) -> forms.TicketActionForm:
    """The bound form of the action that ``data`` names (only the two hidden fields when the
    action is unknown)."""
    command = COMMANDS.get(forms.action_named(data))
    return (command.form if command else forms.TicketActionForm)(data)


def ticket_run(*, ticket: RepairTicket, actor: Actor, form: forms.TicketActionForm) -> RepairTicket:
    """The command of a valid ``form``: its input to its service."""
    action, version = form.cleaned_data["action"], form.cleaned_data["version"]
    command = COMMANDS.get(action)
    if command is None:
        # A name the table does not know: refused by the shared checks like any wrong move.
        return ticket_act(ticket=ticket, actor=actor, action=action, version=version)
    return command.service(ticket=ticket, actor=actor, version=version, data=form.input())


def ticket_check(*, ticket: RepairTicket, actor: Actor, form: forms.TicketActionForm) -> None:
    """A form refused before its service ran gets the service's refusals too, on what the form
    knows (all errors at once, UX: never a second submit to learn the rest), when the action is
    the actor's to take on the ticket as it is."""
    action = form.cleaned_data.get("action", "")
    command = COMMANDS.get(action)
    if command is None or command.checks is None:
        return
    if action not in {t.action for t in transitions.available(ticket.status, user_role(actor))}:
        return
    form.add_service_errors(command.checks(ticket=ticket, data=form.input()))


@dataclass(frozen=True)
class ActionEntry:
    """One form of the ticket page: the action (or the choices sharing its form), the form as
    posted with its errors, or blank."""

    t: Transition
    choices: list[Transition]
    form: forms.TicketActionForm
    partial: str
    choice_buttons: bool


def action_entries(
    available: list[Transition], refused: forms.TicketActionForm | None
) -> list[ActionEntry]:
    """The action forms of the page: blank, or the refused one as posted. The actions of a
    choice group share one form, placed where the first of them is."""
    failed = refused.data.get("action") if refused is not None else None
    entries = []
    for t in available:
        group = next((g for g in CHOICE_GROUPS if t.action in g), (t.action,))
        choices = [c for c in available if c.action in group]
        if t is not choices[0]:
            continue
        command = COMMANDS[t.action]
        mine = refused is not None and failed in {c.action for c in choices}
        entries.append(
            ActionEntry(
                t=t,
                choices=choices,
                form=refused if mine and refused is not None else command.form(),
                partial=command.partial,
                choice_buttons=group in CHOICE_GROUPS,
            )
        )
    return entries
