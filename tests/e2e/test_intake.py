"""End to end: a front-desk user registers an arrival, opens a repair record for a new customer
and sees the warranty decision and the ticket number."""

import datetime as dt

import pytest
from django.utils import timezone

from repairs.models import RepairTicket
from servicedesk.models import Role
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_front_desk_registers_arrival_and_opens_a_repair_record(page, staff_of):
    me = staff_of(Role.FRONT_DESK)
    log_in(page, me.user.username, PASSWORD)
    page.goto(page.base_url + "/desk/")
    page.select_option("select[name=purpose]", "repair")
    page.fill("input[name=contact_name]", "周先生")
    page.fill("input[name=contact_phone]", "13700001111")
    page.click("button:has-text('登记')")
    assert "周先生" in page.locator("#board-lists").inner_text()
    screenshot(page, "reception-board")

    page.click("button:has-text('接待')")  # serve: a repair goes to the customer search
    page.wait_for_url("**/desk/search/**")
    assert "未找到顾客" in page.content()
    page.fill("form[action$='/customers/new/'] input[name=name]", "周先生")
    page.click("button:has-text('新建并开维修单')")
    page.wait_for_url("**/repairs/new/**")

    page.fill("input[name=model_name]", "X100 Pro")
    page.fill("input[name=imei]", "490154203237518")
    purchase = (timezone.localdate() - dt.timedelta(days=20)).isoformat()
    page.fill("input[name=purchase_date]", purchase)
    page.check("input[name=proof_of_purchase][value=invoice]")
    page.fill("textarea[name=fault_description]", "充电时手机发烫，电量掉得很快")
    page.check("input[name=backup_warning_given]")
    # The warranty decision shows beside the form before saving.
    page.wait_for_selector("#intake-preview [data-warranty=exchange]")
    screenshot(page, "ticket-open")
    page.click("button:has-text('保存维修单')")
    page.wait_for_url("**/repairs/**")

    ticket = RepairTicket.objects.get()
    content = page.content()
    assert ticket.number in content
    assert "可换货或免费维修" in content  # day 20: exchange or free repair
    assert ticket.visit is not None and ticket.customer.phone == "+8613700001111"
    screenshot(page, "ticket-page")
