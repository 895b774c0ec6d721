"""End to end: a device repaired in warranty at two other points is brought to a third; the
intake screen shows where and when, the repeat and the exchange entitlement, before saving."""

import pytest
from django.urls import reverse

from servicedesk.models import Role
from tests.e2e.conftest import log_in, screenshot
from tests.factories import (
    PASSWORD,
    CustomerFactory,
    RegionFactory,
    ServicePointFactory,
    make_staff,
)
from tests.opening import VALID_IMEI
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
    page.wait_for_selector("#nationwide-history")
    assert "BJ01" in page.locator("#nationwide-history").inner_text()
    assert "北京1顾客名" not in page.content()
    screenshot(page, "ticket-device-history-1024")
