"""The desk's day at the till in the browser: a repair paid by WeChat Pay and cash (the change
from the cash only), then the cash-up: a count that differs without a note is refused beside the
note and keeps the amount typed; with the note it goes to the supervisor, who confirms it."""

from decimal import Decimal

import pytest

from counter.models import CashUp, CashUpStatus, MoneyEntry
from repairs.models import TicketStatus
from servicedesk.models import Role
from tests import tickets
from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_repair_walk import sign
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _page(browser, live_server, user, width=1366):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    log_in(page, user.username, PASSWORD)
    return page


def test_the_desk_takes_wechat_and_cash_and_counts_the_day(browser, live_server, point, staff_of):
    desk, supervisor = staff_of(Role.FRONT_DESK), staff_of(Role.SUPERVISOR)
    ticket, _body = tickets.ticket_ready_for(
        "hand_over_paid", point=point, desk=desk.user, actor=supervisor.user
    )  # ¥80 due
    page = _page(browser, live_server, desk.user)
    page.goto(f"{live_server.url}/repairs/{ticket.pk}/")
    form = page.locator("form.js-action-form[data-action=hand_over]")
    form.locator("input[name=tested_with_customer]").check()
    form.locator("input[name=explanation_given]").check()
    form.locator("select[name=method_0]").select_option("wechat")
    form.locator("input[name=amount_received]").fill("50")
    form.locator("input[name=reference_0]").fill("4200009988")
    form.locator("select[name=method_1]").select_option("cash")
    form.locator("input[name=amount_1]").fill("50")
    form.locator("input[name=invoice_not_requested]").check()
    form.locator("#sd").check()
    sign(page, "hand_over")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.HANDED_OVER
    cash = MoneyEntry.objects.get(ticket=ticket, method__code="cash")
    assert (cash.amount, cash.change) == (Decimal("50.00"), Decimal("20.00"))
    assert "4200009988" in page.locator("[data-testid=money-entries]").inner_text()

    page.goto(f"{live_server.url}/repairs/cash-up/")
    assert "¥30.00" in page.locator("[data-testid=expected-cash]").inner_text()
    count = page.locator("[data-testid=cash-up-form]")
    count.locator("input[name=counted_cash]").fill("25")
    count.locator("button[type=submit]").click()
    page.wait_for_load_state()
    count = page.locator("[data-testid=cash-up-form]")
    note = count.locator("input[name=note]")
    assert "is-invalid" in note.get_attribute("class")
    assert count.locator("input[name=counted_cash]").input_value() == "25"
    screenshot(page, "cash-up-refused")
    assert not CashUp.objects.exists()
    note.fill("找零多找了五元")
    count.locator("button[type=submit]").click()
    page.wait_for_load_state()
    cash_up = CashUp.objects.get(user=desk.user)
    assert (cash_up.expected_cash, cash_up.counted_cash) == (Decimal("30.00"), Decimal("25.00"))
    page.context.close()

    boss = _page(browser, live_server, supervisor.user, width=1024)
    boss.goto(f"{live_server.url}/repairs/cash-up/")
    sheet = boss.locator("[data-testid=cash-up-sheet]")
    assert "找零多找了五元" in sheet.inner_text()
    assert "−¥5.00" in sheet.inner_text()
    sheet.get_by_role("button", name="确认日结").click()
    boss.wait_for_load_state()
    screenshot(boss, "cash-up-confirmed-1024")
    cash_up.refresh_from_db()
    assert cash_up.status == CashUpStatus.CONFIRMED
    # The confirmed day still shows what it counted, not an empty till.
    assert "¥30.00" in boss.locator("[data-testid=expected-cash]").inner_text()
    boss.context.close()
