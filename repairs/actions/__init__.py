"""The repair ticket's actions (rules#repair), one command each: a typed input (a dataclass)
and a service function taking it (``ticket_hand_over(*, ticket, actor, version, data)``), one
module per family of actions. Every service runs its own rules inside ``base.ticket_act``, the
one place that checks scope, role, state and version and writes the timeline. The form and the
page partial of each action are registered with it in ``repairs.commands``."""

from repairs.actions.amounts import amount_due, parts_total, warranty_covers
from repairs.actions.base import NO_INPUT, NoInput, TransitionError
from repairs.actions.diagnosis import (
    DiagnoseInput,
    PartLineInput,
    ticket_diagnose,
    ticket_parts_arrived,
    ticket_start_diagnosis,
)
from repairs.actions.handover import (
    HandoverInput,
    ReturnUnrepairedInput,
    handover_errors,
    ticket_hand_over,
    ticket_return_unrepaired,
)
from repairs.actions.quote import (
    QuoteDecisionInput,
    quote_approval_errors,
    quote_refusal_errors,
    ticket_approve_quote,
    ticket_refuse_quote,
)
from repairs.actions.repair import (
    CompleteRepairInput,
    QaFailInput,
    ticket_complete_repair,
    ticket_fail_qa,
    ticket_pass_qa,
)
from repairs.actions.sanbao import (
    SanbaoInput,
    sanbao_exchange_errors,
    sanbao_return_errors,
    ticket_exchange_device,
    ticket_return_device,
)

__all__ = [
    "NO_INPUT",
    "CompleteRepairInput",
    "DiagnoseInput",
    "HandoverInput",
    "NoInput",
    "PartLineInput",
    "QaFailInput",
    "QuoteDecisionInput",
    "ReturnUnrepairedInput",
    "SanbaoInput",
    "TransitionError",
    "amount_due",
    "handover_errors",
    "parts_total",
    "quote_approval_errors",
    "quote_refusal_errors",
    "sanbao_exchange_errors",
    "sanbao_return_errors",
    "ticket_approve_quote",
    "ticket_complete_repair",
    "ticket_diagnose",
    "ticket_exchange_device",
    "ticket_fail_qa",
    "ticket_hand_over",
    "ticket_parts_arrived",
    "ticket_pass_qa",
    "ticket_refuse_quote",
    "ticket_return_device",
    "ticket_return_unrepaired",
    "ticket_start_diagnosis",
    "warranty_covers",
]
