"""End to end (DOMAIN 5): a hotline operator logs a complaint, cannot promise compensation above
the hotline limit, and the supervisor approves it from the complaint queue."""

import datetime as dt

import pytest
from django.utils import timezone

from complaints.models import Complaint, OfferStatus, Stage
from servicedesk.models import Role
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD, CustomerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_hotline_logs_complaint_and_supervisor_approves_compensation(
    browser, live_server, point, staff_of
):
    customer = CustomerFactory(point=point, name="王女士")
    hotline, supervisor = staff_of(Role.HOTLINE), staff_of(Role.SUPERVISOR)

    def session(user):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base_url = live_server.url
        log_in(page, user.username, PASSWORD)
        return page

    operator = session(hotline.user)
    operator.goto(live_server.url + "/complaints/new/")
    operator.fill("input[name=q]", customer.phone[-4:])
    operator.locator(f"#pick-customer-{customer.pk}").check()
    operator.fill("textarea[name=summary]", "手机修好后三天又无法开机，要求赔偿")
    operator.fill(
        "input[name=promised_reply_at]",
        (timezone.localtime() + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
    )
    screenshot(operator, "complaint-new")
    operator.click("button:has-text('受理投诉')")
    operator.wait_for_url("**/complaints/*/")
    complaint = Complaint.objects.get()
    assert complaint.owner == hotline.user and complaint.stage == Stage.RECEIVED
    assert "首问责任人" in operator.content()

    operator.fill("input[name=amount]", "50")
    operator.fill("input[name=description]", "赠送钢化膜和保护壳")
    operator.click("button:has-text('提出补偿')")
    operator.wait_for_load_state()
    assert "获批前不得向客户承诺" in operator.content()
    assert operator.locator("[data-testid=offer-status]").inner_text() == "待审批"
    screenshot(operator, "complaint-compensation-pending")
    offer = complaint.offers.get()
    assert offer.status == OfferStatus.PENDING

    boss = session(supervisor.user)
    boss.goto(live_server.url + "/complaints/")
    row = boss.locator("[data-testid=pending-offer]")
    assert "赠送钢化膜和保护壳" in row.inner_text()
    screenshot(boss, "complaint-queue")
    row.locator("button:has-text('批准')").click()
    boss.wait_for_load_state()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.APPROVED and offer.decided_by == supervisor.user

    operator.reload()
    assert operator.locator("[data-testid=offer-status]").inner_text() == "已批准，可向客户承诺"
    screenshot(operator, "complaint-compensation-approved")
