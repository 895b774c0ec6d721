"""End to end: the words a supervisor reads (UX 4) in a real browser, at the counter's screen
sizes: the audit log in words, the statistics' date boxes filled, the dashboard's units."""

import pytest

from servicedesk import audit
from servicedesk.models import AuditLog, Role
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = [(1366, 768), (1024, 768)]


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_a_manager_reads_the_audit_log_statistics_and_dashboard_in_words(page, point, staff_of):
    manager = staff_of(Role.SERVICE_MANAGER)
    audit.audit_point_settings_changed(
        actor=manager.user, point=point, changes={"callback_sample_rate": ["0.30", "0.50"]}
    )
    AuditLog.objects.create(
        actor=manager.user,
        point=point,
        action="complaint.compensation_decided",
        object_type="complaints.compensationoffer",
        object_id="5",
        summary="¥30.00 approved",
        detail={"amount": "30.00", "status": "approved", "complaint": 7},
    )
    log_in(page, manager.user.username, PASSWORD)
    page.wait_for_url(page.base_url + "/")
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(page.base_url + "/audit/")
        rows = page.locator("tbody").inner_text()
        assert "批准 ¥30.00" in rows and "回访抽样比例: 30% → 50%" in rows
        assert "compensation_decided" not in rows and manager.user.username not in rows
        assert page.locator("#id_actor option:checked").inner_text() == "全部"
        assert _no_horizontal_scroll(page)
        screenshot(page, f"audit-log-{width}")

        page.goto(page.base_url + "/staff/statistics/?date_from=2026-11-03&date_to=2026-11-30")
        # The browser keeps a date box's value only when it is ISO.
        assert page.locator("input[name=date_from]").input_value() == "2026-11-03"
        assert page.locator("input[name=date_to]").input_value() == "2026-11-30"
        screenshot(page, f"staff-statistics-{width}")

        page.goto(page.base_url + "/dashboard/")
        charts = page.locator("svg.chart")
        assert charts.count() > 0
        assert "%" in charts.first.inner_html()
        assert _no_horizontal_scroll(page)
        screenshot(page, f"dashboard-{width}")
