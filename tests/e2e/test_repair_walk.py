"""End to end, the whole walk of an out-of-warranty repair: intake → diagnosis → quote → signed
approval → repair → QA → ready (a message in the outbox) → handover with payment → satisfaction
card. Screenshots of the ticket page and the printed pickup slip are saved."""

from decimal import Decimal

import pytest

from counter.models import Payment
from parts.models import Part
from repairs.models import Quote, RepairType, SatisfactionCard, TicketStatus
from servicedesk.models import Notification, Role
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD, in_stock
from tests.opening import open_ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign(page, action):
    pad = page.locator(f"form.js-action-form[data-action={action}] canvas.signature-pad")
    pad.scroll_into_view_if_needed()  # the mouse draws only where the page is on screen
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 40 + (step % 3) * 20)
    page.mouse.up()


def act(page, label):
    page.click(f"form.js-action-form button[type=submit]:has-text('{label}')")
    page.wait_for_load_state()


def test_out_of_warranty_repair_walk(browser, live_server, point, staff_of):
    RepairType.objects.create(
        point=point, code="SCREEN", name="更换屏幕总成", labor_fee=Decimal("80.00")
    )
    glass = in_stock(
        Part.objects.create(
            point=point, code="P1", name="X100 屏幕总成", model_name="X100", price=Decimal("620.00")
        )
    )
    desk, tech = staff_of(Role.FRONT_DESK), staff_of(Role.TECHNICIAN)
    ticket = open_ticket(point, desk.user, purchase_days_ago=500)  # out of warranty
    url = f"{live_server.url}/repairs/{ticket.pk}/"

    def session(user):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base_url = live_server.url
        log_in(page, user.username, PASSWORD)
        page.goto(url)
        return page

    workshop = session(tech.user)
    act(workshop, "开始检测")
    workshop.fill("textarea[name=fault_confirmed]", "屏幕排线断裂，触摸失灵")
    workshop.select_option("select[name=repair_type]", label="更换屏幕总成 ¥80.00")
    workshop.select_option("select[name=part_0]", str(glass.pk))
    act(workshop, "记录检测结果")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AWAITING_APPROVAL

    counter = session(desk.user)
    assert "¥700.00" in counter.content()
    sign(counter, "approve_quote")
    act(counter, "顾客同意，开始维修")
    assert bytes(Quote.objects.get(ticket=ticket).signature_png).startswith(b"\x89PNG")

    workshop.goto(url)
    workshop.fill("textarea[name=repair_method]", "更换屏幕总成，测试触摸与显示正常")
    act(workshop, "维修完成，送交质检")

    counter.goto(url)
    act(counter, "复测通过")
    assert Notification.objects.filter(ticket=ticket).exists()
    assert "已修好" in counter.content()  # the outbox message is shown on the ticket

    counter.check("input[name=tested_with_customer]")
    counter.check("input[name=explanation_given]")
    counter.fill("input[name=amount_received]", "800")
    counter.fill("input[name=invoice_number]", "No.00012345")
    counter.check("input[name=satisfaction_rating][value='5']")
    counter.fill("input[name=satisfaction_comment]", "服务很好")
    sign(counter, "hand_over")
    act(counter, "交机给顾客")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.HANDED_OVER
    payment = Payment.objects.get(ticket=ticket)
    assert (payment.amount_due, payment.change_given) == (Decimal("700.00"), Decimal("100.00"))
    assert SatisfactionCard.objects.get(ticket=ticket).rating == 5
    screenshot(counter, "ticket-page-handed-over")

    counter.goto(f"{live_server.url}/repairs/{ticket.pk}/print/pickup-slip/")
    assert ticket.number in counter.content()
    screenshot(counter, "pickup-slip")
    # Each session's pages closed with the test, not left holding the live server's threads.
    workshop.context.close()
    counter.context.close()
