"""The load run (issue #9): simulated front-desk users against a running server over HTTP.

Each user is a thread with its own cookies: it logs in through the login form, then repeats,
with a think time between actions, what a receptionist does: looks at the reception board,
searches by phone, IMEI or ticket number, opens tickets, now and then registers an arrival and
now and then opens a repair record (the intake form, then its POST). Only the standard library
speaks HTTP, so the client stays small next to the server on the same machine.

Bounded: it stops by itself after ``duration`` seconds or ``max_requests`` requests, whichever
comes first; every request has a timeout. Any unexpected status, a failed login, a form that
comes back instead of a redirect, or a timeout counts as an error.
"""

from __future__ import annotations

import datetime as dt
import http.client
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlparse

from django.utils import timezone

from devtools.benchmark import PointInputs, desk_phone, luhn_complete, percentile

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=dict)
    #: (started at, seconds) of every request, to separate the ramp-up from the steady state.
    timeline: list[tuple[float, float]] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    first_errors: list[str] = field(default_factory=list)
    count: int = 0

    def record(self, kind: str, seconds: float, error: str = "") -> None:
        with self.lock:
            self.count += 1
            self.times.setdefault(kind, []).append(seconds)
            self.timeline.append((time.perf_counter() - seconds, seconds))
            if error:
                self.errors[kind] = self.errors.get(kind, 0) + 1
                if len(self.first_errors) < 10:
                    self.first_errors.append(f"{kind}: {error}")


class User(threading.Thread):
    """One simulated receptionist."""

    def __init__(self, *, base_url, username, password, point, seed, stats, stop, budget):
        super().__init__(daemon=True)
        parsed = urlparse(base_url)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.username, self.password = username, password
        self.point: PointInputs = point
        self.rng = random.Random(seed)  # noqa: S311 - reproducible choices, not secrets
        self.stats, self.stop, self.budget = stats, stop, budget
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    # --- HTTP -------------------------------------------------------------------------------

    def request(self, kind, method, path, form=None, expect=200):
        if self.stop.is_set() or not self.budget.take():
            raise _Stopped
        headers = {"Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.stats.record(kind, time.perf_counter() - began, f"{method} {path}: {exc!r}")
            return None, ""
        elapsed = time.perf_counter() - began
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        error = ""
        if response.status != expect:
            error = f"{method} {path}: {response.status}, expected {expect}"
        self.stats.record(kind, elapsed, error)
        if response.will_close:
            self.conn.close()
        return response, text

    # --- what a receptionist does -----------------------------------------------------------

    def run(self):
        try:
            if not self.login():
                return
            while True:
                self.act()
                self.think()
        except _Stopped:
            return
        finally:
            self.conn.close()

    def think(self):
        self.stop.wait(self.rng.uniform(1.0, 3.0))

    def login(self) -> bool:
        _response, page = self.request("login page", "GET", "/accounts/login/")
        csrf = CSRF_RE.search(page)
        if not csrf:
            self.stats.record("login", 0, "no CSRF token on the login page")
            return False
        response, _ = self.request(
            "login",
            "POST",
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": csrf.group(1),
                "username": self.username,
                "password": self.password,
            },
            expect=302,
        )
        return response is not None and response.status == 302

    def act(self):
        roll = self.rng.random()
        point = self.point
        if roll < 0.30:
            self.request("board", "GET", "/desk/")
        elif roll < 0.60:
            kind, values = self.rng.choice(
                [
                    ("search phone", [desk_phone(p) for p in point.phones]),
                    ("search IMEI", point.imeis or point.ticket_numbers),
                    ("search ticket", point.ticket_numbers),
                ]
            )
            self.request(kind, "GET", f"/desk/search/?{urlencode({'q': self.rng.choice(values)})}")
        elif roll < 0.85:
            self.request("ticket", "GET", f"/repairs/{self.rng.choice(point.ticket_ids)}/")
        elif roll < 0.95:
            self.register_arrival()
        else:
            self.open_repair()

    def register_arrival(self):
        _response, page = self.request("board", "GET", "/desk/")
        csrf = CSRF_RE.search(page)
        if not csrf:
            return
        form = {
            "csrfmiddlewaretoken": csrf.group(1),
            "purpose": self.rng.choice(["repair", "pickup", "inquiry"]),
            "contact_name": self.rng.choice(["王先生", "李女士", "张先生", "陈女士"]),
            "contact_phone": desk_phone(self.rng.choice(self.point.phones)),
        }
        self.request("arrival POST", "POST", "/desk/", form, expect=302)

    def open_repair(self):
        index = self.rng.randrange(len(self.point.customer_ids))
        path = f"/repairs/new/{self.point.customer_ids[index]}/"
        _response, page = self.request("intake form", "GET", path)
        csrf, token = CSRF_RE.search(page), TOKEN_RE.search(page)
        if not (csrf and token):
            return
        purchase = timezone.localdate() - dt.timedelta(days=self.rng.randint(1, 700))
        form = {
            "csrfmiddlewaretoken": csrf.group(1),
            "token": token.group(1),
            "model_name": self.rng.choice(["X100 Pro", "X90", "Y50", "Note 12"]),
            "imei": luhn_complete(f"86{uuid.uuid4().int % 10**12:012d}"),
            "purchase_date": purchase.isoformat(),
            "proof_of_purchase": "invoice",
            "fault_description": self.rng.choice(["屏幕不亮", "无法充电", "听筒无声"]),
            "customer_waits": "0",
            "contact_phone": desk_phone(self.point.phones[index]),
            "backup_warning_given": "on",
        }
        self.request("intake POST", "POST", path, form, expect=302)


class _Stopped(Exception):
    pass


class Budget:
    """At most ``total`` requests across all users."""

    def __init__(self, total: int):
        self.left = total
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def run(
    *,
    base_url: str,
    users: list[tuple[str, PointInputs]],
    password: str,
    duration: float,
    max_requests: int,
    seed: int = 1,
    ramp_up: float = 25.0,
) -> dict:
    """Run the users for ``duration`` seconds in all (or ``max_requests``), starting them one by
    one over ``ramp_up`` seconds (each logs in first: password hashing is deliberately slow),
    and return the figures, overall and for the steady state after the last user started."""
    stats, stop, budget = Stats(), threading.Event(), Budget(max_requests)
    threads = [
        User(
            base_url=base_url,
            username=username,
            password=password,
            point=point,
            seed=seed * 1000 + index,
            stats=stats,
            stop=stop,
            budget=budget,
        )
        for index, (username, point) in enumerate(users)
    ]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
        stop.wait(ramp_up / len(threads))  # a staggered start, as a shift begins
    steady_from = time.perf_counter()
    stop.wait(max(0.0, duration - (steady_from - began)))
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    ended = time.perf_counter()
    elapsed = ended - began
    every = sorted(s * 1000 for times in stats.times.values() for s in times)
    steady = sorted(s * 1000 for start, s in stats.timeline if start >= steady_from)
    kinds = {
        kind: {
            "requests": len(times),
            "errors": stats.errors.get(kind, 0),
            "p50_ms": round(percentile(sorted(t * 1000 for t in times), 50), 1),
            "p95_ms": round(percentile(sorted(t * 1000 for t in times), 95), 1),
            "max_ms": round(max(times) * 1000, 1),
        }
        for kind, times in sorted(stats.times.items())
    }
    return {
        "users": len(threads),
        "seconds": round(elapsed, 1),
        "requests": stats.count,
        "errors": sum(stats.errors.values()),
        "first_errors": stats.first_errors,
        "requests_per_second": round(stats.count / elapsed, 1),
        "p50_ms": round(percentile(every, 50), 1) if every else None,
        "p95_ms": round(percentile(every, 95), 1) if every else None,
        "max_ms": round(every[-1], 1) if every else None,
        "ramp_up_seconds": round(steady_from - began, 1),
        "steady": {
            "seconds": round(ended - steady_from, 1),
            "requests": len(steady),
            "requests_per_second": round(len(steady) / max(ended - steady_from, 1e-9), 1),
            "p50_ms": round(percentile(steady, 50), 1) if steady else None,
            "p95_ms": round(percentile(steady, 95), 1) if steady else None,
            "max_ms": round(steady[-1], 1) if steady else None,
        },
        "by_kind": kinds,
        "threads_still_running": sum(t.is_alive() for t in threads),
    }
