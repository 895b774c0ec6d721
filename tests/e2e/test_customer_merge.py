"""End to end: a supervisor finds a customer recorded twice, merges the other record into the
one on screen from the customer's page, and sees every repair record under one customer."""

import pytest
from django.urls import reverse

from intake.models import Customer
from repairs.models import RepairTicket
from servicedesk.models import Role
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD, CustomerFactory, make_staff
from tests.opening import open_ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_supervisor_merges_a_duplicate_record_from_the_customer_page(page, point):
    supervisor = make_staff(Role.SUPERVISOR, point=point)
    desk = make_staff(Role.FRONT_DESK, point=point).user
    kept = CustomerFactory(point=point, name="王小明", phone="+8613912345678")
    duplicate = CustomerFactory(point=point, name="王小明", phone="+861065001234")
    open_ticket(point, desk, kept, imei="", serial="SERKEPT01")
    open_ticket(point, desk, duplicate, imei="", serial="SERDUP01")
    log_in(page, supervisor.user.username, PASSWORD)
    page.goto(page.base_url + reverse("intake:customer_detail", args=[kept.pk]))
    page.click("a:has-text('合并重复记录')")
    page.wait_for_selector("input[name=duplicate]")
    screenshot(page, "customer-merge-1366")
    page.set_viewport_size({"width": 1024, "height": 768})
    screenshot(page, "customer-merge-1024")
    page.check(f"input[name=duplicate][value='{duplicate.pk}']")
    page.click("button:has-text('合并到本记录')")  # the tick is missing: the browser asks for it
    assert Customer.objects.filter(pk=duplicate.pk).exists()
    page.check("input[name=confirm]")
    page.click("button:has-text('合并到本记录')")
    page.wait_for_selector("text=记录已合并")
    screenshot(page, "customer-merged-1024")
    assert not Customer.objects.filter(pk=duplicate.pk).exists()
    assert RepairTicket.objects.filter(customer=kept).count() == 2
