"""rules#parts: the point's spare-parts stock through the ticket's steps: the diagnosis reserves,
"repair done" consumes, a refused quote releases, a short part makes the ticket wait for parts
with the expected date, and the delivery that brings it moves the ticket on."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from parts.models import MovementKind, Part, PartStock, StockMovement
from parts.services.stock import AdjustKind, stock_adjust, stock_receive
from repairs.actions import PartLineInput, TransitionError
from repairs.models import TicketStatus
from servicedesk.models import AuditLog, Notification, Role
from tests.opening import open_ticket
from tests.tickets import move

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def people(staff_of):
    return {
        "desk": staff_of(Role.FRONT_DESK).user,
        "tech": staff_of(Role.TECHNICIAN).user,
        "boss": staff_of(Role.SUPERVISOR).user,
    }


@pytest.fixture
def screen(point):
    part = Part.objects.create(point=point, code="SCR-1", name="屏幕总成", price=Decimal("600"))
    PartStock.objects.create(point=point, part=part, on_hand=2, reorder_level=1)
    return part


def stock_of(part):
    return PartStock.objects.get(part=part)


def diagnosed(point, people, part, *, quantity=1, warranty_days=100, expected=None):
    ticket = open_ticket(point, people["desk"], purchase_days_ago=warranty_days)
    move(ticket, people["tech"], "start_diagnosis")
    return move(
        ticket,
        people["tech"],
        "diagnose",
        fault_confirmed="屏幕碎裂",
        parts=[PartLineInput(part.pk, quantity)],
        parts_expected_on=expected,
    )


def test_diagnosis_reserves_the_parts_it_lists(point, people, screen):
    ticket = diagnosed(point, people, screen)
    assert ticket.status == TicketStatus.REPAIRING
    stock = stock_of(screen)
    assert (stock.on_hand, stock.reserved, stock.free) == (2, 1, 1)
    movement = StockMovement.objects.get(ticket=ticket)
    assert (movement.kind, movement.quantity, movement.by) == (
        MovementKind.RESERVE,
        1,
        people["tech"],
    )


def test_repair_done_consumes_the_reserved_parts(point, people, screen):
    ticket = diagnosed(point, people, screen)
    move(ticket, people["tech"], "complete_repair", repair_method="更换屏幕")
    stock = stock_of(screen)
    assert (stock.on_hand, stock.reserved) == (1, 0)
    assert ticket.part_lines.get().consumed == 1


def test_refused_quote_releases_the_reserved_parts(point, people, screen):
    ticket = diagnosed(point, people, screen, warranty_days=500)
    assert ticket.status == TicketStatus.AWAITING_APPROVAL
    assert stock_of(screen).reserved == 1
    move(ticket, people["desk"], "refuse_quote", consent_kind="verbal")
    stock = stock_of(screen)
    assert (stock.on_hand, stock.reserved) == (2, 0)
    assert StockMovement.objects.filter(ticket=ticket, kind=MovementKind.RELEASE).count() == 1


@time_machine.travel(NOW, tick=False)
def test_short_part_puts_the_ticket_into_waiting_for_parts_with_the_expected_date(
    point, people, screen
):
    expected = dt.date(2026, 12, 5)
    ticket = diagnosed(point, people, screen, quantity=3, expected=expected)
    assert ticket.status == TicketStatus.WAITING_PARTS
    assert ticket.parts_expected_on == expected
    assert ticket.waiting_parts_since == NOW
    # What the stock has is taken; the rest waits.
    line = ticket.part_lines.get()
    assert (line.reserved, line.short) == (2, 1)
    assert stock_of(screen).free == 0
    message = Notification.objects.get(ticket=ticket)
    assert "2026-12-05" in message.text
    assert ticket.number in message.text


def test_short_part_without_an_expected_date_is_refused_and_reserves_nothing(point, people, screen):
    ticket = open_ticket(point, people["desk"])
    move(ticket, people["tech"], "start_diagnosis")
    with pytest.raises(ValidationError) as refused:
        move(
            ticket,
            people["tech"],
            "diagnose",
            fault_confirmed="屏幕碎裂",
            parts=[PartLineInput(screen.pk, 3)],
        )
    assert "parts_expected_on" in refused.value.message_dict
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DIAGNOSING
    assert stock_of(screen).reserved == 0


def test_delivery_moves_the_waiting_ticket_on_to_repairing(point, people, screen):
    with time_machine.travel(NOW, tick=False):
        ticket = diagnosed(point, people, screen, quantity=3, expected=dt.date(2026, 12, 5))
    later = NOW + dt.timedelta(days=2, hours=3)
    with time_machine.travel(later, tick=False):
        moved = stock_receive(
            point=point, actor=people["desk"], part=screen, quantity=5, reference="DN-001"
        )
    assert [t.pk for t in moved] == [ticket.pk]
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REPAIRING
    # The time waiting is recorded apart from the repair's own time.
    assert ticket.parts_wait == dt.timedelta(days=2, hours=3)
    assert ticket.waiting_parts_since is None
    stock = stock_of(screen)
    assert (stock.on_hand, stock.reserved) == (7, 3)
    assert AuditLog.objects.filter(action="stock.received").count() == 1
    assert ticket.events.filter(action="parts_arrived").exists()


def test_delivery_too_small_leaves_the_ticket_waiting(point, people, screen):
    ticket = diagnosed(point, people, screen, quantity=4, expected=timezone.localdate())
    assert stock_receive(point=point, actor=people["desk"], part=screen, quantity=1) == []
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_PARTS
    assert ticket.part_lines.get().short == 1


def test_parts_arrived_by_hand_is_refused_while_the_part_is_still_short(point, people, screen):
    ticket = diagnosed(point, people, screen, quantity=3, expected=timezone.localdate())
    with pytest.raises(TransitionError):
        move(ticket, people["tech"], "parts_arrived")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_PARTS


def test_consumption_lowers_the_stock_and_repair_done_cannot_take_a_missing_part(
    point, people, screen
):
    first = diagnosed(point, people, screen, quantity=2)
    move(first, people["tech"], "complete_repair", repair_method="更换屏幕")
    assert stock_of(screen).on_hand == 0


def test_count_with_reason_is_audited_and_never_below_reserved(point, people, screen):
    diagnosed(point, people, screen)
    with pytest.raises(ValidationError):
        stock_adjust(
            point=point,
            actor=people["boss"],
            part=screen,
            kind=AdjustKind.COUNT,
            quantity=0,
            reason="盘点",
        )
    row = stock_adjust(
        point=point,
        actor=people["boss"],
        part=screen,
        kind=AdjustKind.COUNT,
        quantity=5,
        reason="盘点",
    )
    assert (row.on_hand, row.reserved) == (5, 1)
    entry = AuditLog.objects.get(action="stock.adjusted")
    assert entry.detail["before"]["on_hand"] == 2
    assert entry.detail["reason"] == "盘点"


def test_defective_parts_are_set_aside_from_what_is_free(point, people, screen):
    row = stock_adjust(
        point=point,
        actor=people["tech"],
        part=screen,
        kind=AdjustKind.DEFECTIVE,
        quantity=1,
        reason="来料不良",
    )
    assert (row.on_hand, row.defective) == (1, 1)
    with pytest.raises(ValidationError):
        stock_adjust(
            point=point,
            actor=people["tech"],
            part=screen,
            kind=AdjustKind.DEFECTIVE,
            quantity=2,
            reason="来料不良",
        )


def test_adjustment_without_a_reason_is_refused(point, people, screen):
    with pytest.raises(ValidationError):
        stock_adjust(
            point=point,
            actor=people["boss"],
            part=screen,
            kind=AdjustKind.LEVEL,
            quantity=3,
            reason=" ",
        )
