"""An input method left in full-width mode: the desk types "１００" for the cash received and
"８０" for the count, and both are read as the numbers they are, in the browser."""

from decimal import Decimal

import pytest

from counter.models import CashUp, MoneyEntry
from repairs.models import TicketStatus
from servicedesk.models import Role
from tests import tickets
from tests.e2e.test_cash_up import _page
from tests.e2e.test_repair_walk import sign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_full_width_amount_is_accepted_at_the_handover_and_the_cash_up(
    browser, live_server, point, staff_of
):
    desk, supervisor = staff_of(Role.FRONT_DESK), staff_of(Role.SUPERVISOR)
    ticket, _body = tickets.ticket_ready_for(
        "hand_over_paid", point=point, desk=desk.user, actor=supervisor.user
    )  # ¥80 due
    page = _page(browser, live_server, desk.user)
    page.goto(f"{live_server.url}/repairs/{ticket.pk}/")
    form = page.locator("form.js-action-form[data-action=hand_over]")
    form.locator("input[name=tested_with_customer]").check()
    form.locator("input[name=explanation_given]").check()
    form.locator("select[name=method_0]").select_option("cash")
    form.locator("input[name=amount_received]").fill("１００")
    form.locator("input[name=invoice_not_requested]").check()
    form.locator("#sd").check()
    sign(page, "hand_over")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.HANDED_OVER
    cash = MoneyEntry.objects.get(ticket=ticket)
    assert (cash.amount, cash.change) == (Decimal("100.00"), Decimal("20.00"))

    page.goto(f"{live_server.url}/repairs/cash-up/")
    count = page.locator("[data-testid=cash-up-form]")
    count.locator("input[name=counted_cash]").fill("８０")
    count.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert CashUp.objects.get(user=desk.user).counted_cash == Decimal("80.00")
    page.context.close()
