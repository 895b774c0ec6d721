"""A quiet suite: a thread that raises fails the run instead of printing a traceback that nobody
reads.

Two places where a thread's exception would otherwise only be printed:

- ``threading.excepthook``: any thread (a test's own, a pool's) dying of an exception;
- the live server's ``handle_error``: its request threads catch what a handler raised and print
  it. A browser hanging up mid-answer (broken pipe, connection reset or aborted) is normal at a
  test's end and is not an error; Django already logs it at INFO.

What is caught during a test's setup, call or teardown fails that phase, with the tracebacks
(the live server stops in the teardown of the session's last test, so its errors land there);
anything left at the session's end fails the run.
"""

from __future__ import annotations

import sys
import threading
import traceback

import pytest
from django.core.servers.basehttp import WSGIServer, is_broken_pipe_error

RAISED: list[str] = []


def record(exc_type, exc_value, exc_traceback, where: str) -> None:
    lines = traceback.format_exception(exc_type, exc_value, exc_traceback)
    RAISED.append(f"{where}:\n{''.join(lines)}")


def _excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else "a thread"
    record(args.exc_type, args.exc_value, args.exc_traceback, f"{name} raised")


def _server_error(self: WSGIServer, request, client_address) -> None:
    if is_broken_pipe_error():
        return  # the browser hung up: nothing went wrong on the server
    record(*sys.exc_info(), f"the live server, answering {client_address}")


@pytest.hookimpl(trylast=True)  # after pytest's own thread-exception plugin installs its hook
def pytest_configure(config: pytest.Config) -> None:
    threading.excepthook = _excepthook
    WSGIServer.handle_error = _server_error  # type: ignore[method-assign]


def take() -> list[str]:
    caught = RAISED[:]
    RAISED.clear()
    return caught


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A phase (setup, call, teardown) in which a thread raised fails, with the tracebacks.
    The live server stops in the teardown of a worker's last test: caught there too, also
    under xdist (the report travels to the controller)."""
    outcome = yield
    report = outcome.get_result()
    if caught := take():
        report.outcome = "failed"
        report.longrepr = f"a thread raised during {report.when}:\n" + "\n".join(caught)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if caught := take():
        sys.stderr.write("a thread raised outside any test:\n" + "\n".join(caught) + "\n")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
