"""The ticket's transition table (rules#repair): each row (from state, action, to state or guard,
roles) carries its action's command: its form, its typed input, its service and its page partial.
The ticket's machine (``repairs.transitions.MACHINE``) is loaded from these rows when the app is
ready (``RepairsConfig.ready``); the ticket page
renders the partial with the bound form; the view posts the form's input to the service. Adding
an action: its form, input, service and partial, and one row here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.utils.translation import gettext_lazy as _

from repairs import actions, transitions
from repairs.actions import forms
from repairs.actions.base import ticket_act
from repairs.models import RepairTicket
from repairs.models import TicketStatus as S
from repairs.transitions import BY_PARTS, BY_WARRANTY, DESK, TECH
from servicedesk.statemachine import SYSTEM, Transition
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
    """What carries a ticket action out: the form bounding what is posted, the input it gives,
    the service taking that input, and the partial drawing the form's fields."""

    form: type[forms.TicketActionForm]
    input: type
    service: Service
    #: The fields of the action on the ticket page ("" when it has none but its button).
    partial: str = ""
    #: The service's own checks, for a form refused before the service runs.
    checks: Checks | None = None
    #: The submit button's Bootstrap style: a step back looks unlike a step forward.
    button: str = "btn-primary"


#: A row of the ticket's table: its transition with its command.
Row = Transition[TicketCommand]

PARTIALS = "repairs/actions/"

#: An action without fields: its button only.
PLAIN = (forms.PlainActionForm, actions.NoInput)

TRANSITIONS: list[Row] = [
    Row(
        "start_diagnosis",
        _("Start diagnosis"),
        S.REGISTERED,
        S.DIAGNOSING,
        TECH,
        TicketCommand(*PLAIN, actions.ticket_start_diagnosis),
    ),
    Row(
        "diagnose",
        _("Record diagnosis"),
        S.DIAGNOSING,
        BY_WARRANTY,
        TECH,
        TicketCommand(
            forms.DiagnoseForm,
            actions.DiagnoseInput,
            actions.ticket_diagnose,
            PARTIALS + "diagnose.html",
        ),
    ),
    Row(
        "approve_quote",
        _("Customer approves the quote"),
        S.AWAITING_APPROVAL,
        BY_PARTS,
        DESK,
        TicketCommand(
            forms.QuoteDecisionForm,
            actions.QuoteDecisionInput,
            actions.ticket_approve_quote,
            PARTIALS + "quote_decision.html",
            checks=actions.quote_approval_errors,
        ),
    ),
    Row(
        "refuse_quote",
        _("Customer refuses the quote"),
        S.AWAITING_APPROVAL,
        S.QUOTE_REFUSED,
        DESK,
        TicketCommand(
            forms.QuoteDecisionForm,
            actions.QuoteDecisionInput,
            actions.ticket_refuse_quote,
            PARTIALS + "quote_decision.html",
            checks=actions.quote_refusal_errors,
        ),
    ),
    Row(
        "complete_repair",
        _("Repair done: to quality check"),
        S.REPAIRING,
        S.QUALITY_CHECK,
        TECH,
        TicketCommand(
            forms.CompleteRepairForm,
            actions.CompleteRepairInput,
            actions.ticket_complete_repair,
            PARTIALS + "complete_repair.html",
        ),
    ),
    # rules#parts: made by hand, or by the delivery that brings the missing parts.
    Row(
        "parts_arrived",
        _("Parts arrived"),
        S.WAITING_PARTS,
        S.REPAIRING,
        TECH | DESK | {SYSTEM},
        TicketCommand(*PLAIN, actions.ticket_parts_arrived),
    ),
    Row(
        "pass_qa",
        _("Retest passed"),
        S.QUALITY_CHECK,
        S.READY,
        DESK,
        TicketCommand(*PLAIN, actions.ticket_pass_qa, button="btn-success"),
    ),
    Row(
        "fail_qa",
        _("Retest failed: back to repair"),
        S.QUALITY_CHECK,
        S.REPAIRING,
        DESK,
        TicketCommand(
            forms.QaFailForm,
            actions.QaFailInput,
            actions.ticket_fail_qa,
            PARTIALS + "fail_qa.html",
            button="btn-outline-danger",
        ),
    ),
    Row(
        "hand_over",
        _("Hand over to the customer"),
        S.READY,
        S.HANDED_OVER,
        DESK,
        TicketCommand(
            forms.HandoverForm,
            actions.HandoverInput,
            actions.ticket_hand_over,
            PARTIALS + "handover.html",
            checks=actions.handover_errors,
        ),
    ),
    Row(
        "return_unrepaired",
        _("Return the device unrepaired"),
        S.QUOTE_REFUSED,
        S.RETURNED_UNREPAIRED,
        DESK,
        TicketCommand(
            forms.ReturnUnrepairedForm,
            actions.ReturnUnrepairedInput,
            actions.ticket_return_unrepaired,
            PARTIALS + "handover.html",
            checks=actions.handover_errors,
        ),
    ),
    # 三包 (rules#sanbao): after the technician confirmed the fault and before the repair is
    # done, instead of the repair the customer may take a return or an exchange, as the period
    # (or the repeat rule) allows: while repairing or waiting for parts, never while a quote
    # waits for the customer's consent (awaiting approval) or once the repair is done.
    *(
        Row(
            "return_device",
            _("三包 return: refund the customer"),
            source,
            S.RETURNED,
            DESK,
            TicketCommand(
                forms.SanbaoForm,
                actions.SanbaoInput,
                actions.ticket_return_device,
                PARTIALS + "sanbao.html",
                checks=actions.sanbao_return_errors,
            ),
        )
        for source in (S.REPAIRING, S.WAITING_PARTS)
    ),
    *(
        Row(
            "exchange_device",
            _("三包 exchange: hand over a new device"),
            source,
            S.EXCHANGED,
            DESK,
            TicketCommand(
                forms.SanbaoForm,
                actions.SanbaoInput,
                actions.ticket_exchange_device,
                PARTIALS + "sanbao.html",
                checks=actions.sanbao_exchange_errors,
            ),
        )
        for source in (S.REPAIRING, S.WAITING_PARTS)
    ),
]


def _command(row: Row) -> TicketCommand:
    if row.command is None:
        raise ValueError(f"the ticket's row {row.action} has no command")
    return row.command


#: Each action's command, by the action of its rows.
COMMANDS: dict[str, TicketCommand] = {row.action: _command(row) for row in TRANSITIONS}

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
    button: str = "btn-primary"


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
        command = _command(t)
        mine = refused is not None and failed in {c.action for c in choices}
        entries.append(
            ActionEntry(
                t=t,
                choices=choices,
                form=refused if mine and refused is not None else command.form(),
                partial=command.partial,
                choice_buttons=group in CHOICE_GROUPS,
                button=command.button,
            )
        )
    return entries
