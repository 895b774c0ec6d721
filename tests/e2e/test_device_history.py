"""End to end: a device repaired in warranty at two other points is brought to a third; the
intake screen shows where and when, the repeat and the exchange entitlement, before saving; the
ticket and device pages show the other points' repairs when the desk asks (a POST, audited)."""

import pytest
from django.urls import reverse

from servicedesk.models import AuditLog, Role
from tests.e2e.conftest import log_in, screenshot
from tests.factories import (
    PASSWORD,
    CustomerFactory,
    RegionFactory,
    ServicePointFactory,
    make_staff,
)
from tests.opening import VALID_IMEI, open_ticket
from tests.repairs.test_device_history import repair_at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_intake_screen_shows_the_repairs_at_other_points(page, point):
    shanghai = ServicePointFactory(
        region=RegionFactory(code="EAST", name="华东"), code="SH01", name="上海网点"
    )
    tianjin = ServicePointFactory(region=point.region, code="TJ01", name="天津网点")
    repair_at(point, tag="北京1", days_ago=60)
    repair_at(shanghai, tag="上海2", days_ago=30)
    desk = make_staff(Role.FRONT_DESK, point=tianjin)
    customer = CustomerFactory(point=tianjin, name="天津顾客")
    log_in(page, desk.user.username, PASSWORD)
    page.goto(page.base_url + reverse("repairs:ticket_open", args=[customer.pk]))
    page.fill("input[name=model_name]", "X100 Pro")
    page.fill("input[name=imei]", VALID_IMEI)
    page.check("input[name=proof_of_purchase][value=invoice]")
    page.wait_for_selector("#intake-preview [data-exchange-reason]")
    text = page.locator("#intake-preview").inner_text()
    assert "BJ01" in text and "SH01" in text and "换机" in text
    assert "北京1顾客名" not in page.content()
    screenshot(page, "intake-device-history-1366")
    page.set_viewport_size({"width": 1024, "height": 768})
    screenshot(page, "intake-device-history-1024")
    page.fill("textarea[name=fault_description]", "屏幕又出现竖线")
    page.check("input[name=backup_warning_given]")
    page.click("button:has-text('保存维修单')")
    page.wait_for_selector("#nationwide-history [data-reveal-history]")
    # The ticket page looks across points only when asked (a POST, audited).
    assert "data-point" not in page.content()
    page.click("#nationwide-history [data-reveal-history]")
    page.wait_for_selector('#nationwide-history [data-point="BJ01"]')
    assert "BJ01" in page.locator("#nationwide-history").inner_text()
    assert "北京1顾客名" not in page.content()
    screenshot(page, "ticket-device-history-1024")


@pytest.fixture
def travelled(point):
    """A device repaired in warranty at BJ01 and SH01, now on TJ01's counter as a ticket."""
    shanghai = ServicePointFactory(
        region=RegionFactory(code="EAST", name="华东"), code="SH01", name="上海网点"
    )
    tianjin = ServicePointFactory(region=point.region, code="TJ01", name="天津网点")
    repair_at(point, tag="北京1", days_ago=60)
    repair_at(shanghai, tag="上海2", days_ago=30)
    desk = make_staff(Role.FRONT_DESK, point=tianjin)
    ticket = open_ticket(tianjin, desk.user, CustomerFactory(point=tianjin, name="天津顾客"))
    return desk, ticket


@pytest.mark.parametrize("width", [1366, 1024])
def test_the_desk_reveals_the_repairs_at_other_points_on_the_ticket_page(page, travelled, width):
    desk, ticket = travelled
    page.set_viewport_size({"width": width, "height": 860})
    log_in(page, desk.user.username, PASSWORD)
    page.goto(page.base_url + reverse("repairs:ticket_detail", args=[ticket.pk]))
    panel = page.locator("#nationwide-history")
    panel.scroll_into_view_if_needed()
    assert "查看其他网点的维修记录" in panel.inner_text()
    assert panel.locator("[data-point]").count() == 0
    seen = AuditLog.objects.filter(action="device.history_shown", detail__purpose="ticket_page")
    assert not seen.exists()
    screenshot(page, f"ticket-history-prompt-{width}")
    panel.locator("[data-reveal-history]").click()
    page.wait_for_selector('#nationwide-history [data-point="SH01"]')
    text = page.locator("#nationwide-history").inner_text()
    assert "BJ01" in text and "SH01" in text and "LCD-101" in text
    assert "北京1顾客名" not in page.content() and "上海2顾客名" not in page.content()
    assert seen.count() == 1
    screenshot(page, f"ticket-history-revealed-{width}")


def test_without_script_the_reveal_is_a_page_of_its_own(browser, live_server, travelled):
    desk, ticket = travelled
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1024, "height": 860}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base_url = live_server.url
        log_in(page, desk.user.username, PASSWORD)
        page.goto(page.base_url + reverse("repairs:device_detail", args=[ticket.device_id]))
        with page.expect_navigation():
            page.click("#nationwide-history [data-reveal-history]")
        assert page.url.endswith(reverse("repairs:device_history", args=[ticket.device_id]))
        assert "BJ01" in page.locator("#nationwide-history").inner_text()
        back = page.locator(
            f'a[href="{reverse("repairs:device_detail", args=[ticket.device_id])}"]'
        )
        assert back.count() == 1
        screenshot(page, "device-history-revealed-no-script-1024")
    finally:
        context.close()
