"""End to end: a demo front-desk user logs in and sees a Chinese UI; styles load without a CDN."""

import pytest

from servicedesk.models import Role
from tests.e2e.conftest import log_in, screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_front_desk_logs_in_and_sees_chinese_workbench(page, staff_of):
    me = staff_of(Role.FRONT_DESK)
    page.goto(page.base_url + "/accounts/login/")
    assert page.locator("h1").inner_text() == "员工登录"
    screenshot(page, "login")
    log_in(page, me.user.username, PASSWORD)
    page.wait_for_url(page.base_url + "/")
    assert "工作台" in page.locator("h1").inner_text()
    assert me.display_name in page.content()
    # Bootstrap came from our own static files: the navbar is styled (not a default white block).
    bg = page.evaluate("getComputedStyle(document.querySelector('nav.navbar')).backgroundColor")
    assert bg != "rgba(0, 0, 0, 0)"
    screenshot(page, "workbench-front-desk")


@pytest.mark.reliability(
    "Script injection (XSS)",
    "real browser: strict Content-Security-Policy header and no inline script on the page",
)
def test_page_has_no_inline_script_and_a_strict_csp(page, staff_of):
    response = page.goto(page.base_url + "/accounts/login/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    inline = page.evaluate("[...document.scripts].filter(s => !s.src).length")
    assert inline == 0
