"""End to end: two supervisors edit one point's settings; the second to save gets a conflict,
keeps what they typed, and the first one's change is taken over, so saving again keeps both."""

import pytest
from django.urls import reverse

from servicedesk.models import Role
from servicedesk.services import point_update_settings
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD, make_staff

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_second_supervisor_saving_settings_sees_the_conflict_and_keeps_the_typing(page, point):
    first, second = (
        make_staff(Role.SUPERVISOR, point=point),
        make_staff(Role.SUPERVISOR, point=point),
    )
    log_in(page, second.user.username, PASSWORD)
    page.goto(page.base_url + reverse("servicedesk:point_settings", args=[point.pk]))
    page.fill("input[name=address]", "北京市朝阳区新地址 8 号")
    # Meanwhile the first supervisor saves another value.
    point_update_settings(
        point=point, actor=first.user, data={"pickup_overdue_days": 10}, version=1
    )
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=您编辑期间他人已保存了这些设置")
    assert page.input_value("input[name=address]") == "北京市朝阳区新地址 8 号"
    assert page.input_value("input[name=pickup_overdue_days]") == "10"  # taken over
    assert "他人刚保存的值，已采用：10" in page.content()
    screenshot(page, "point-settings-conflict-1366")
    page.set_viewport_size({"width": 1024, "height": 768})
    screenshot(page, "point-settings-conflict-1024")
    page.click("button:has-text('保存')")  # saving again is now a deliberate choice
    page.wait_for_url("**/points/*/")
    point.refresh_from_db()
    assert point.address == "北京市朝阳区新地址 8 号" and point.pickup_overdue_days == 10
