"""The quote consent at the counter in the browser: the customer reads the quote (labor, each part,
the total) above the one signature pad; a refused submit marks what is missing and keeps what was
drawn; a refused quote's return keeps the pickup signature too."""

from decimal import Decimal

import pytest

from parts.models import Part
from repairs.actions import PartLineInput
from repairs.models import Quote, RepairType, TicketStatus
from servicedesk.models import Role
from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_refused_handover import BLANK_CANVAS
from tests.e2e.test_repair_walk import sign
from tests.factories import PASSWORD, in_stock
from tests.opening import open_ticket
from tests.tickets import move

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quoted(point, staff_of):
    """An out-of-warranty X100 Pro with a water-damage note, diagnosed: ¥80 labor + ¥620 glass."""
    desk, tech = staff_of(Role.FRONT_DESK), staff_of(Role.TECHNICIAN)
    labor = RepairType.objects.create(
        point=point, code="SCR", name="更换屏幕总成", labor_fee=Decimal("80.00")
    )
    glass = in_stock(
        Part.objects.create(
            point=point, code="P1", name="X100 屏幕总成", model_name="X100", price=Decimal("620.00")
        )
    )
    ticket = open_ticket(point, desk.user, purchase_days_ago=500, water_damage=True)
    move(ticket, tech.user, "start_diagnosis")
    move(
        ticket,
        tech.user,
        "diagnose",
        fault_confirmed="进水导致屏幕排线腐蚀",
        repair_type_id=labor.pk,
        parts=[PartLineInput(glass.pk, 1)],
    )
    return ticket, desk


def _counter(browser, live_server, user, width):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    log_in(page, user.username, PASSWORD)
    return page


@pytest.mark.parametrize("width", [1366, 1024])
def test_the_customer_sees_the_total_above_the_signature_and_a_refused_submit_keeps_it(
    browser, live_server, quoted, width
):
    ticket, desk = quoted
    page = _counter(browser, live_server, desk.user, width)
    page.goto(f"{live_server.url}/repairs/{ticket.pk}/")
    form = page.locator("form.js-action-form[data-action=approve_quote]")
    total = form.locator("[data-testid=amount-due]")
    pad = form.locator("canvas.signature-pad")
    assert "¥700.00" in total.inner_text()
    assert total.bounding_box()["y"] < pad.bounding_box()["y"]
    assert form.locator("canvas.signature-pad").count() == 1

    # Signed, but the damage acknowledgement is not ticked: refused, the signature stays.
    pad.scroll_into_view_if_needed()
    sign(page, "approve_quote")
    form.locator("button[value=approve_quote]").click()
    page.wait_for_load_state()
    form = page.locator("form.js-action-form[data-action=approve_quote]")
    acknowledgement = form.locator("input[name=damage_acknowledged]")
    assert "is-invalid" in acknowledgement.get_attribute("class")
    assert form.locator("input[name=signature]").input_value().startswith("data:image/png")
    page.wait_for_function(
        f"!({BLANK_CANVAS})(document.querySelector("
        "'form[data-action=approve_quote] canvas.signature-pad'))"
    )
    acknowledgement.scroll_into_view_if_needed()
    screenshot(page, f"quote-consent-refused-{width}")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AWAITING_APPROVAL

    acknowledgement.check()
    form.locator("button[value=approve_quote]").click()
    page.wait_for_load_state()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REPAIRING
    quote = Quote.objects.get(ticket=ticket)
    assert bytes(quote.signature_png).startswith(b"\x89PNG") and quote.damage_acknowledged
    page.context.close()


def test_an_empty_signature_is_marked_and_a_phone_answer_needs_none(browser, live_server, quoted):
    ticket, desk = quoted
    page = _counter(browser, live_server, desk.user, 1366)
    page.goto(f"{live_server.url}/repairs/{ticket.pk}/")
    form = page.locator("form.js-action-form[data-action=approve_quote]")
    form.locator("button[value=refuse_quote]").click()
    page.wait_for_load_state()
    form = page.locator("form.js-action-form[data-action=approve_quote]")
    marked = form.locator(".js-signature.is-invalid")
    assert marked.is_visible()
    assert "签名" in marked.inner_text()
    screenshot(page, "quote-consent-unsigned")

    # Answered by phone: the pad goes away and the refusal goes through unsigned.
    form.locator("#ck-v").check()
    assert not form.locator(".js-signature").is_visible()
    form.locator("button[value=refuse_quote]").click()
    page.wait_for_load_state()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.QUOTE_REFUSED
    assert Quote.objects.get(ticket=ticket).verbal_called_by == desk.user

    # The phone back over the counter: a refused return keeps its drawn signature.
    page.goto(f"{live_server.url}/repairs/{ticket.pk}/")
    form = page.locator("form.js-action-form[data-action=return_unrepaired]")
    form.locator("canvas.signature-pad").scroll_into_view_if_needed()
    sign(page, "return_unrepaired")
    form.locator("#sr3").check()
    form.locator("button[type=submit]").click()  # not tested in front of the customer
    page.wait_for_load_state()
    form = page.locator("form.js-action-form[data-action=return_unrepaired]")
    assert form.locator("input[name=signature]").input_value().startswith("data:image/png")
    assert form.locator("#sr3").is_checked()
    assert form.get_by_text("请先当着顾客的面测试设备。").is_visible()
    page.context.close()
