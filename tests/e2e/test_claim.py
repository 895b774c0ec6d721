"""The warranty claim page in the browser: the service manager picks a month and sees the claim
per repair type, the month's money by method and the cash-ups, at both counter screen widths;
a month that is not a month is refused beside its field."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from counter.models import CashUp, CashUpStatus, MoneyEntry, MoneyKind, PaymentMethod
from repairs.models import RepairType
from servicedesk.models import Role
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD
from tests.followups.conftest import handed_over_ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OCTOBER = dt.datetime(2026, 10, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_manager_reads_the_months_claim_and_money(browser, live_server, point, staff_of):
    desk, manager = staff_of(Role.FRONT_DESK), staff_of(Role.SERVICE_MANAGER)
    for code, name, fee in (("SCR", "更换屏幕总成", "80.00"), ("BAT", "更换电池", "50.00")):
        repair_type = RepairType.objects.create(
            point=point, code=code, name=name, labor_fee=Decimal(fee)
        )
        for _ in range(2):
            ticket = handed_over_ticket(point, handed_over_at=OCTOBER)
            ticket.repair_type, ticket.labor_fee = repair_type, Decimal(fee)
            ticket.save()
            # Fitted at "repair done" (only fitted parts are claimed).
            ticket.part_lines.create(
                name="配件", quantity=1, consumed=1, unit_price=Decimal("199.90")
            )
            MoneyEntry.objects.create(
                ticket=ticket,
                method=PaymentMethod.objects.get(code="wechat"),
                kind=MoneyKind.PAYMENT,
                amount=Decimal("20.00"),
                by=desk.user,
                at=OCTOBER,
            )
    CashUp.objects.create(
        point=point,
        user=desk.user,
        day=OCTOBER.date(),
        status=CashUpStatus.CONFIRMED,
        expected_cash=Decimal("100.00"),
        counted_cash=Decimal("95.00"),
        note="少了五元，已登记",
    )
    for width in (1366, 1024):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 768})
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base_url = live_server.url
        log_in(page, manager.user.username, PASSWORD)
        page.goto(f"{live_server.url}/claim/?month=2026-10")
        assert "¥1,059.60" in page.locator("[data-testid=claim-total]").inner_text()
        assert "¥80.00" in page.locator("[data-testid=money-net]").inner_text()
        assert "少了五元" in page.content()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(page, f"claim-{width}")
        if width == 1024:
            page.goto(f"{live_server.url}/claim/?month=2026-13")
            assert page.locator(".text-danger").first.is_visible()
            screenshot(page, "claim-bad-month")
        context.close()
