"""rules#R-repair-1, R-sanbao-1, R-parts-3: who may move a repair ticket from which state, and
where each move takes it. The expected outcomes are written here from docs/rules.md, not read
from ``repairs.transitions``, so a wrong role or state in the table fails; every state is reached
through the real actions. For each state every action is tried by every role, each attempt in a
savepoint rolled back afterwards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from parts.models import Part
from repairs.actions import PartLineInput, TransitionError
from repairs.models import RepairTicket, TicketEvent
from repairs.models import TicketStatus as S
from servicedesk.models import Role
from tests.factories import in_stock, make_staff
from tests.opening import open_ticket
from tests.tickets import FULL, act

pytestmark = pytest.mark.django_db

# --- who (R-repair-1, R-roles-1) ---------------------------------------------------------------
#: "Technicians start and record the diagnosis and finish the repair; the front desk records
#: the quote decision, the retest, the handover and the return; supervisors and service
#: managers may do every step; the regional center none." An administrator acts wherever a
#: supervisor may (R-tenancy-2: sees all; R-warranty-3 and the settings: at or above them).
ABOVE = {Role.SUPERVISOR, Role.SERVICE_MANAGER, Role.ADMIN}
TECHNICIAN = {Role.TECHNICIAN, *ABOVE}
DESK = {Role.FRONT_DESK, *ABOVE}

WHO = {
    "start_diagnosis": TECHNICIAN,
    "diagnose": TECHNICIAN,
    "complete_repair": TECHNICIAN,
    "approve_quote": DESK,
    "refuse_quote": DESK,
    "pass_qa": DESK,
    "fail_qa": DESK,
    "hand_over": DESK,
    "return_unrepaired": DESK,
    # R-sanbao-1: "Only the front desk, supervisors and service managers decide".
    "return_device": DESK,
    "exchange_device": DESK,
    # R-parts-3/4 and the architecture's table: by hand the technician or the front desk.
    "parts_arrived": TECHNICIAN | DESK,
}

# --- from where, to where (R-repair-1, R-repair-3, R-quote-1, R-quote-3, R-qa-1/2, R-sanbao-1,
# R-parts-3) --------------------------------------------------------------------------------
#: state -> {action: the state it leads to}; an action not listed is refused in that state.
MOVES: dict[str, dict[str, str]] = {
    "registered": {"start_diagnosis": S.DIAGNOSING},
    "diagnosing": {"diagnose": S.REPAIRING},  # in warranty: straight to the repair
    "diagnosing_out": {"diagnose": S.AWAITING_APPROVAL},  # out of warranty: the quote first
    "awaiting_approval": {"approve_quote": S.REPAIRING, "refuse_quote": S.QUOTE_REFUSED},
    "quote_refused": {"return_unrepaired": S.RETURNED_UNREPAIRED},
    "repairing": {
        "complete_repair": S.QUALITY_CHECK,
        "return_device": S.RETURNED,
        "exchange_device": S.EXCHANGED,
    },
    "waiting_parts": {
        "parts_arrived": S.REPAIRING,
        "return_device": S.RETURNED,
        "exchange_device": S.EXCHANGED,
    },
    "quality_check": {"pass_qa": S.READY, "fail_qa": S.REPAIRING},
    "ready": {"hand_over": S.HANDED_OVER},
    # The ends: nothing moves them.
    "handed_over": {},
    "returned_unrepaired": {},
    "returned": {},
    "exchanged": {},
}
ACTIONS = sorted(WHO)

# --- how each state is reached, through the actions -------------------------------------------
START = [("tech", "start_diagnosis", {})]
DIAGNOSED = [*START, ("tech", "diagnose", {"fault_confirmed": "主板供电异常"})]
QUOTED = [*START, ("tech", "diagnose", {"fault_confirmed": "进水", "labor_fee": Decimal("80")})]
REPAIRED = [*DIAGNOSED, ("tech", "complete_repair", {"repair_method": "更换尾插"})]
READY = [*REPAIRED, ("desk", "pass_qa", {})]
REFUSED = [*QUOTED, ("desk", "refuse_quote", {"consent_kind": "verbal"})]

#: state -> (the state's name in the model, out of warranty?, the route to it)
ROUTES = {
    "registered": (S.REGISTERED, False, []),
    "diagnosing": (S.DIAGNOSING, False, START),
    "diagnosing_out": (S.DIAGNOSING, True, START),
    "awaiting_approval": (S.AWAITING_APPROVAL, True, QUOTED),
    "quote_refused": (S.QUOTE_REFUSED, True, REFUSED),
    "returned_unrepaired": (
        S.RETURNED_UNREPAIRED,
        True,
        [*REFUSED, ("desk", "return_unrepaired", FULL)],
    ),
    "repairing": (S.REPAIRING, False, DIAGNOSED),
    "waiting_parts": (S.WAITING_PARTS, False, "short"),  # diagnosed with a part not in stock
    "quality_check": (S.QUALITY_CHECK, False, REPAIRED),
    "ready": (S.READY, False, READY),
    "handed_over": (S.HANDED_OVER, False, [*READY, ("desk", "hand_over", FULL)]),
    "returned": (S.RETURNED, False, [*DIAGNOSED, ("desk", "return_device", FULL)]),
    "exchanged": (S.EXCHANGED, False, [*DIAGNOSED, ("desk", "exchange_device", FULL)]),
}

#: Day 5 after purchase: the return period, so both 三包 choices are open (R-sanbao-1).
IN_WARRANTY_DAYS, OUT_OF_WARRANTY_DAYS = 5, 500


def test_the_expected_table_covers_every_state():
    assert {status for status, _out, _route in ROUTES.values()} == set(S.values)
    assert set(ROUTES) == set(MOVES)


class Rolledback(Exception):
    pass


def attempt(ticket, actor, action, *, before):
    """(status after, version after, event written?) of ``action``, or None when refused; the
    change is rolled back whatever happened."""
    timeline = TicketEvent.objects.filter(ticket=ticket).count()
    try:
        with transaction.atomic():
            if action == "parts_arrived":
                # By hand, once the delivery is on the shelf (the stock rules are R-parts-2).
                for part in Part.objects.filter(point=ticket.point):
                    in_stock(part)
            try:
                moved = act(ticket, actor, action, version=ticket.version, **FULL)
            except (TransitionError, PermissionDenied):
                # Refused, and nothing changed: neither the state, nor the version, nor the
                # timeline.
                now = RepairTicket.objects.get(pk=ticket.pk)
                assert (now.status, now.version) == (before, ticket.version)
                assert TicketEvent.objects.filter(ticket=ticket).count() == timeline
                outcome = None
            else:
                written = (
                    TicketEvent.objects.filter(ticket=ticket).count() == timeline + 1
                    and TicketEvent.objects.filter(
                        ticket=ticket, action=action, actor=actor, from_status=before
                    ).exists()
                )
                outcome = (moved.status, moved.version, written)
            raise Rolledback(outcome)
    except Rolledback as done:
        return done.args[0]


@pytest.fixture
def staff(point):
    return {role: make_staff(role, point=point, region=point.region).user for role in Role}


def reach(name, *, point, staff):
    status, out_of_warranty, route = ROUTES[name]
    people = {"desk": staff[Role.FRONT_DESK], "tech": staff[Role.TECHNICIAN]}
    days = OUT_OF_WARRANTY_DAYS if out_of_warranty else IN_WARRANTY_DAYS
    ticket = open_ticket(point, people["desk"], purchase_days_ago=days)
    if route == "short":
        screen = Part.objects.create(point=point, code="SCR", name="屏幕", price=Decimal("300"))
        route = [
            *START,
            (
                "tech",
                "diagnose",
                {
                    "fault_confirmed": "屏幕不亮",
                    "parts": [_line(screen)],
                    "parts_expected_on": timezone.localdate() + dt.timedelta(days=3),
                },
            ),
        ]
    for who, action, fields in route:
        ticket.refresh_from_db()
        ticket = act(ticket, people[who], action, **fields)
    ticket.refresh_from_db()
    assert ticket.status == status, f"{name} reached {ticket.status}"
    return ticket


def _line(part):
    return PartLineInput(part.pk, 1)


@pytest.mark.parametrize("state", list(ROUTES))
def test_who_may_move_the_ticket_from_each_state_and_where_it_goes(state, point, staff):
    ticket = reach(state, point=point, staff=staff)
    before = ticket.status
    wrong = []
    for action in ACTIONS:
        target = MOVES[state].get(action)
        for role, actor in staff.items():
            expected = (
                (target, ticket.version + 1, True)
                if target is not None and role in WHO[action]
                else None
            )
            got = attempt(ticket, actor, action, before=before)
            if got != expected:
                wrong.append(f"{action} by {role}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)
    unchanged = RepairTicket.objects.get(pk=ticket.pk)
    assert (unchanged.status, unchanged.version) == (before, ticket.version)


def test_every_move_of_the_table_has_its_command():
    """A transition row without a command could never be made from the page, and a command
    without a row could never run: the machine's rows are the table of commands, each with its
    command, and one action has one command whatever its source state."""
    from repairs import transitions
    from repairs.actions.commands import COMMANDS, TRANSITIONS, TicketCommand

    assert transitions.MACHINE.transitions == tuple(TRANSITIONS)
    assert all(isinstance(row.command, TicketCommand) for row in TRANSITIONS)
    assert set(COMMANDS) == set(transitions.MACHINE.actions)
    for row in TRANSITIONS:
        assert row.command == COMMANDS[row.action], row
        assert row.command.service.__name__ == f"ticket_{row.action}", row
