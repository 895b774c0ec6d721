"""Browser tests: Playwright driving Debian's headless Chromium against the live test server.

Screenshots go to $CI_ARTIFACTS/screenshots (default var/ci-artifacts/screenshots)."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

from tests.conftest import REQUIRE_SERVICES

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("CI_ARTIFACTS", ROOT / "var" / "ci-artifacts"))


class JoiningWSGIServer(ThreadedWSGIServer):
    """The live server waits, when it stops, for its request threads (a bounded wait): each one
    closes its database connection as it ends, so the test database can be dropped afterwards,
    and none is cut off mid-answer. The browser closes first (see ``browser``), so their
    keep-alive connections are already gone. The threads stay daemons: one stuck past the wait
    never holds the test process open."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request_threads: list[threading.Thread] = []

    def process_request(self, request, client_address) -> None:
        thread = threading.Thread(
            target=self.process_request_thread, args=(request, client_address), daemon=True
        )
        self.request_threads = [t for t in self.request_threads if t.is_alive()] + [thread]
        thread.start()

    def server_close(self) -> None:
        super().server_close()
        for thread in self.request_threads:
            thread.join(timeout=10)


LiveServerThread.server_class = JoiningWSGIServer

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body
# are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser(live_server):
    """Chromium for the session. It asks for the live server so that, at the session's end, the
    browser and its open connections close before the server stops (never the other way round,
    which left request threads failing on closed sockets)."""
    if not Path(CHROMIUM).exists():
        if REQUIRE_SERVICES:
            pytest.fail(f"REQUIRE_SERVICES=1 but no Chromium at {CHROMIUM}")
        pytest.skip("no Chromium installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 860})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, username: str, password: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
