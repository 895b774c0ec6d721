"""Lending a loaner at the counter and taking it back, in the browser: from the ticket page's
link, the customer signs; a refused lend keeps the loaner, the deposit and the drawn signature;
the ticket page then warns of the loaner with one click to take it back, and the loaner's
history shows the lend and the return."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from loaners.models import Loan, Loaner, LoanerStatus
from servicedesk.models import Role
from tests import tickets
from tests.e2e.conftest import log_in, screenshot
from tests.e2e.test_refused_handover import BLANK_CANVAS
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

IMEI = "490154203237518"


def sign(page):
    pad = page.locator("canvas.signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 40 + (step % 3) * 20)
    page.mouse.up()


def test_lending_a_loaner_at_the_counter_and_taking_it_back(browser, live_server, point, staff_of):
    desk, supervisor = staff_of(Role.FRONT_DESK), staff_of(Role.SUPERVISOR)
    ticket, _body = tickets.ticket_ready_for(
        "hand_over", point=point, desk=desk.user, actor=supervisor.user
    )
    loaner = Loaner.objects.create(
        point=point,
        model_name="Nova 5",
        imei=IMEI,
        condition="外观良好",
        deposit_amount=Decimal("300.00"),
    )
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    log_in(page, desk.user.username, PASSWORD)
    page.goto(f"{live_server.url}/repairs/{ticket.pk}/")
    page.click(f"a[href='/loaners/lend/?ticket={ticket.pk}']")
    page.wait_for_load_state()
    assert ticket.customer.name in page.locator("[data-customer]").inner_text()

    # A first try without the expected day: refused, and nothing typed or drawn is lost.
    page.select_option("select[name=loaner]", str(loaner.pk))
    page.fill("input[name=deposit_taken]", "300")
    sign(page)
    page.click("#lend-form button[type=submit]")
    page.wait_for_load_state()
    date = page.locator("input[name=expected_back]")
    assert "is-invalid" in date.get_attribute("class")
    assert page.locator("select[name=loaner]").input_value() == str(loaner.pk)
    assert page.locator("input[name=deposit_taken]").input_value() == "300"
    assert page.locator("input[name=signature]").input_value().startswith("data:image/png;base64,")
    page.wait_for_function(f"!({BLANK_CANVAS})(document.querySelector('canvas.signature-pad'))")
    screenshot(page, "loaner-lend-refused")
    assert not Loan.objects.exists()

    back = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    date.fill(back)
    page.click("#lend-form button[type=submit]")
    page.wait_for_url(f"**/repairs/{ticket.pk}/")
    loan = Loan.objects.get(loaner=loaner)
    assert loan.ticket_id == ticket.pk and loan.deposit_taken == Decimal("300.00")
    warning = page.locator("[data-loaner-warning]")
    assert IMEI in warning.inner_text()
    assert page.locator("input[name=loaner_reason]").count() == 1
    screenshot(page, "loaner-ticket-warning-1366")
    page.set_viewport_size({"width": 1024, "height": 768})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "loaner-ticket-warning-1024")

    # Taken back at the counter: one click from the warning, then confirm.
    warning.locator("a").click()
    page.wait_for_load_state()
    page.click("#return-form button[type=submit]")
    page.wait_for_url(f"**/repairs/{ticket.pk}/")
    assert page.locator("[data-loaner-warning]").count() == 0
    assert page.locator("input[name=loaner_reason]").count() == 0
    loaner.refresh_from_db()
    assert loaner.status == LoanerStatus.AVAILABLE

    page.goto(f"{live_server.url}/loaners/{loaner.pk}/")
    history = page.locator("#loaner-history")
    assert history.locator("[data-event=lend]").count() == 1
    assert history.locator("[data-event=return]").count() == 1
    screenshot(page, "loaner-history-1024")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/loaners/")
    screenshot(page, "loaner-list-1366")
    context.close()
