"""旧件返还 in the browser: the technician makes a return batch from the defective stock, prints
its packing list, marks it packed and shipped (one refused shipment keeps what was typed), and
the regional center of the point's region marks it received."""

from decimal import Decimal

import pytest

from parts.models import Part, ReturnBatch, ReturnBatchStatus
from repairs.actions import PartLineInput
from servicedesk.models import Role
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD, in_stock, make_staff
from tests.opening import open_ticket
from tests.tickets import move

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def repaired(point, staff_of):
    """A warranty repair whose screen the brand wants back is done: the piece waits."""
    desk, tech = staff_of(Role.FRONT_DESK), staff_of(Role.TECHNICIAN)
    screen = in_stock(
        Part.objects.create(
            point=point,
            code="SCR-X100",
            name="X100 屏幕总成",
            price=Decimal("620"),
            must_return=True,
        ),
        on_hand=3,
    )
    ticket = open_ticket(point, desk.user)
    move(ticket, tech.user, "start_diagnosis")
    move(
        ticket,
        tech.user,
        "diagnose",
        fault_confirmed="屏幕排线故障",
        parts=[PartLineInput(screen.pk, 1)],
    )
    move(ticket, tech.user, "complete_repair", repair_method="更换屏幕总成")
    region = make_staff(Role.REGIONAL_CENTER, region=point.region)
    return ticket, tech, region


def fits(page) -> bool:
    return not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize("width", [1366, 1024])
def test_a_return_batch_is_made_printed_packed_shipped_and_received(
    browser, live_server, repaired, width
):
    ticket, tech, region = repaired
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    log_in(page, tech.user.username, PASSWORD)

    page.goto(f"{live_server.url}/repairs/parts/defective/")
    assert ticket.number in page.locator("[data-testid=pending-piece]").inner_text()
    screenshot(page, f"returns-defective-stock-{width}")
    assert fits(page)
    with page.expect_navigation():
        page.locator("[data-testid=make-batch] button[type=submit]").click()
    batch = ReturnBatch.objects.get()
    assert batch.number in page.locator(".alert").first.inner_text()

    # The packing list: ticket number, part number, count, signatures.
    with page.expect_navigation():
        page.get_by_role("link", name="打印装箱单").click()
    sheet = page.locator("main.sheet").inner_text()
    assert ticket.number in sheet and "SCR-X100" in sheet and "签字" in sheet
    screenshot(page, f"returns-packing-list-{width}")
    page.go_back()

    with page.expect_navigation():
        page.get_by_role("button", name="标记为已装箱").click()
    assert page.locator("[data-testid=batch-status]").inner_text() == "已装箱"

    # Shipped without the carrier: refused beside its field; the tracking number stays.
    page.fill("input[name=tracking_number]", "SF1234567890")
    with page.expect_navigation():
        page.locator("input[name=tracking_number]").press("Enter")
    assert page.locator("input[name=tracking_number]").input_value() == "SF1234567890"
    assert "is-invalid" in page.locator("input[name=carrier]").get_attribute("class")
    screenshot(page, f"returns-ship-refused-{width}")
    assert fits(page)
    page.fill("input[name=carrier]", "顺丰速运")
    with page.expect_navigation():
        page.get_by_role("button", name="标记为已发出").click()
    assert page.locator("[data-testid=tracking]").inner_text() == "SF1234567890"
    context.close()

    # The regional center of the point's region receives it.
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    log_in(page, region.user.username, PASSWORD)
    page.goto(f"{live_server.url}/repairs/parts/returns/?status=shipped")
    with page.expect_navigation():
        page.get_by_role("link", name=batch.number).click()
    with page.expect_navigation():
        page.get_by_role("button", name="确认签收").click()
    assert page.locator("[data-testid=batch-status]").inner_text() == "区域客服中心已签收"
    screenshot(page, f"returns-received-{width}")
    assert fits(page)
    batch.refresh_from_db()
    assert batch.status == ReturnBatchStatus.RECEIVED
    context.close()
