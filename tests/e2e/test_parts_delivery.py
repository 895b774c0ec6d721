"""Receiving a parts delivery in the browser: a refused form (an unknown part number) comes back
with everything typed; the corrected delivery moves the ticket waiting for that part on to
repairing, and the stock page shows it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from parts.models import Part, PartStock
from repairs.actions import PartLineInput
from repairs.models import TicketStatus
from servicedesk.models import Role
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD, in_stock
from tests.opening import open_ticket
from tests.tickets import move

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def waiting(point, staff_of):
    """A ticket waiting for the one screen the point does not have."""
    desk, tech = staff_of(Role.FRONT_DESK), staff_of(Role.TECHNICIAN)
    screen = in_stock(
        Part.objects.create(
            point=point, code="SCR-X100", name="X100 屏幕总成", price=Decimal("620")
        ),
        on_hand=0,
        reorder_level=2,
    )
    ticket = open_ticket(point, desk.user)
    move(ticket, tech.user, "start_diagnosis")
    ticket = move(
        ticket,
        tech.user,
        "diagnose",
        fault_confirmed="屏幕碎裂",
        parts=[PartLineInput(screen.pk, 1)],
        parts_expected_on=timezone.localdate() + dt.timedelta(days=3),
    )
    assert ticket.status == TicketStatus.WAITING_PARTS
    return ticket, desk, screen


@pytest.mark.parametrize("width", [1366, 1024])
def test_a_refused_delivery_keeps_its_input_and_the_corrected_one_moves_the_ticket_on(
    browser, live_server, waiting, width
):
    ticket, desk, screen = waiting
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    log_in(page, desk.user.username, PASSWORD)
    page.goto(f"{live_server.url}/")
    assert ticket.number in page.locator("body").inner_text()  # the desk's waiting card

    page.goto(f"{live_server.url}/repairs/parts/receive/")
    page.fill("input[name=part]", "SCR-X10")
    page.fill("input[name=quantity]", "4")
    page.fill("input[name=reference]", "DN-2026-118")
    with page.expect_navigation():  # the refused form's page, not the one it came from
        page.keyboard.press("Enter")
    assert page.locator("input[name=part]").input_value() == "SCR-X10"
    assert page.locator("input[name=quantity]").input_value() == "4"
    assert page.locator("input[name=reference]").input_value() == "DN-2026-118"
    assert "is-invalid" in page.locator("input[name=part]").get_attribute("class")
    screenshot(page, f"parts-receive-refused-{width}")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")

    page.fill("input[name=part]", "scr-x100")
    with page.expect_navigation():
        page.locator("form.card button[type=submit]").click()
    assert ticket.number in page.locator(".alert").first.inner_text()
    screenshot(page, f"parts-stock-{width}")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REPAIRING
    assert PartStock.objects.get(part=screen).on_hand == 4
    context.close()
