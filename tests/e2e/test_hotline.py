"""End to end (DOMAIN 4): a hotline operator answers a repair-status call, finds the caller and
their open repair, puts the caller on hold, is prompted after 30 seconds to check back, and
saves the call with its rings and holds."""

import pytest

from intake.models import Visit
from servicedesk.models import Role
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD, CustomerFactory
from tests.opening import open_ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_operator_logs_a_repair_status_call_with_a_hold(page, point, staff_of):
    customer = CustomerFactory(point=point, name="吴女士", phone="+8613922223333")
    ticket = open_ticket(point, staff_of(Role.FRONT_DESK).user, customer)
    me = staff_of(Role.HOTLINE)
    log_in(page, me.user.username, PASSWORD)
    page.clock.install()
    page.goto(page.base_url + "/desk/hotline/")
    # Only run_for moves the page's clock: on a busy machine the real seconds between clicks
    # would otherwise be counted as hold time too.
    page.clock.pause_at(page.evaluate("Date.now()") + 1_000)

    page.fill("input[name=contact_phone]", "139 2222 3333")
    page.clock.run_for(1_000)  # the lookup waits 300 ms after the last key
    page.wait_for_selector(f"[data-pick-customer='{customer.pk}']")
    assert ticket.number in page.locator("#caller").inner_text()
    page.click(f"[data-pick-customer='{customer.pk}']")
    page.check("input[name=purpose][value=repair_status]")
    page.fill("input[name=rings_to_answer]", "2")
    page.fill("textarea[name=summary]", "问手机修好了没有")

    page.click(".js-hold-start")
    page.clock.run_for(29_000)
    assert page.locator(".js-hold-prompt").is_hidden()
    page.clock.run_for(2_000)
    assert page.locator(".js-hold-prompt").is_visible()  # 30 s: check back with the caller
    screenshot(page, "hotline-hold-prompt")
    page.click(".js-hold-check")
    assert page.locator(".js-hold-prompt").is_hidden()
    page.clock.run_for(10_000)
    page.click(".js-hold-end")

    page.fill("textarea[name=outcome]", "已告知预计明天可取")
    page.locator("textarea[name=outcome]").press("Control+Enter")
    page.wait_for_url("**/desk/hotline/calls/**")
    call = Visit.objects.get(channel="hotline")
    assert call.customer == customer and call.purpose == "repair_status"
    assert (call.rings_to_answer, call.hold_count, call.holds_checked_in_time) == (2, 1, 1)
    assert 40 <= call.hold_seconds <= 42
    assert "1 次按时回应" in page.content()
    screenshot(page, "hotline-call-detail")
