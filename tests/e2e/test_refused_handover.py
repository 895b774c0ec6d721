"""A refused paid handover in the browser (1366×768): an amount with three decimals (typed in
full-width digits, which are read as ASCII) comes back as an error beside its field, and
everything else the desk typed, ticked and the customer drew is still there, so only the amount
needs fixing."""

import pytest

from counter.models import Payment
from repairs.models import TicketStatus
from servicedesk.models import Role
from tests import tickets
from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_repair_walk import sign
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BLANK_CANVAS = """(canvas) => {
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  return !pixels.some((value) => value !== 0);
}"""


def test_a_refused_handover_keeps_every_field_and_shows_the_error_beside_it(
    browser, live_server, point, staff_of
):
    desk, supervisor = staff_of(Role.FRONT_DESK), staff_of(Role.SUPERVISOR)
    ticket, _body = tickets.ticket_ready_for(
        "hand_over_paid", point=point, desk=desk.user, actor=supervisor.user
    )
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    log_in(page, desk.user.username, PASSWORD)
    page.goto(f"{live_server.url}/repairs/{ticket.pk}/")

    form = page.locator("form.js-action-form:has(input[value=hand_over])")
    form.locator("input[name=tested_with_customer]").check()
    form.locator("input[name=explanation_given]").check()
    form.locator("input[name=amount_received]").fill("１２.３４５")
    form.locator("input[name=invoice_number]").fill("INV-2026-0042")
    form.locator("canvas.signature-pad").scroll_into_view_if_needed()  # below the fold at 768
    sign(page, "hand_over")
    form.locator("#sr4").check()
    form.locator("input[name=satisfaction_comment]").fill("态度很好")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()

    form = page.locator("form.js-action-form:has(input[value=hand_over])")
    amount = form.locator("input[name=amount_received]")
    assert amount.input_value() == "１２.３４５"
    assert "is-invalid" in amount.get_attribute("class")
    error = amount.locator("xpath=following-sibling::div[contains(@class,'invalid-feedback')]")
    assert error.is_visible()
    # Beside its field: just below the amount, in the same column.
    field_box, error_box = amount.bounding_box(), error.bounding_box()
    assert 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 30
    assert abs(error_box["x"] - field_box["x"]) < 5
    assert form.locator("input[name=invoice_number]").input_value() == "INV-2026-0042"
    assert form.locator("input[name=tested_with_customer]").is_checked()
    assert form.locator("input[name=explanation_given]").is_checked()
    assert form.locator("#sr4").is_checked()
    assert form.locator("input[name=satisfaction_comment]").input_value() == "态度很好"
    signature = form.locator("input[name=signature]").input_value()
    assert signature.startswith("data:image/png;base64,")
    page.wait_for_function(
        f"!({BLANK_CANVAS})(document.querySelector("
        "'form:has(input[value=hand_over]) canvas.signature-pad'))"
    )
    amount.scroll_into_view_if_needed()
    screenshot(page, "refused-handover")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.READY
    assert not Payment.objects.filter(ticket=ticket).exists()

    # Only the amount needs fixing: the same form goes through.
    amount.fill("800")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.HANDED_OVER
    assert Payment.objects.get(ticket=ticket).invoice_number == "INV-2026-0042"
    context.close()
