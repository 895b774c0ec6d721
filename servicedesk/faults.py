"""Checkpoints for the fault-injection tests: where a worker can be stopped mid-work on purpose.

Background work calls ``checkpoint(name)`` at the points where a crash is most harmful (inside a
transaction that has changed rows but not committed, before a file is moved into place). In
production nothing happens. A test starts a Celery worker with ``FAULT_PAUSE_AT=<name>`` (or
``<name>@<n>`` for the n-th time that point is reached in the process) and
``FAULT_MARKER_DIR=<dir>``: the worker writes ``<dir>/<name>`` when it gets there and then stops
moving, so the test can SIGKILL it exactly there, without guessing with sleeps.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

_reached: Counter[str] = Counter()


def _pause_at() -> tuple[str, int] | None:
    spec = os.environ.get("FAULT_PAUSE_AT", "")
    if not spec:
        return None
    name, _, nth = spec.partition("@")
    return name, int(nth or 1)


def checkpoint(name: str) -> None:
    target = _pause_at()
    if target is None or target[0] != name:
        return
    _reached[name] += 1
    if _reached[name] != target[1]:
        return
    marker_dir = Path(os.environ.get("FAULT_MARKER_DIR", "."))
    marker_dir.mkdir(parents=True, exist_ok=True)
    (marker_dir / name).write_text(str(os.getpid()), encoding="utf-8")
    while True:  # held here until the test kills the process
        time.sleep(60)
