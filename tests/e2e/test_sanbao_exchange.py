"""A 三包 exchange at the counter in the browser: a replacement IMEI with a wrong check digit is
refused beside its field with everything else kept (the model, the drawn signature); corrected,
the exchange ends the ticket and the certificate prints."""

import pytest

from parts.models import DefectiveDevice
from repairs.models import SanbaoDecision, TicketStatus
from servicedesk.models import Role
from tests import tickets
from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_refused_handover import BLANK_CANVAS
from tests.e2e.test_repair_walk import sign
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 1024])
def test_an_exchange_at_the_counter_keeps_its_input_when_refused(
    width, browser, live_server, point, staff_of
):
    desk, supervisor = staff_of(Role.FRONT_DESK), staff_of(Role.SUPERVISOR)
    ticket, _body = tickets.ticket_ready_for(
        "exchange_device", point=point, desk=desk.user, actor=supervisor.user
    )
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    log_in(page, desk.user.username, PASSWORD)
    page.goto(f"{live_server.url}/repairs/{ticket.pk}/")

    form = page.locator("form.js-action-form[data-action=exchange_device]")
    assert form.locator("button[value=return_device]").count() == 0, "day 20: no return"
    form.locator("input[name=replacement_model]").fill("X100 Pro 新机")
    form.locator("input[name=replacement_imei]").fill("356938035643808")  # wrong check digit
    form.locator("canvas.signature-pad").scroll_into_view_if_needed()
    sign(page, "exchange_device")
    form.locator("button[value=exchange_device]").click()
    page.wait_for_load_state()

    form = page.locator("form.js-action-form[data-action=exchange_device]")
    imei = form.locator("input[name=replacement_imei]")
    assert imei.input_value() == "356938035643808"
    assert "is-invalid" in imei.get_attribute("class")
    error = imei.locator("xpath=following-sibling::div[contains(@class,'invalid-feedback')]")
    assert error.is_visible()
    assert form.locator("input[name=replacement_model]").input_value() == "X100 Pro 新机"
    assert form.locator("input[name=signature]").input_value().startswith("data:image/png")
    page.wait_for_function(
        f"!({BLANK_CANVAS})(document.querySelector("
        "'form[data-action=exchange_device] canvas.signature-pad'))"
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    imei.scroll_into_view_if_needed()
    screenshot(page, f"sanbao-exchange-refused-{width}")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REPAIRING
    assert not SanbaoDecision.objects.exists()

    # Only the IMEI needs fixing (typed as printed on the box, with spaces).
    imei.fill("35 693803 564380 9")
    form.locator("button[value=exchange_device]").click()
    page.wait_for_load_state()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.EXCHANGED
    assert SanbaoDecision.objects.get(ticket=ticket).replacement_imei == tickets.REPLACEMENT_IMEI
    assert DefectiveDevice.objects.filter(ticket=ticket).exists()
    screenshot(page, f"sanbao-exchanged-{width}")

    page.click("a[href$='/print/sanbao-certificate/']")
    page.wait_for_load_state()
    text = page.inner_text("main")
    assert "退换货证明" in text and tickets.REPLACEMENT_IMEI in text and ticket.number in text
    screenshot(page, f"sanbao-certificate-{width}")
    context.close()
