"""End to end: a callback clerk works the queue inside calling hours and records a callback."""

import datetime as dt
import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from followups.models import Callback, CallbackKind, CallbackStatus
from followups.outcomes import OutcomeInput
from followups.services import callbacks_dispatch, callbacks_schedule_for_handover
from servicedesk.models import Role
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD
from tests.followups.conftest import handed_over_ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


#: Calling time whenever the test runs, the day's last minute included: a call is recorded only
#: inside calling hours, and "23:59" as the end would refuse one at 23:59:30.
ALL_DAY = [["00:00", "23:59:59.999999"]]


def test_clerk_records_a_satisfied_callback(page, point, staff_of):
    # The questionnaire comes from a data migration, which the flush after an earlier browser
    # test on the same worker has emptied.
    importlib.import_module("followups.migrations.0002_default_questions").create(apps, None)
    point.callback_sample_rate = Decimal("1")
    point.calling_hours = ALL_DAY
    point.save()
    ticket = handed_over_ticket(point, handed_over_at=timezone.now() - dt.timedelta(days=3))
    callbacks_schedule_for_handover(ticket=ticket)
    Callback.objects.filter(kind=CallbackKind.FIRST).update(
        due_at=timezone.now() - dt.timedelta(minutes=5)
    )
    callbacks_dispatch()
    clerk = staff_of(Role.CALLBACK_CLERK)

    log_in(page, clerk.user.username, PASSWORD)
    page.goto(page.base_url + "/callbacks/")
    assert "现在可以拨打" in page.content()
    screenshot(page, "callback-queue")
    page.click("a.btn:has-text('拨打')")
    # The timer's script is deferred: a click before it has run starts nothing.
    page.wait_for_load_state()
    page.click("text=开始通话")
    # The timer ticks once a second; wait for its first tick rather than a fixed time (a busy
    # machine may delay the browser's timer past any fixed pause).
    expect(page.locator(".js-call-timer")).not_to_have_text("00:00", timeout=10_000)
    page.select_option("select[name^=q_] >> nth=0", "5")
    page.check("input[name=outcome][value=satisfied]")
    screenshot(page, "callback-screen")
    page.click("text=记录本次回访")
    page.wait_for_url(page.base_url + "/callbacks/")
    callback = Callback.objects.get(kind=CallbackKind.FIRST)
    assert callback.status == CallbackStatus.DONE
    assert callback.duration_seconds is not None and callback.duration_seconds >= 1


def test_the_call_timer_keeps_counting_after_a_refused_submit(page, point, staff_of):
    """UX 1: a refused form comes back with the running call timer, which counts on from where
    it was (the page clock is driven by the test, never by sleeping)."""
    importlib.import_module("followups.migrations.0002_default_questions").create(apps, None)
    point.callback_sample_rate = Decimal("1")
    point.calling_hours = ALL_DAY
    point.save()
    ticket = handed_over_ticket(point, handed_over_at=timezone.now() - dt.timedelta(days=3))
    callbacks_schedule_for_handover(ticket=ticket)
    Callback.objects.filter(kind=CallbackKind.FIRST).update(
        due_at=timezone.now() - dt.timedelta(minutes=5)
    )
    callbacks_dispatch()
    callback = Callback.objects.get(kind=CallbackKind.FIRST)
    clerk = staff_of(Role.CALLBACK_CLERK)

    log_in(page, clerk.user.username, PASSWORD)
    page.clock.install()
    page.goto(page.base_url + f"/callbacks/{callback.pk}/")
    page.wait_for_load_state()
    # The page's clock stands still but for run_for: a slow round trip of the refused submit
    # (a loaded machine) must not move the timer.
    page.clock.pause_at(page.evaluate("Date.now()") + 1_000)
    timer = page.locator(".js-call-timer")
    page.click("text=开始通话")
    page.clock.run_for(65_000)
    expect(timer).to_have_text("01:05")
    # Dissatisfied without the reason: refused, with a note typed that must come back.
    page.check("input[name=outcome][value=dissatisfied]")
    page.fill("input[name=note]", "顾客情绪激动")
    page.click("text=记录本次回访")
    page.wait_for_load_state()
    expect(page.locator("#id_dissatisfaction_reason")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("input[name=note]")).to_have_value("顾客情绪激动")
    expect(page.locator("input[name=outcome][value=dissatisfied]")).to_be_checked()
    expect(timer).to_have_text("01:05")
    expect(page.locator(".js-call-start")).to_be_disabled()
    page.clock.run_for(10_000)
    expect(timer).to_have_text("01:15")
    screenshot(page, "callback-refused-timer")
    page.set_viewport_size({"width": 1024, "height": 768})
    screenshot(page, "callback-refused-timer-1024")

    page.fill("#id_dissatisfaction_reason", "修好后又出现同样的问题")
    page.click("text=记录本次回访")
    page.wait_for_url(page.base_url + "/callbacks/")
    callback.refresh_from_db()
    assert callback.duration_seconds is not None and callback.duration_seconds >= 75
    message = page.locator(".alert-success")
    expect(message).to_contain_text("已登记")
    screenshot(page, "callback-dissatisfied-confirmation")


def test_a_department_member_sees_the_complaint_notice_at_home_and_marks_it_read(
    page, point, staff_of
):
    from complaints.models import Complaint
    from followups.services import callback_record_outcome
    from servicedesk.models import Department

    importlib.import_module("followups.migrations.0002_default_questions").create(apps, None)
    point.callback_sample_rate = Decimal("1")
    point.calling_hours = ALL_DAY
    point.complaint_department = Department.objects.create(point=point, name="客户服务部")
    point.save()
    ticket = handed_over_ticket(point, handed_over_at=timezone.now() - dt.timedelta(days=3))
    callbacks_schedule_for_handover(ticket=ticket)
    callback = Callback.objects.get(kind=CallbackKind.FIRST)
    callback_record_outcome(
        callback=callback,
        actor=staff_of(Role.CALLBACK_CLERK).user,
        data=OutcomeInput(outcome="dissatisfied", dissatisfaction_reason="修好后又出现同样的问题"),
        version=callback.version,
    )
    complaint = Complaint.objects.get(callback=callback)
    member = staff_of(Role.SUPERVISOR, department=point.complaint_department)

    log_in(page, member.user.username, PASSWORD)
    card = page.locator("[data-testid=card-notices]")
    expect(card).to_contain_text(f"投诉 #{complaint.pk}")
    screenshot(page, "home-notices")
    page.set_viewport_size({"width": 1024, "height": 768})
    screenshot(page, "home-notices-1024")
    card.locator("button:has-text('标为已读')").click()
    expect(page.locator(".alert-success")).to_contain_text("通知已标为已读")
    expect(page.locator("[data-testid=count-notices]")).to_have_text("0")


def test_a_call_at_rest_time_is_refused_until_the_clerk_says_the_customer_called_us(
    page, point, staff_of
):
    """rules#callbacks: outside the calling hours an outcome is refused beside the reason field,
    everything picked and typed kept; "the customer called us back" records it."""
    importlib.import_module("followups.migrations.0002_default_questions").create(apps, None)
    point.callback_sample_rate = Decimal("1")
    point.calling_hours = ALL_DAY
    point.save()
    ticket = handed_over_ticket(point, handed_over_at=timezone.now() - dt.timedelta(days=3))
    callbacks_schedule_for_handover(ticket=ticket)
    Callback.objects.filter(kind=CallbackKind.FIRST).update(
        due_at=timezone.now() - dt.timedelta(minutes=5)
    )
    callbacks_dispatch()
    callback = Callback.objects.get(kind=CallbackKind.FIRST)
    # Now rest time, whenever the test runs: one short window twelve hours away.
    away = "01:00" if timezone.localtime().hour >= 12 else "13:00"
    point.calling_hours = [[away, away.replace(":00", ":30")]]
    point.save()
    clerk = staff_of(Role.CALLBACK_CLERK)

    log_in(page, clerk.user.username, PASSWORD)
    page.goto(page.base_url + f"/callbacks/{callback.pk}/")
    page.check("input[name=outcome][value=satisfied]")
    page.fill("input[name=note]", "顾客自己打来")
    page.click("text=记录本次回访")
    reason = page.locator("#id_outside_hours_reason")
    expect(reason).to_have_class(re.compile("is-invalid"))
    expect(page.locator("form.js-callback-form")).to_contain_text("不在回访时段")
    expect(page.locator("input[name=note]")).to_have_value("顾客自己打来")
    expect(page.locator("input[name=outcome][value=satisfied]")).to_be_checked()
    reason.scroll_into_view_if_needed()
    screenshot(page, "callback-rest-time-refused")
    page.set_viewport_size({"width": 1024, "height": 768})
    screenshot(page, "callback-rest-time-refused-1024")

    reason.select_option("customer_called")
    page.click("text=记录本次回访")
    page.wait_for_url(page.base_url + "/callbacks/")
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.DONE
    assert callback.attempt_log.get().outside_hours_reason == "customer_called"
