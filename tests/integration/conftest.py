"""Real Celery processes for integration tests: workers and beat as subprocesses on the test
database, each test on a queue of its own so concurrent runs sharing one Redis never mix."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    s = connection.settings_dict
    user = s.get("USER") or ""
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def scratch_database_name(purpose: str, *, base: str | None = None) -> str:
    """The name of a database a test creates besides the test database: the test database's own
    name (``test_<name>`` and, under xdist, the worker's suffix) and the purpose, so two runs
    on one server (or two xdist workers) never create, use or drop the same one. PostgreSQL cuts
    names at 63 bytes; the purpose is kept whole and the base shortened instead."""
    suffix = f"_{purpose}"
    base = base or settings.DATABASES["default"]["NAME"]
    return base[: 63 - len(suffix)] + suffix


class CeleryProcess:
    """``celery worker`` or ``celery beat`` on the test database, sending to / consuming
    ``queue`` (both use it as their default queue)."""

    def __init__(self, kind: str, queue: str, broker_url: str | None = None, **env):
        self.kind = kind
        self.queue = queue
        self.broker_url = broker_url or settings.CELERY_BROKER_URL
        self.extra_env = {key: str(value) for key, value in env.items()}
        self.process: subprocess.Popen | None = None
        self.hostname = f"test-{queue}-{uuid.uuid4().hex[:4]}@localhost"

    def command(self) -> list[str]:
        base = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "servicedesk",
            self.kind,
            "--loglevel=WARNING",
        ]
        if self.kind == "worker":
            return [
                *base,
                "--pool=solo",
                "--without-mingle",
                "--without-gossip",
                "-Q",
                self.queue,
                "-n",
                self.hostname,
            ]
        return [*base, "--pidfile=", "--max-interval=1"]

    def start(self) -> CeleryProcess:
        env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DJANGO_SETTINGS_MODULE": "servicedesk.settings.local",
            "DEBUG": "false",
            "DATABASE_URL": database_url(),
            "CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "HEALTH_HEARTBEAT_SECONDS": "1",
            **self.extra_env,
        }
        self.process = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        return self

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as when a machine dies."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


@pytest.fixture
def celery_queue():
    return f"test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def celery_processes(transactional_db, celery_queue):
    """``start(kind, **env)`` starts a worker or beat on this test's queue; all stopped at the end.
    Tasks sent from the test itself go through the real broker (not eagerly)."""
    from servicedesk.celery import app

    started: list[CeleryProcess] = []
    eager, queue = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager = False
    app.conf.task_default_queue = celery_queue

    def start(kind: str, **env) -> CeleryProcess:
        process = CeleryProcess(kind, celery_queue, **env).start()
        started.append(process)
        return process

    try:
        yield start
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = eager, queue
        for process in started:
            process.stop()


@pytest.fixture
def celery_worker_process(celery_processes):
    """A real worker on a queue of its own; tests send tasks with ``queue=worker.queue``."""
    return celery_processes("worker")
