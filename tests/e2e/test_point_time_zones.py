"""End to end: a regional service center reads several points' lists, each row in its own
point's time, at the counter's screen sizes; an administrator gives a department a mobile for
its notices, and a wrong number is refused with what was typed kept."""

import datetime as dt

import pytest
import time_machine

from servicedesk.models import Department, Role
from tests import urlwalk
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD, ServicePointFactory, make_staff

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = [(1366, 768), (1024, 768)]
URUMQI_AT = dt.datetime(2026, 11, 20, 17, 37, tzinfo=dt.UTC)  # 23:37 there, 01:37 in Beijing
BEIJING_AT = dt.datetime(2026, 11, 20, 4, 19, tzinfo=dt.UTC)  # 12:19 in Beijing


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


@pytest.fixture
def two_zones(point):
    from reporting.models import ExportJob

    west = ServicePointFactory(
        region=point.region, code="XJ01", name="乌鲁木齐网点", time_zone="Asia/Urumqi"
    )
    for where, at in ((point, BEIJING_AT), (west, URUMQI_AT)):
        with time_machine.travel(at, tick=False):
            objects = urlwalk.make_objects(where)
        ExportJob.objects.filter(point=where, status="done").update(finished_at=at)
    return objects["supervisor"]


def test_the_regional_center_reads_each_rows_time_in_its_points_zone(page, point, two_zones):
    from django.urls import reverse

    paths = [
        reverse(name)
        for name in (
            "repairs:ticket_list",
            "complaints:queue",
            "reporting:export_list",
            "followups:report_list",
            "loaners:list",
        )
    ]
    regional = make_staff(Role.REGIONAL_CENTER, region=point.region)
    for who, user in (("regional", regional.user), ("supervisor", two_zones)):
        page.context.clear_cookies()
        log_in(page, user.username, PASSWORD)
        page.wait_for_url(page.base_url + "/")
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            for path in paths:
                page.goto(page.base_url + path)
                text = page.locator("main").inner_text()
                assert "2026-11-20 23:37" in text and "01:37" not in text, path
                if who == "regional":
                    assert "2026-11-20 12:19" in text, path
                    # Each row says which point it is at (by code or by name).
                    assert "XJ01" in text or "乌鲁木齐网点" in text, path
                    assert "BJ01" in text or "北京网点" in text, path
                assert _no_horizontal_scroll(page), (path, width)
                name = path.strip("/").replace("/", "-")
                screenshot(page, f"zones-{who}-{name}-{width}")


def test_an_admin_gives_a_department_a_mobile_and_a_wrong_one_is_refused_keeping_it(page, point):
    department = Department.objects.create(point=point, name="质量部", contact="李经理")
    admin = make_staff(Role.ADMIN)
    admin.user.is_staff = admin.user.is_superuser = True
    admin.user.save()
    log_in(page, admin.user.username, PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + f"/admin/servicedesk/department/{department.pk}/change/")
    page.fill("input[name=message_phone]", "12345")
    with page.expect_navigation():
        page.click("input[name=_save]")
    assert page.locator("input[name=message_phone]").input_value() == "12345"
    assert "这不是有效的电话号码。" in page.locator(".field-message_phone").inner_text()
    screenshot(page, "department-mobile-refused")
    page.fill("input[name=message_phone]", "138 0000 1111")
    with page.expect_navigation():
        page.click("input[name=_save]")
    department.refresh_from_db()
    assert department.message_phone == "+8613800001111"
