"""The quiet-suite check itself (tests/quiet_threads.py): a thread that raises fails the run; a
browser hanging up on the live server does not."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

SAMPLE_TESTS = """
import socket
import threading

from django.core.servers.basehttp import WSGIServer


def _run(target):
    thread = threading.Thread(target=target, name="worker-thread")
    thread.start()
    thread.join()


def test_a_thread_that_raises():
    def boom():
        raise RuntimeError("lost in a thread")

    _run(boom)


def test_a_quiet_thread():
    _run(lambda: None)


def test_the_live_server_failing_a_request():
    try:
        raise ValueError("the handler broke")
    except ValueError:
        WSGIServer.handle_error(None, None, ("127.0.0.1", 50000))


def test_a_browser_hanging_up_on_the_live_server():
    try:
        raise ConnectionResetError(104, "Connection reset by peer")
    except ConnectionResetError:
        WSGIServer.handle_error(None, None, ("127.0.0.1", 50001))
"""


@pytest.fixture
def run(pytester):
    pytester.makeconftest('pytest_plugins = ["tests.quiet_threads"]')
    pytester.makepyfile(test_sample=SAMPLE_TESTS)
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:django", "-rA")


@pytest.mark.reliability(
    "Tracebacks nobody reads (a thread raising in a green run)",
    "a test's thread raising and the live server failing a request, in a sample run: each fails"
    " its test; a browser hanging up does not",
)
def test_a_thread_that_raises_fails_its_test_and_a_hang_up_does_not(run):
    outcomes = run.parseoutcomes()
    assert outcomes.get("passed") == 2 and outcomes.get("failed") == 2, run.outlines
    text = run.stdout.str()
    assert "worker-thread raised" in text and "lost in a thread" in text
    assert "the live server, answering ('127.0.0.1', 50000)" in text
    assert "the handler broke" in text
    assert "50001" not in text
    assert "PASSED test_sample.py::test_a_quiet_thread" in text
    assert "PASSED test_sample.py::test_a_browser_hanging_up_on_the_live_server" in text
