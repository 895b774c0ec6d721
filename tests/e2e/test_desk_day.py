"""The front desk's and the technician's day through their work lists, in Chromium: the home
page names what waits (ready, quotes, retests, arrivals), its counts open the filtered ticket
list, the pickup box takes the number as it is typed, and the technician sees a failed retest
with its reason. Screenshots at 1366×768 and 1024×768; no page scrolls sideways and the menu
stays on one line."""

import datetime as dt

import pytest
from django.utils import timezone

from intake.services.desk import visit_register
from repairs.models import RepairTicket
from servicedesk.models import Role
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD, CustomerFactory
from tests.opening import open_ticket
from tests.tickets import bring_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = ((1366, 768), (1024, 768))


def fits(page):
    """No sideways scrolling, and the menu bar on one line."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow}px of horizontal scroll at {page.viewport_size}"
    bar = page.locator("[data-testid=nav-bar]").bounding_box()
    assert bar is not None and bar["height"] < 60, bar


def shoot(page, name):
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        fits(page)
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})


def session(browser, live_server, user):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    log_in(page, user.username, PASSWORD)
    return page


def test_the_desk_and_the_workshop_day(browser, live_server, point, staff_of):
    desk, tech = staff_of(Role.FRONT_DESK).user, staff_of(Role.TECHNICIAN).user
    ready = bring_to(
        open_ticket(point, desk, CustomerFactory(point=point, name="王小明")),
        "ready",
        desk=desk,
        tech=tech,
    )
    late = bring_to(
        open_ticket(point, desk, imei="", serial="SN-LATE-1"), "ready", desk=desk, tech=tech
    )
    RepairTicket.objects.filter(pk=late.pk).update(ready_at=timezone.now() - dt.timedelta(days=9))
    quote = bring_to(
        open_ticket(point, desk, imei="", serial="SN-QUOTE-1", purchase_days_ago=900),
        "awaiting_approval",
        desk=desk,
        tech=tech,
    )
    retest = bring_to(
        open_ticket(point, desk, imei="", serial="SN-QC-1"), "quality_check", desk=desk, tech=tech
    )
    failed = bring_to(
        open_ticket(point, desk, imei="", serial="SN-FAIL-1", customer_waits=True),
        "retest_failed",
        desk=desk,
        tech=tech,
    )
    visit_register(point=point, actor=desk, purpose="repair", contact_name="李女士")

    counter = session(browser, live_server, desk)
    counter.goto(live_server.url + "/")
    text = counter.locator("[data-testid=worklist]").inner_text()
    for ticket in (ready, late, quote, retest):
        assert ticket.number in text
    assert "李女士" in text and "分钟" in text
    shoot(counter, "desk-home")

    # The ready count opens the filtered list: only ready tickets.
    counter.click("[data-testid=count-ready]")
    counter.wait_for_load_state()
    rows = counter.locator("[data-testid=ticket-row]")
    assert rows.count() == 2
    assert failed.number not in counter.locator("[data-testid=ticket-list]").inner_text()
    shoot(counter, "ticket-list-ready")

    # Pickup: the list of what is ready (names masked), then the number as typed.
    counter.goto(live_server.url + "/repairs/pickup/")
    ready_list = counter.locator("[data-testid=ready-list]").inner_text()
    assert ready.number in ready_list and "王**" in ready_list and "王小明" not in ready_list
    shoot(counter, "pickup")
    counter.fill("input[name=number]", " " + ready.number.lower().replace("-", "") + " ")
    counter.keyboard.press("Enter")
    counter.wait_for_url(f"**/repairs/{ready.pk}/")

    # The technician's day: the failed retest first (the customer waits), with its reason.
    workshop = session(browser, live_server, tech)
    workshop.goto(live_server.url + "/")
    queue = workshop.locator("[data-testid=card-my_queue]").inner_text()
    assert failed.number in queue and "触摸失灵" in queue
    shoot(workshop, "technician-home")
    workshop.click(f"[data-testid=card-my_queue] a:has-text('{failed.number}')")
    workshop.wait_for_url(f"**/repairs/{failed.pk}/")
