"""The load run (issues #9 and #21): simulated staff against a running server over HTTP.

Each simulated person is a thread with its own cookies: it logs in through the login form, then
repeats, with a think time between actions, what people in that role do all day, the writes
included:

- **front desk**: the reception board, searches by phone, IMEI or ticket number, ticket pages,
  now and then an arrival registered, a repair record opened (the intake form, then its POST), or
  a repaired device's retest passed (which queues the customer's SMS in the outbox);
- **technician**: the workbench, a ticket from it, and the next step of the repair on it (start
  the diagnosis, record it, finish the repair);
- **hotline**: the call screen, a call logged (inquiry, repair status, technical question), and
  now and then a message slip written for a colleague (the details, the read-back, then saved);
- **callback clerk**: the callback queue, a due callback opened and its outcome recorded
  (satisfied with the questionnaire answered, sometimes dissatisfied with the reason, which opens
  a complaint, or a wrong number); the clerk says the customer called back, the one reason the
  rules accept at any hour, so the run does not depend on the point's calling hours;
- **supervisor**: the complaint queue, a complaint with a contact logged on it, the dashboard.

Every form is read from its page (CSRF token, one-time token, version) and sent as a browser
sends it; after a POST the redirect is followed as a browser would. Only the standard library
speaks HTTP, so the client stays small next to the server on the same machine.

Bounded: it stops by itself after ``duration`` seconds or ``max_requests`` requests, whichever
comes first; every request has a timeout. Any unexpected status, a failed login, a form that
comes back refused, or a timeout counts as an error. Nothing is retried: a real browser does not
resend a request whose connection broke (gunicorn's sync workers close every connection after
the response, so there is no reused connection a browser would silently retry on). Two people
acting on one record at the same moment is not an error but a *conflict* (the second gets "someone
else changed this meanwhile", as the application promises), counted apart.
"""

from __future__ import annotations

import datetime as dt
import http.client
import random
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlparse

from django.utils import timezone

from devtools.benchmark import PointInputs, desk_phone, luhn_complete, percentile

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')
OPENED_RE = re.compile(r'name="opened" value="([^"]+)"')
VERSION_RE = re.compile(r'name="version" value="(\d+)"')
ACTION_RE = re.compile(r'data-action="(\w+)"')
TICKET_LINK_RE = re.compile(r'href="/repairs/(\d+)/"')
CALLBACK_LINK_RE = re.compile(r'href="/callbacks/(\d+)/"')
COMPLAINT_LINK_RE = re.compile(r'href="/complaints/(\d+)/"')
QUESTION_RE = re.compile(r'<(select|input|textarea)[^>]*name="q_(\d+)"')
QUESTION_SELECT_RE = re.compile(r'<select[^>]*name="q_(\d+)".*?</select>', re.S)
ANSWER_RE = re.compile(r'<option value="([^"]+)"')
ADDRESSEE_RE = re.compile(r'<select[^>]*name="addressee".*?</select>', re.S)
OPTION_RE = re.compile(r'<option value="(\d+)"')
REPAIR_TYPE_RE = re.compile(r'<select[^>]*name="repair_type".*?</select>', re.S)
#: The message Django's messages framework shows after a refused POST (base.html).
REFUSED_MESSAGE = "alert alert-danger alert-dismissible"
DONE_MESSAGE = "alert alert-success alert-dismissible"

FRONT_DESK, TECHNICIAN, HOTLINE, CALLBACK_CLERK, SUPERVISOR = (
    "front_desk",
    "technician",
    "hotline",
    "callback_clerk",
    "supervisor",
)
#: Each role's short name in the kinds of request (``"tech: workbench"``).
PREFIX = {
    FRONT_DESK: "desk",
    TECHNICIAN: "tech",
    HOTLINE: "hotline",
    CALLBACK_CLERK: "clerk",
    SUPERVISOR: "supervisor",
}
#: Seconds between two actions of one person, per role: the desk is at the counter, the others
#: spend most of their time on the phone or on the device in front of them.
THINK_SECONDS = {
    FRONT_DESK: (2.0, 6.0),
    TECHNICIAN: (4.0, 12.0),
    HOTLINE: (4.0, 12.0),
    CALLBACK_CLERK: (4.0, 12.0),
    SUPERVISOR: (4.0, 12.0),
}


@dataclass(frozen=True)
class Staff:
    """One simulated person: role, login and point (with the records to look up there)."""

    role: str
    username: str
    point: PointInputs


class PointWork:
    """What colleagues at one point hand each other: repaired devices waiting for their retest
    at the desk (seeded from the data set, then fed by the technicians)."""

    def __init__(self, quality_check: list[int] | None = None):
        self.lock = threading.Lock()
        self.quality_check = list(quality_check or [])

    def put(self, ticket_id: int) -> None:
        with self.lock:
            self.quality_check.append(ticket_id)

    def take(self) -> int | None:
        with self.lock:
            return self.quality_check.pop(0) if self.quality_check else None


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    began: float = field(default_factory=time.perf_counter)
    times: dict[str, list[float]] = field(default_factory=dict)
    #: (started at, seconds) of every request, to separate the ramp-up from the steady state.
    timeline: list[tuple[float, float]] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    conflicts: dict[str, int] = field(default_factory=dict)
    first_errors: list[str] = field(default_factory=list)
    count: int = 0

    def record(self, kind: str, seconds: float, error: str = "") -> None:
        with self.lock:
            self.count += 1
            self.times.setdefault(kind, []).append(seconds)
            started = time.perf_counter() - seconds
            self.timeline.append((started, seconds))
            if error:
                self.errors[kind] = self.errors.get(kind, 0) + 1
                if len(self.first_errors) < 200:
                    self.first_errors.append(f"t={started - self.began:.1f}s {kind}: {error}")

    def conflict(self, kind: str) -> None:
        with self.lock:
            self.conflicts[kind] = self.conflicts.get(kind, 0) + 1


class _Stopped(Exception):
    pass


class User(threading.Thread):
    """One simulated member of staff; a subclass per role says what they do (``act``)."""

    role = FRONT_DESK

    def __init__(
        self, *, base_url, staff: Staff, password, seed, stats, stop, budget, work, pace=1.0
    ):
        super().__init__(daemon=True)
        self.pace = pace
        parsed = urlparse(base_url)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.username, self.password = staff.username, password
        self.point: PointInputs = staff.point
        self.work: PointWork = work
        self.rng = random.Random(seed)  # noqa: S311 - reproducible choices, not secrets
        self.stats, self.stop, self.budget = stats, stop, budget
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    # --- HTTP -------------------------------------------------------------------------------

    def kind(self, what: str) -> str:
        return f"{PREFIX[self.role]}: {what}"

    def request(self, what, method, path, form=None, expect=200):
        """One request, measured and checked; returns (response, text), or (None, "") when the
        connection failed (an error, recorded)."""
        if self.stop.is_set() or not self.budget.take():
            raise _Stopped
        kind = self.kind(what)
        headers = {"Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
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
        if response.status not in (expect if isinstance(expect, tuple) else (expect,)):
            error = f"{method} {path}: {response.status}, expected {expect}"
        self.stats.record(kind, elapsed, error)
        if response.will_close:
            self.conn.close()
        return (response if not error else None), text

    def get(self, what: str, path: str):
        _response, text = self.request(what, "GET", path)
        return text

    def post(self, what: str, path: str, form: dict, *, then: str) -> bool | None:
        """POST a form, expect the redirect of a success and follow it (as a browser does) as
        the kind ``then``. True when the page after it says done; False for a conflict (the
        page says someone else acted first); None when the request itself failed (an error,
        already recorded)."""
        response, _text = self.request(what, "POST", path, form, expect=302)
        if response is None:
            return None
        location = urlparse(response.headers.get("Location", "")).path or "/"
        _response, page = self.request(then, "GET", location)
        if REFUSED_MESSAGE in page and DONE_MESSAGE not in page:
            self.stats.conflict(self.kind(what))
            return False
        return True

    # --- a working day ----------------------------------------------------------------------

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
        low, high = THINK_SECONDS[self.role]
        self.stop.wait(self.rng.uniform(low, high) * self.pace)

    def login(self) -> bool:
        page = self.get("login page", "/accounts/login/")
        csrf = CSRF_RE.search(page)
        if not csrf:
            self.stats.record(self.kind("login"), 0, "no CSRF token on the login page")
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
        return response is not None

    def act(self) -> None:
        raise NotImplementedError

    def csrf(self, page: str) -> str | None:
        found = CSRF_RE.search(page)
        return found.group(1) if found else None

    def ticket_step(self, ticket_id: int, page: str, steps: dict[str, Callable[[], dict]]):
        """The first of ``steps`` that the ticket page offers, posted with that step's fields;
        returns (the action, whether it was done) or (None, None) when none is offered."""
        offered = ACTION_RE.findall(page)
        csrf, version = self.csrf(page), VERSION_RE.search(page)
        action = next((a for a in steps if a in offered), None)
        if action is None or not (csrf and version):
            return None, None
        form = {
            "csrfmiddlewaretoken": csrf,
            "action": action,
            "version": version.group(1),
        } | steps[action]()
        done = self.post(
            action.replace("_", " "), f"/repairs/{ticket_id}/action/", form, then="ticket"
        )
        return action, done


class FrontDesk(User):
    """A receptionist (the load run of issue #9, with the retest of repaired devices)."""

    role = FRONT_DESK

    def act(self):
        roll = self.rng.random()
        point = self.point
        if roll < 0.28:
            self.get("board", "/desk/")
        elif roll < 0.55:
            kind, values = self.rng.choice(
                [
                    ("search phone", [desk_phone(p) for p in point.phones]),
                    ("search IMEI", point.imeis or point.ticket_numbers),
                    ("search ticket", point.ticket_numbers),
                ]
            )
            self.search(kind, self.rng.choice(values))
        elif roll < 0.80:
            self.get("ticket", f"/repairs/{self.rng.choice(point.ticket_ids)}/")
        elif roll < 0.90:
            self.register_arrival()
        elif roll < 0.95:
            self.open_repair()
        else:
            self.retest()

    def search(self, kind: str, query: str):
        """The search box posts its query (a phone number stays out of URLs); one match goes
        straight to the record (followed, as a browser does), several give the list."""
        form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), "q": query}
        response, _ = self.request(kind, "POST", "/desk/search/", form, expect=(200, 302))
        if response is not None and response.status == 302:
            self.get("record found", urlparse(response.headers.get("Location", "")).path)

    def register_arrival(self):
        page = self.get("board", "/desk/")
        csrf, token = self.csrf(page), TOKEN_RE.search(page)
        if not (csrf and token):
            return
        form = {
            "csrfmiddlewaretoken": csrf,
            "token": token.group(1),
            "purpose": self.rng.choice(["repair", "pickup", "inquiry"]),
            "contact_name": self.rng.choice(["王先生", "李女士", "张先生", "陈女士"]),
            "contact_phone": desk_phone(self.rng.choice(self.point.phones)),
        }
        self.post("arrival POST", "/desk/", form, then="board")

    def open_repair(self):
        index = self.rng.randrange(len(self.point.customer_ids))
        path = f"/repairs/new/{self.point.customer_ids[index]}/"
        page = self.get("intake form", path)
        csrf, token = self.csrf(page), TOKEN_RE.search(page)
        if not (csrf and token):
            return
        purchase = timezone.localdate() - dt.timedelta(days=self.rng.randint(1, 700))
        form = {
            "csrfmiddlewaretoken": csrf,
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
        self.post("intake POST", path, form, then="ticket")

    def retest(self):
        """A repaired device from the workshop: the retest passed (the customer is told by SMS
        through the outbox)."""
        ticket_id = self.work.take()
        if ticket_id is None:
            self.get("board", "/desk/")
            return
        page = self.get("ticket", f"/repairs/{ticket_id}/")
        self.ticket_step(ticket_id, page, {"pass_qa": dict})


class Technician(User):
    """A technician at the workbench: takes a ticket and moves its repair one step on."""

    role = TECHNICIAN

    def act(self):
        page = self.get("workbench", "/repairs/workbench/")
        tickets = TICKET_LINK_RE.findall(page)
        if not tickets or self.rng.random() < 0.25:
            return
        ticket_id = int(self.rng.choice(tickets[:20]))
        page = self.get("ticket", f"/repairs/{ticket_id}/")
        if self.rng.random() < 0.3:
            return  # only looked
        repair_type = REPAIR_TYPE_RE.search(page)
        options = OPTION_RE.findall(repair_type.group(0)) if repair_type else []
        action, done = self.ticket_step(
            ticket_id,
            page,
            {
                "start_diagnosis": dict,
                "diagnose": lambda: {
                    "fault_confirmed": self.rng.choice(["电池老化", "屏幕排线断", "尾插损坏"]),
                    "repair_type": options[0] if options else "",
                    "labor_fee": "" if options else "80",
                },
                "complete_repair": lambda: {
                    "repair_method": self.rng.choice(["换电池", "更换排线", "更换尾插"])
                },
            },
        )
        if action == "complete_repair" and done:
            self.work.put(ticket_id)


class Hotline(User):
    """A hotline operator: logs each answered call, and writes a message slip for what a
    colleague must answer."""

    role = HOTLINE

    def act(self):
        if self.rng.random() < 0.3:
            self.get("call log", "/desk/hotline/calls/")
            return
        page = self.get("call screen", "/desk/hotline/")
        csrf, token, opened = self.csrf(page), TOKEN_RE.search(page), OPENED_RE.search(page)
        if not (csrf and token and opened):
            return
        index = self.rng.randrange(len(self.point.phones))
        form = {
            "csrfmiddlewaretoken": csrf,
            "token": token.group(1),
            "opened": opened.group(1),
            "contact_phone": desk_phone(self.point.phones[index]),
            "caller_kind": "customer",
            "purpose": self.rng.choice(["inquiry", "repair_status", "technical"]),
            "rings_to_answer": str(self.rng.randint(1, 3)),
            "summary": self.rng.choice(["询问保修期", "问维修进度", "手机发热怎么办"]),
            "outcome": "已答复",
        }
        response, _ = self.request("call POST", "POST", "/desk/hotline/", form, expect=302)
        if response is None:
            return
        call_page = urlparse(response.headers.get("Location", "")).path
        self.get("call", call_page)
        call_id = call_page.strip("/").split("/")[-1]
        if self.rng.random() < 0.3 and call_id.isdigit():
            self.write_slip(int(call_id), index)

    def write_slip(self, call_id: int, index: int):
        path = f"/desk/visits/{call_id}/slip/"
        page = self.get("slip form", path)
        csrf, token = self.csrf(page), TOKEN_RE.search(page)
        addressees = ADDRESSEE_RE.search(page)
        choices = OPTION_RE.findall(addressees.group(0)) if addressees else []
        if not (csrf and token and choices):
            return
        due = timezone.localtime() + dt.timedelta(hours=self.rng.randint(2, 20))
        form = {
            "csrfmiddlewaretoken": csrf,
            "token": token.group(1),
            "caller_name": self.rng.choice(["王先生", "李女士"]),
            "phone": desk_phone(self.point.phones[index]),
            "message": "请回电说明报价",
            "addressee": self.rng.choice(choices),
            "callback_due_at": due.strftime("%Y-%m-%dT%H:%M"),
            "step": "check",
        }
        _response, readback = self.request("slip read-back", "POST", path, form)
        if not readback:
            return
        form |= {"step": "save", "read_back_confirmed": "on"}
        self.post("slip POST", path, form, then="call")


class CallbackClerk(User):
    """A callback clerk working the queue of due callbacks."""

    role = CALLBACK_CLERK

    def act(self):
        page = self.get("queue", "/callbacks/?tab=due")
        callbacks = CALLBACK_LINK_RE.findall(page)
        if not callbacks:
            return
        callback_id = callbacks[0] if self.rng.random() < 0.7 else self.rng.choice(callbacks)
        path = f"/callbacks/{callback_id}/"
        page = self.get("callback", path)
        csrf, version = self.csrf(page), VERSION_RE.search(page)
        if not (csrf and version):
            return
        roll = self.rng.random()
        outcome = "satisfied" if roll < 0.8 else "dissatisfied" if roll < 0.95 else "wrong_number"
        form = {
            "csrfmiddlewaretoken": csrf,
            "version": version.group(1),
            "outcome": outcome,
            "duration_seconds": str(self.rng.randint(40, 400)),
            "outside_hours_reason": "customer_called",
        }
        if outcome == "dissatisfied":
            form["dissatisfaction_reason"] = "维修后电池仍然不耐用"
        if outcome == "satisfied":
            for element, question in QUESTION_RE.findall(page):
                if element != "select":
                    form[f"q_{question}"] = "服务很好"
            for select in QUESTION_SELECT_RE.finditer(page):
                answers = ANSWER_RE.findall(select.group(0))
                if answers:
                    form[f"q_{select.group(1)}"] = answers[0]  # the best rating, or "yes"
        self.post("outcome POST", path, form, then="queue")


class Supervisor(User):
    """A supervisor: the complaint queue, a complaint worked on, the dashboard."""

    role = SUPERVISOR

    def act(self):
        roll = self.rng.random()
        if roll < 0.35:
            self.get("dashboard", "/dashboard/")
            return
        page = self.get("complaint queue", "/complaints/")
        complaints = COMPLAINT_LINK_RE.findall(page)
        if roll < 0.55 or not complaints:
            return
        complaint_id = self.rng.choice(complaints[:20])
        path = f"/complaints/{complaint_id}/"
        page = self.get("complaint", path)
        csrf, version = self.csrf(page), VERSION_RE.search(page)
        if not (csrf and version) or self.rng.random() < 0.4:
            return
        promised = timezone.localtime() + dt.timedelta(days=1)
        form = {
            "csrfmiddlewaretoken": csrf,
            "version": version.group(1),
            "note": self.rng.choice(["已致电顾客说明进展", "已安排技术主管复检"]),
            "promised_reply_at": promised.strftime("%Y-%m-%dT%H:%M"),
        }
        self.post("contact POST", f"{path}contact/", form, then="complaint")


BEHAVIOUR: dict[str, type[User]] = {
    FRONT_DESK: FrontDesk,
    TECHNICIAN: Technician,
    HOTLINE: Hotline,
    CALLBACK_CLERK: CallbackClerk,
    SUPERVISOR: Supervisor,
}


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


def _figures(times_ms: list[float]) -> dict:
    ordered = sorted(times_ms)
    return {
        "requests": len(ordered),
        "p50_ms": round(percentile(ordered, 50), 1) if ordered else None,
        "p95_ms": round(percentile(ordered, 95), 1) if ordered else None,
        "max_ms": round(ordered[-1], 1) if ordered else None,
    }


def run(
    *,
    base_url: str,
    users: list[Staff],
    password: str,
    duration: float,
    max_requests: int,
    seed: int = 1,
    ramp_up: float = 25.0,
    quality_check: dict[int, list[int]] | None = None,
    during: Callable[[float], None] | None = None,
    pace: float = 1.0,
) -> dict:
    """Run the staff for ``duration`` seconds in all (or ``max_requests``), starting them one by
    one over ``ramp_up`` seconds (each logs in first: password hashing is deliberately slow),
    and return the figures, overall, for the steady state after the last user started, per role
    and per kind of request. ``during(elapsed)`` is called in a thread of its own right after
    the ramp-up (the fault injection), and the run lasts at least until it returns. ``pace``
    multiplies every think time (2: half as many clicks a minute)."""
    stats, stop, budget = Stats(), threading.Event(), Budget(max_requests)
    work = {
        point_id: PointWork((quality_check or {}).get(point_id))
        for point_id in {s.point.point_id for s in users}
    }
    threads = [
        BEHAVIOUR[staff.role](
            base_url=base_url,
            staff=staff,
            password=password,
            seed=seed * 1000 + index,
            stats=stats,
            stop=stop,
            budget=budget,
            work=work[staff.point.point_id],
            pace=pace,
        )
        for index, staff in enumerate(users)
    ]
    began = stats.began = time.perf_counter()
    for thread in threads:
        thread.start()
        stop.wait(ramp_up / len(threads))  # a staggered start, as a shift begins
    steady_from = time.perf_counter()
    side = None
    if during is not None:
        side = threading.Thread(target=during, args=(steady_from - began,), daemon=True)
        side.start()
    stop.wait(max(0.0, duration - (steady_from - began)))
    if side is not None:
        side.join()
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    ended = time.perf_counter()
    elapsed = ended - began
    every = [s * 1000 for times in stats.times.values() for s in times]
    steady = [s * 1000 for start, s in stats.timeline if start >= steady_from]
    kinds = {
        kind: {"errors": stats.errors.get(kind, 0), "conflicts": stats.conflicts.get(kind, 0)}
        | _figures([t * 1000 for t in times])
        for kind, times in sorted(stats.times.items())
    }
    by_role: dict[str, list[float]] = {}
    for kind, times in stats.times.items():
        by_role.setdefault(kind.split(":", 1)[0], []).extend(t * 1000 for t in times)
    roles = {
        role: {
            "staff": sum(1 for s in users if PREFIX[s.role] == role),
            "errors": sum(n for k, n in stats.errors.items() if k.startswith(f"{role}:")),
        }
        | _figures(times)
        for role, times in sorted(by_role.items())
    }
    overall = _figures(every)
    return {
        "users": len(threads),
        "points": len(work),
        "think_seconds": {
            role: [round(low * pace, 1), round(high * pace, 1)]
            for role, (low, high) in THINK_SECONDS.items()
        },
        "seconds": round(elapsed, 1),
        "requests": stats.count,
        "errors": sum(stats.errors.values()),
        "conflicts": sum(stats.conflicts.values()),
        "first_errors": stats.first_errors,
        "requests_per_second": round(stats.count / elapsed, 1),
        "p50_ms": overall["p50_ms"],
        "p95_ms": overall["p95_ms"],
        "max_ms": overall["max_ms"],
        "ramp_up_seconds": round(steady_from - began, 1),
        "steady": {
            "seconds": round(ended - steady_from, 1),
            "requests_per_second": round(len(steady) / max(ended - steady_from, 1e-9), 1),
        }
        | _figures(steady),
        "by_role": roles,
        "by_kind": kinds,
        "threads_still_running": sum(t.is_alive() for t in threads),
    }
