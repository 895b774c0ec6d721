"""Real Celery workers for integration tests: started as subprocesses on the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    s = connection.settings_dict
    user = s.get("USER") or ""
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


class Worker:
    """A real ``celery worker`` process consuming a queue of its own, on the test database."""

    def __init__(self, queue: str):
        self.queue = queue
        self.process: subprocess.Popen | None = None
        self.hostname = f"test-{queue}@localhost"

    def start(self) -> Worker:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "servicedesk.settings.local",
            "DEBUG": "false",
            "DATABASE_URL": database_url(),
            "CONN_MAX_AGE": "0",
            "HEALTH_HEARTBEAT_SECONDS": "1",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "servicedesk",
                "worker",
                "--pool=solo",
                "--without-mingle",
                "--without-gossip",
                "-Q",
                self.queue,
                "-n",
                self.hostname,
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        return self

    def kill(self) -> None:
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
def celery_worker_process(transactional_db):
    """A real worker on a queue of its own; tests send tasks with ``queue=worker.queue``."""
    from servicedesk.celery import app

    worker = Worker(queue=f"test-{uuid.uuid4().hex[:8]}").start()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield worker
    finally:
        app.conf.task_always_eager = eager
        worker.stop()
