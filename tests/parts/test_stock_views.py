"""rules#parts pages, per role: the stock (below level flagged), receiving a delivery (the waiting
ticket moves on), counting with a reason, the reorder list and its Excel-safe CSV."""

import csv
import datetime as dt
import io
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from parts.models import Part, PartStock, StockMovement
from repairs.actions import PartLineInput
from repairs.models import TicketStatus
from servicedesk.models import Role
from tests.factories import in_stock
from tests.opening import open_ticket
from tests.tickets import move

pytestmark = pytest.mark.django_db


@pytest.fixture
def parts(point):
    return {
        "screen": in_stock(
            Part.objects.create(point=point, code="SCR-1", name="屏幕总成", price=Decimal("600")),
            on_hand=1,
            reorder_level=3,
        ),
        "battery": in_stock(
            Part.objects.create(point=point, code="=BAT", name="电池", price=Decimal("90")),
            on_hand=10,
            reorder_level=2,
        ),
    }


def waiting_ticket(point, staff_of, part, quantity=3):
    ticket = open_ticket(point, staff_of(Role.FRONT_DESK).user)
    tech = staff_of(Role.TECHNICIAN).user
    move(ticket, tech, "start_diagnosis")
    return move(
        ticket,
        tech,
        "diagnose",
        fault_confirmed="屏幕碎裂",
        parts=[PartLineInput(part.pk, quantity)],
        parts_expected_on=timezone.localdate() + dt.timedelta(days=3),
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.FRONT_DESK, 200),
        (Role.TECHNICIAN, 200),
        (Role.SUPERVISOR, 200),
        (Role.SERVICE_MANAGER, 200),
        (Role.REGIONAL_CENTER, 200),
        (Role.HOTLINE, 403),
        (Role.CALLBACK_CLERK, 403),
    ],
)
def test_stock_page_per_role_flags_parts_below_their_level(
    role, status, client, point, staff_of, parts
):
    client.force_login(staff_of(role).user)
    response = client.get(reverse("repairs:stock_list"))
    assert response.status_code == status
    if status == 200:
        text = response.content.decode()
        assert "SCR-1" in text and text.count("data-below-level") == 1


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.FRONT_DESK, False),
        (Role.TECHNICIAN, True),
        (Role.SUPERVISOR, True),
        (Role.HOTLINE, False),
        (Role.REGIONAL_CENTER, False),
    ],
)
def test_count_with_reason_per_role(role, allowed, client, point, staff_of, parts):
    client.force_login(staff_of(role).user)
    body = {"part": "scr-1", "kind": "count", "quantity": "4", "reason": "月底盘点"}
    response = client.post(reverse("repairs:stock_adjust"), body)
    assert response.status_code in ((302,) if allowed else (403,))
    assert PartStock.objects.get(part=parts["screen"]).on_hand == (4 if allowed else 1)


def test_receiving_a_delivery_moves_the_waiting_ticket_on(client, point, staff_of, parts):
    ticket = waiting_ticket(point, staff_of, parts["screen"])
    assert ticket.status == TicketStatus.WAITING_PARTS
    client.force_login(staff_of(Role.FRONT_DESK).user)
    home = client.get(reverse("home")).content.decode()
    assert ticket.number in home
    response = client.post(
        reverse("repairs:stock_receive"),
        {"part": "SCR-1", "quantity": "5", "reference": "DN-9", "token": str(uuid.uuid4())},
        follow=True,
    )
    assert ticket.number in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REPAIRING
    assert PartStock.objects.get(part=parts["screen"]).on_hand == 6


def test_the_same_delivery_sent_twice_is_received_once(client, point, staff_of, parts):
    client.force_login(staff_of(Role.FRONT_DESK).user)
    body = {"part": "SCR-1", "quantity": "5", "token": str(uuid.uuid4())}
    client.post(reverse("repairs:stock_receive"), body)
    client.post(reverse("repairs:stock_receive"), body)
    assert PartStock.objects.get(part=parts["screen"]).on_hand == 6


def test_refused_delivery_keeps_what_was_typed(client, point, staff_of, parts):
    client.force_login(staff_of(Role.FRONT_DESK).user)
    response = client.post(
        reverse("repairs:stock_receive"),
        {"part": "NOPE-7", "quantity": "12", "reference": "DN-77"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert 'value="NOPE-7"' in text and 'value="12"' in text and 'value="DN-77"' in text
    assert not StockMovement.objects.exists()


def test_another_points_part_number_is_not_found(client, point, other_point, staff_of, parts):
    Part.objects.create(point=other_point, code="ONLY-THERE", name="外点配件", price=1)
    client.force_login(staff_of(Role.FRONT_DESK).user)
    response = client.post(
        reverse("repairs:stock_receive"), {"part": "ONLY-THERE", "quantity": "1"}
    )
    assert response.status_code == 200
    assert not StockMovement.objects.exists()


def test_reorder_list_and_csv_list_what_to_order(client, point, staff_of, parts):
    waiting_ticket(point, staff_of, parts["screen"])  # 1 in stock, 3 needed: 2 missing
    client.force_login(staff_of(Role.SUPERVISOR).user)
    page = client.get(reverse("repairs:reorder_list")).content.decode()
    assert "SCR-1" in page and "=BAT" not in page
    response = client.get(reverse("repairs:reorder_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1:] == ["SCR-1", "屏幕总成", "0", "3", "2", "5"]


def test_reorder_csv_neutralises_formula_cells(client, point, staff_of, parts):
    PartStock.objects.filter(part=parts["battery"]).update(reorder_level=20)
    client.force_login(staff_of(Role.SUPERVISOR).user)
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("repairs:reorder_csv")).content.decode("utf-8-sig"))
        )
    )
    assert [row[1] for row in rows[1:] if "BAT" in row[1]] == ["'=BAT"]


def test_ticket_list_filters_the_tickets_waiting_for_parts(client, point, staff_of, parts):
    waiting = waiting_ticket(point, staff_of, parts["screen"])
    other = open_ticket(point, staff_of(Role.FRONT_DESK).user)
    client.force_login(staff_of(Role.TECHNICIAN).user)
    text = client.get(reverse("repairs:ticket_list") + "?status=waiting_parts").content.decode()
    assert waiting.number in text and other.number not in text


def test_waiting_sms_is_in_the_points_language_when_the_screen_is_english(point, staff_of, parts):
    from django.utils import translation

    from servicedesk.models import Notification

    with translation.override("en"):
        ticket = waiting_ticket(point, staff_of, parts["screen"])
    sms = Notification.objects.get(ticket=ticket)
    assert sms.text.startswith(f"【{point.name}】"), sms.text
    assert "待" in sms.text or "配件" in sms.text
    assert "waits for a spare part" not in sms.text


def test_a_quote_waiting_for_approval_gives_the_parts_date_not_a_wait_of_0_days(
    client, point, staff_of, parts
):
    """Before the customer approves, nothing waits yet: the page says when the part is expected
    (the date the quote gives the customer), not "待料 0 天"."""
    tech = staff_of(Role.TECHNICIAN).user
    ticket = open_ticket(point, staff_of(Role.FRONT_DESK).user, purchase_days_ago=500)
    move(ticket, tech, "start_diagnosis")
    expected = timezone.localdate() + dt.timedelta(days=3)
    ticket = move(
        ticket,
        tech,
        "diagnose",
        fault_confirmed="屏幕碎裂",
        parts=[PartLineInput(parts["screen"].pk, 3)],
        parts_expected_on=expected,
    )
    assert ticket.status == TicketStatus.AWAITING_APPROVAL
    client.force_login(tech)
    page = client.get(reverse("repairs:ticket_detail", args=[ticket.pk])).content.decode()
    wait = page.split("data-parts-wait>", 1)[1].split("</dd>", 1)[0]
    assert expected.isoformat() in wait
    assert "待料 0 天" not in page and " 0 " not in wait
    client.force_login(staff_of(Role.FRONT_DESK).user)
    page = client.get(reverse("repairs:ticket_detail", args=[ticket.pk])).content.decode()
    quote = page.split("data-quote-parts-expected>", 1)[1].split("</p>", 1)[0]
    assert expected.isoformat() in quote


def test_waiting_ticket_page_shows_the_wait_and_refuses_parts_arrived_while_short(
    client, point, staff_of, parts
):
    ticket = waiting_ticket(point, staff_of, parts["screen"])
    client.force_login(staff_of(Role.TECHNICIAN).user)
    url = reverse("repairs:ticket_detail", args=[ticket.pk])
    page = client.get(url).content.decode()
    assert "data-parts-wait" in page and 'data-action="parts_arrived"' in page
    assert "data-part-short" in page
    response = client.post(
        reverse("repairs:ticket_action", args=[ticket.pk]),
        {"action": "parts_arrived", "version": ticket.version},
        follow=True,
    )
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_PARTS
    PartStock.objects.filter(part=parts["screen"]).update(on_hand=5)
    client.post(
        reverse("repairs:ticket_action", args=[ticket.pk]),
        {"action": "parts_arrived", "version": ticket.version},
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REPAIRING
    assert ticket.parts_wait > dt.timedelta(0) or ticket.waiting_parts_since is None
