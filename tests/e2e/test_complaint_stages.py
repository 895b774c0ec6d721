"""End to end (rules#complaints stages and promised reply): the customer found by the last four
digits of the phone and the repair record picked; each stage's own form; a proposal typed and
refused for want of a promised reply comes back as typed, with the error beside the field."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from complaints.models import Complaint, Stage
from servicedesk.models import Role
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD, CustomerFactory
from tests.opening import open_ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def promise(hours: int) -> str:
    return (timezone.localtime() + dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_proposal_typed_after_clarifying_is_kept_and_refused_beside_the_missing_promise(
    page, point, staff_of
):
    desk = staff_of(Role.FRONT_DESK).user
    customer = CustomerFactory(point=point, name="王女士", phone="+8613812347788")
    CustomerFactory(point=point, name="李先生", phone="+8613900001111")
    ticket = open_ticket(point, desk, customer)
    log_in(page, desk.username, PASSWORD)

    # Opening: the customer found by the last four digits, the repair record picked.
    page.goto(page.base_url + "/complaints/new/")
    assert page.locator("select[name=customer]").count() == 0
    page.fill("input[name=q]", "7788")
    page.press("input[name=q]", "Enter")  # searches; does not submit the complaint form
    page.locator(f"#pick-customer-{customer.pk}").check()
    assert page.url.endswith("/complaints/new/") and not Complaint.objects.exists()
    page.locator(f"#pick-ticket-{ticket.pk}").check()
    assert "李先生" not in page.locator("#customer-picks").inner_text()
    page.fill("textarea[name=summary]", "修好后屏幕又闪烁")
    page.click("button:has-text('受理投诉')")
    # Refused: no promised reply; the error beside it, the rest as picked and typed. The click
    # returns once the answer starts loading: wait for the refused form itself, not a count of
    # whatever the page holds at that instant.
    expect(page.locator("#id_promised_reply_at.is-invalid")).to_have_count(1)
    assert page.locator("textarea[name=summary]").input_value() == "修好后屏幕又闪烁"
    assert page.locator(f"#pick-ticket-{ticket.pk}").is_checked()
    screenshot(page, "complaint-new-refused")
    page.fill("input[name=promised_reply_at]", promise(3))
    page.click("button:has-text('受理投诉')")
    page.wait_for_url("**/complaints/*/")
    complaint = Complaint.objects.get()
    assert (complaint.customer, complaint.ticket) == (customer, ticket)

    # Received: only the clarification's fields.
    clarify = page.locator("form[data-step=clarify]")
    assert clarify.locator("[name=options], [name=chosen_option]").count() == 0
    clarify.locator("textarea[name=restatement]").fill("您是说维修后屏幕又闪烁")
    clarify.locator("input[name=customer_confirmed]").check()
    clarify.locator("input[name=promised_reply_at]").fill(promise(4))
    clarify.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[data-stage=clarified][data-state=current]").count() == 1

    # Clarified: the proposal typed without a new promised reply is refused, and kept.
    propose = page.locator("form[data-step=propose]")
    propose.locator("textarea[name=options]").fill("免费更换屏幕\n赠送保护壳")
    propose.locator("button[type=submit]").click()
    page.wait_for_load_state()
    propose = page.locator("form[data-step=propose]")
    assert propose.locator("textarea[name=options]").input_value() == "免费更换屏幕\n赠送保护壳"
    promise_input = propose.locator("input[name=promised_reply_at]")
    assert "is-invalid" in (promise_input.get_attribute("class") or "")
    assert propose.locator("[id^=error_][id$=promised_reply_at]").count() == 1
    screenshot(page, "complaint-proposal-refused")
    complaint.refresh_from_db()
    assert complaint.stage == Stage.CLARIFIED and complaint.options == []

    promise_input.fill(promise(5))
    propose.locator("button[type=submit]").click()
    page.wait_for_load_state()
    complaint.refresh_from_db()
    assert complaint.stage == Stage.PROPOSED
    assert complaint.options == ["免费更换屏幕", "赠送保护壳"]
    bar = page.locator("[data-testid=stage-bar]")
    assert bar.locator("[data-stage=proposed][data-state=current]").count() == 1
    assert bar.locator("[data-state=done] time").count() == 2
    assert fits_the_width(page)
    screenshot(page, "complaint-stages-1366")
    page.set_viewport_size({"width": 1024, "height": 768})
    assert fits_the_width(page)
    screenshot(page, "complaint-stages-1024")

    # Resolved: the customer's choice among the options and the outcome.
    resolve = page.locator("form[data-step=resolve]")
    resolve.get_by_label("赠送保护壳").check()
    resolve.locator("textarea[name=resolution]").fill("已更换屏幕并赠送保护壳")
    resolve.locator("button[type=submit]").click()
    page.wait_for_load_state()
    complaint.refresh_from_db()
    assert complaint.stage == Stage.RESOLVED and complaint.chosen_option == "赠送保护壳"
