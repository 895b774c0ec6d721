"""The load run's own production stack on 127.0.0.1, and the faults injected into it.

- a private ``redis-server`` on a port of its own (broker and cache; no persistence, so a restart
  loses everything it held, the harshest case), never the shared one;
- gunicorn with the production settings (``--preload``, sync workers);
- a real Celery worker and beat (production settings, the database scheduler);
- a fake SMS gateway in this process: the production sender (``HttpSmsSender``) posts every
  customer message to it over HTTP, and it keeps what it received, so the run can count how
  often each message reached the "customer".

Faults: Redis killed (SIGKILL) and started again, empty; one gunicorn worker killed with
SIGKILL (gunicorn's master starts a new one); the Celery worker killed with SIGKILL (its whole
process group, as when its machine dies) and started again after a pause, as a process
supervisor would.

Everything is bounded: every wait has a deadline, and ``Stack.stop`` ends every process started.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]


T = TypeVar("T")


def started(thing: T | None) -> T:
    """``thing`` once the stack has started it."""
    if thing is None:
        raise RuntimeError("not started")
    return thing


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"{what}: not within {timeout:g} s")


class Process:
    """A child process in a session of its own (so a SIGKILL reaches all its children), its
    output in a log file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path):
        self.name, self.command, self.env, self.log = name, command, env, log
        self.popen: subprocess.Popen | None = None

    def start(self) -> Process:
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(  # noqa: S603 - our own fixed command line
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def pid(self) -> int:
        return started(self.popen).pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole process group: no clean shutdown."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            started(self.popen).wait(30)

    def stop(self, timeout: float = 30) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)
            try:
                started(self.popen).wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()


class Redis(Process):
    def __init__(self, port: int, folder: Path):
        command = [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ]
        super().__init__("redis", command, dict(os.environ), folder / "redis.log")
        self.port = port

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> Redis:
        super().start()
        _wait(self.ping, 20, "redis-server answering")
        return self


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after its closing bracket.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def _state(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def _client_sockets(port: int) -> set[str]:
    """Inodes of established TCP connections whose local end is ``port`` (a client of ours)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:
            next(lines)
            for line in lines:
                parts = line.split()
                local, state, inode = parts[1], parts[3], parts[9]
                if int(local.rsplit(":", 1)[1], 16) == port and state != "0A":  # not LISTEN
                    inodes.add(inode)
    return inodes


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    folder = Path("/proc") / str(pid) / "fd"
    with contextlib.suppress(OSError):
        for fd in folder.iterdir():
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    return inodes


class Gunicorn(Process):
    def __init__(self, port: int, workers: int, env: dict[str, str], folder: Path):
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "servicedesk.wsgi",
            "--preload",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ]
        super().__init__("gunicorn", command, env, folder / "gunicorn.log")
        self.port, self.workers = port, workers

    def worker_pids(self) -> list[int]:
        return _children(self.pid)

    def answering(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
                s.sendall(b"GET /accounts/login/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                return s.recv(12).startswith(b"HTTP/1.")
        except OSError:
            return False

    def start(self) -> Gunicorn:
        super().start()
        _wait(self.answering, 120, "gunicorn answering")
        _wait(lambda: len(self.worker_pids()) == self.workers, 60, "gunicorn's workers")
        return self

    def kill_worker(self, timeout: float = 30) -> dict:
        """SIGKILL one worker between two requests: it is frozen (SIGSTOP) and killed only if
        it holds no client connection; otherwise it goes on and another is tried. (A worker
        killed in the middle of a request loses that request with any server of this kind: the
        fault tried here is a worker dying, not a request cut off.) Returns what was done; the
        master's new worker is waited for."""
        deadline = time.monotonic() + timeout
        tries = 0
        while time.monotonic() < deadline:
            for pid in self.worker_pids():
                tries += 1
                os.kill(pid, signal.SIGSTOP)
                try:
                    _wait(lambda pid=pid: _state(pid) in ("T", "t", "gone"), 5, "SIGSTOP")
                    if not (_socket_inodes(pid) & _client_sockets(self.port)):
                        before = set(self.worker_pids())
                        os.kill(pid, signal.SIGKILL)
                        new = _wait(
                            lambda before=before: set(self.worker_pids()) - before,
                            60,
                            "gunicorn's replacement worker",
                        )
                        return {"killed_pid": pid, "tries": tries, "new_pid": min(new)}
                finally:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGCONT)
            time.sleep(0.01)
        raise TimeoutError("no gunicorn worker was ever between two requests")


class Celery(Process):
    def __init__(self, kind: str, env: dict[str, str], folder: Path, hostname: str = ""):
        command = [sys.executable, "-m", "celery", "-A", "servicedesk", kind, "-l", "WARNING"]
        if kind == "worker":
            command += ["--concurrency", "2", "--without-mingle", "--without-gossip"]
            command += ["-n", hostname or "loadrun@localhost"]
        else:
            command += ["--pidfile=", "--max-interval", "5"]
        super().__init__(f"celery {kind}", command, env, folder / f"celery-{kind}.log")


@dataclass
class Received:
    to: str
    text: str
    at: float


@dataclass
class SmsGateway:
    """An SMS gateway that only keeps what it is sent (HTTP POST of ``{"to", "text"}``, as
    ``servicedesk.notifications.HttpSmsSender`` sends it)."""

    token: str
    received: list[Received] = field(default_factory=list)
    refused: int = 0

    def __post_init__(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Authorization") != f"Bearer {gateway.token}":
                    gateway.refused += 1
                    self.send_response(401)
                else:
                    message = json.loads(body)
                    gateway.received.append(Received(message["to"], message["text"], time.time()))
                    self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/send"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Stack:
    """The processes of one load run. ``env`` is what every process gets besides the broker,
    cache and gateway settings filled in here."""

    folder: Path
    database_url: str
    port: int
    workers: int = 4
    #: Settings for the run's processes (DJANGO_SETTINGS_MODULE, SECRET_KEY, static files…).
    env: dict[str, str] = field(default_factory=dict)
    redis: Redis | None = None
    gunicorn: Gunicorn | None = None
    worker: Celery | None = None
    beat: Celery | None = None
    gateway: SmsGateway | None = None
    #: (seconds since the stack started, what happened) for the report.
    events: list[tuple[float, str]] = field(default_factory=list)
    started_at: float = field(default_factory=time.monotonic)
    worker_starts: int = 0

    def note(self, what: str) -> None:
        self.events.append((round(time.monotonic() - self.started_at, 1), what))

    def process_env(self) -> dict[str, str]:
        redis, gateway = started(self.redis), started(self.gateway)
        base = {k: v for k, v in os.environ.items() if k != "SERVICEDESK_DEVTOOLS"}
        return (
            base
            | {
                "DATABASE_URL": self.database_url,
                "CELERY_BROKER_URL": redis.url(0),
                "CACHE_URL": redis.url(1).replace("redis:", "rediscache:"),
                "NOTIFICATION_SENDER": "servicedesk.notifications.HttpSmsSender",
                "SMS_GATEWAY_URL": gateway.url,
                "SMS_GATEWAY_TOKEN": gateway.token,
            }
            | self.env
        )

    def start(self) -> Stack:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.started_at = time.monotonic()
        self.gateway = SmsGateway(token=os.urandom(8).hex())
        self.redis = Redis(free_port(), self.folder).start()
        self.note(f"redis-server up on port {self.redis.port}")
        env = self.process_env()
        collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
        subprocess.run(collect, cwd=ROOT, env=env, check=True, timeout=300)  # noqa: S603
        self.note("static files collected")
        self.gunicorn = Gunicorn(self.port, self.workers, env, self.folder).start()
        self.note(f"gunicorn up: {self.workers} workers on port {self.port}")
        self.start_worker()
        self.beat = Celery("beat", env, self.folder).start()
        self.note("celery beat started")
        return self

    def start_worker(self) -> None:
        self.worker_starts += 1
        hostname = f"loadrun{self.worker_starts}@localhost"
        self.worker = Celery("worker", self.process_env(), self.folder, hostname).start()
        self.note(f"celery worker started ({hostname})")

    # --- faults -----------------------------------------------------------------------------

    def restart_redis(self, down_seconds: float = 1.0) -> None:
        redis = started(self.redis)
        redis.kill()
        self.note("FAULT redis-server killed (SIGKILL): broker queue and cache lost")
        time.sleep(down_seconds)
        redis.start()
        self.note(f"redis-server started again, empty, after {down_seconds:g} s down")

    def kill_web_worker(self) -> None:
        done = started(self.gunicorn).kill_worker()
        self.note(
            f"FAULT gunicorn worker {done['killed_pid']} killed (SIGKILL, between two requests); "
            f"the master started worker {done['new_pid']}"
        )

    def kill_celery_worker(self) -> None:
        started(self.worker).kill()
        self.note("FAULT celery worker killed (SIGKILL to its process group)")

    def inject(self, *, redis_down: float = 1.0, gap: float = 5.0, worker_down: float = 10.0):
        """The fault sequence of the run, ``gap`` seconds apart: Redis restarted, a web worker
        killed, the Celery worker killed, and ``worker_down`` seconds later started again."""
        self.restart_redis(redis_down)
        time.sleep(gap)
        self.kill_web_worker()
        time.sleep(gap)
        self.kill_celery_worker()
        time.sleep(worker_down)
        self.start_worker()

    def stop(self) -> None:
        for process in (self.beat, self.worker, self.gunicorn, self.redis):
            if process is not None:
                process.stop()
        if self.gateway is not None:
            self.gateway.close()
