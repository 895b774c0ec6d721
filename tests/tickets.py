"""A fresh repair ticket in the state where each transition applies, and the body the ticket page
posts for it: shared by the bad-input, double-submit and concurrency tests."""

from __future__ import annotations

import base64
import dataclasses
from decimal import Decimal
from typing import Any

from repairs.actions import NO_INPUT, NoInput
from repairs.actions.commands import COMMANDS
from repairs.signatures import make_png
from tests.opening import open_ticket

PNG = "data:image/png;base64," + base64.b64encode(make_png(200, 60)).decode()

#: Every field any action needs, filled so that each succeeds where it is allowed; ``act``
#: gives each action's input the fields it has.
FULL: dict[str, Any] = {
    "signature_data_url": PNG,
    "fault_confirmed": "主板供电异常",
    "repair_method": "更换尾插并测试",
    "consent_kind": "verbal",
    "reason": "充电仍然不稳定",
    "tested_with_customer": True,
    "explanation_given": True,
    "amount_received": Decimal("1000"),
    "invoice_number": "FP-001",
    "satisfaction_rating": 5,
    "replacement_model": "X100 Pro",
    "replacement_imei": "356938035643809",
    "refund_reference": "TK-0001",
}

#: A valid IMEI (check digit right) other than the faulty device's.
REPLACEMENT_IMEI = "356938035643809"
#: Days since purchase of the cases that need a particular warranty period.
PURCHASE_DAYS = {"exchange_device": 20, "return_device": 5}

_DIAGNOSED = [("start_diagnosis", {}), ("diagnose", {"fault_confirmed": "电池老化"})]
_REPAIRED = [*_DIAGNOSED, ("complete_repair", {"repair_method": "换电池"})]
_QUOTED = [
    ("start_diagnosis", {}),
    ("diagnose", {"fault_confirmed": "进水", "labor_fee": 80}),
]

#: case -> (transition, out of warranty?, the moves before it, the body the page posts)
CASES = {
    "start_diagnosis": ("start_diagnosis", False, [], {}),
    "diagnose": ("diagnose", False, [("start_diagnosis", {})], {"fault_confirmed": "屏幕排线断"}),
    "complete_repair": ("complete_repair", False, _DIAGNOSED, {"repair_method": "更换排线"}),
    "pass_qa": ("pass_qa", False, _REPAIRED, {}),
    "fail_qa": ("fail_qa", False, _REPAIRED, {"reason": "触摸失灵"}),
    "hand_over": (
        "hand_over",
        False,
        [*_REPAIRED, ("pass_qa", {})],
        {
            "tested_with_customer": "on",
            "explanation_given": "on",
            "signature": PNG,
            "satisfaction_rating": "4",
            "satisfaction_comment": "很好",
        },
    ),
    "approve_quote": ("approve_quote", True, _QUOTED, {"consent_kind": "verbal"}),
    "refuse_quote": ("refuse_quote", True, _QUOTED, {"consent_kind": "verbal"}),
    "return_unrepaired": (
        "return_unrepaired",
        True,
        [*_QUOTED, ("refuse_quote", {"consent_kind": "verbal"})],
        {"tested_with_customer": "on", "signature": PNG, "satisfaction_declined": "on"},
    ),
    # 三包 (rules#sanbao): an exchange on day 20, a return on day 5, after the confirmed fault.
    "exchange_device": (
        "exchange_device",
        False,
        _DIAGNOSED,
        {
            "action": "exchange_device",
            "replacement_model": "X100 Pro",
            "replacement_imei": REPLACEMENT_IMEI,
            "signature": PNG,
        },
    ),
    "return_device": (
        "return_device",
        False,
        _DIAGNOSED,
        {"action": "return_device", "refund_reference": "TK-20261205-01", "signature": PNG},
    ),
    # Out of warranty: the customer pays at the handover (one payment, whatever happens).
    "hand_over_paid": (
        "hand_over",
        True,
        [
            *_QUOTED,
            ("approve_quote", {"consent_kind": "verbal"}),
            ("complete_repair", {"repair_method": "换主板"}),
            ("pass_qa", {}),
        ],
        {
            "tested_with_customer": "on",
            "explanation_given": "on",
            "signature": PNG,
            "method_0": "cash",
            "amount_received": "100",
            "invoice_number": "INV-0001",
            "satisfaction_declined": "on",
        },
    ),
}


def action_input(action: str, fields: dict[str, Any]) -> Any:
    """The typed input of ``action`` from those of ``fields`` it has (a text it requires and
    ``fields`` lacks is blank: the service refuses it as the page would)."""
    kind = COMMANDS[action].input
    if kind is NoInput:
        return NO_INPUT
    names = {f.name: f for f in dataclasses.fields(kind)}
    given = {k: v for k, v in fields.items() if k in names}
    blank = {
        name: ""
        for name, f in names.items()
        if name not in given
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
    }
    return kind(**blank, **given)


def act(ticket, actor, action, *, version=None, now=None, **fields):
    """``action``'s service on ``ticket`` with its input from ``fields`` (the ticket's version
    as it is, unless given)."""
    return COMMANDS[action].service(
        ticket=ticket,
        actor=actor,
        version=ticket.version if version is None else version,
        data=action_input(action, fields),
        now=now,
    )


def move(ticket, actor, action, **fields):
    ticket.refresh_from_db()
    return act(ticket, actor, action, **fields)


#: The in-warranty walk from registration to handover, and who takes each step.
HANDOVER_WALK = (
    ("tech", "start_diagnosis"),
    ("tech", "diagnose"),
    ("tech", "complete_repair"),
    ("desk", "pass_qa"),
    ("desk", "hand_over"),
)


def walk_to_handover(ticket, *, desk, tech, payload, now=None):
    """Through the real transitions up to the handover (which schedules the callbacks); each
    step takes the fields of ``payload`` it has."""
    people = {"desk": desk, "tech": tech}
    for who, action in HANDOVER_WALK:
        ticket.refresh_from_db()
        ticket = act(ticket, people[who], action, now=now, **payload)
    return ticket


def ticket_ready_for(case: str, *, point, desk, actor, customer=None):
    """(ticket, POST body) for ``case``: the ticket waits for that transition."""
    action, out_of_warranty, route, body = CASES[case]
    days = PURCHASE_DAYS.get(case, 500 if out_of_warranty else 100)
    ticket = open_ticket(point, desk, customer, purchase_days_ago=days)
    for step, payload in route:
        move(ticket, actor, step, **payload)
    ticket.refresh_from_db()
    return ticket, {"action": action, "version": ticket.version} | body


#: The moves that bring a fresh ticket to each state, and who makes them (the out-of-warranty
#: states need a ticket opened out of warranty).
TO_STATE = {
    "diagnosing": [("tech", "start_diagnosis", {})],
    "repairing": [
        ("tech", "start_diagnosis", {}),
        ("tech", "diagnose", {"fault_confirmed": "电池老化"}),
    ],
    "quality_check": [
        ("tech", "start_diagnosis", {}),
        ("tech", "diagnose", {"fault_confirmed": "电池老化"}),
        ("tech", "complete_repair", {"repair_method": "换电池"}),
    ],
    "ready": [
        ("tech", "start_diagnosis", {}),
        ("tech", "diagnose", {"fault_confirmed": "电池老化"}),
        ("tech", "complete_repair", {"repair_method": "换电池"}),
        ("desk", "pass_qa", {}),
    ],
    "retest_failed": [
        ("tech", "start_diagnosis", {}),
        ("tech", "diagnose", {"fault_confirmed": "电池老化"}),
        ("tech", "complete_repair", {"repair_method": "换电池"}),
        ("desk", "fail_qa", {"reason": "触摸失灵"}),
    ],
}


def bring_to(ticket, state, *, desk, tech):
    """Move ``ticket`` through the real transitions into ``state`` (a key of ``TO_STATE``, or
    ``awaiting_approval`` for a ticket opened out of warranty)."""
    from decimal import Decimal

    people = {"desk": desk, "tech": tech}
    steps = TO_STATE.get(state)
    if state == "awaiting_approval":
        steps = [
            ("tech", "start_diagnosis", {}),
            ("tech", "diagnose", {"fault_confirmed": "进水", "labor_fee": Decimal("80")}),
        ]
    for who, action, payload in steps or []:
        ticket = move(ticket, people[who], action, **payload)
    return ticket
