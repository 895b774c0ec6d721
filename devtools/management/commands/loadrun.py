"""The load run (issues #9 and #21): simulated staff of every role at many points, over HTTP.

    python manage.py loadrun --serve --faults --staff 200 --points 20 --duration 600

``--serve`` starts the production stack itself on 127.0.0.1 (a private redis-server, gunicorn
with 4 workers, a Celery worker and beat, a fake SMS gateway; ``devtools.loadstack``) on this
command's database; without it the run targets ``--base-url``. ``--faults`` (with ``--serve``)
restarts Redis, kills a gunicorn worker and the Celery worker in the middle of the run (the
Celery worker is started again, as a process supervisor would). After the run the worker is
given time to drain, and the database and the gateway are checked: every callback that fell due
queued once, every customer message sent once (``devtools.loadcheck``).

``scripts/loadrun`` runs this on a fresh copy of the national data set. The staff, their points
and what they look up are discovered from the database with a seeded RNG; everything they do goes
through HTTP. With ``--serve``, callbacks scheduled for later at the run's points are made due
at moments spread over the run (the copy only), so the dispatcher has work during the faults.
"""

from __future__ import annotations

import json
import random
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from devtools import loadcheck, loadtest
from devtools.benchmark import discover
from devtools.loadtest import CALLBACK_CLERK, FRONT_DESK, HOTLINE, SUPERVISOR, TECHNICIAN
from repairs.models import RepairTicket, TicketStatus
from servicedesk.models import StaffProfile

#: Ten people at each point: who does what (issue #21's realistic proportions).
MIX = (
    (FRONT_DESK, 3),
    (TECHNICIAN, 3),
    (HOTLINE, 2),
    (CALLBACK_CLERK, 1),
    (SUPERVISOR, 1),
)


#: One secret for every process of a run (sessions and signed values must agree).
SECRET_KEY = f"loadrun-{secrets.token_hex(32)}"


def mix_for(per_point: int) -> list[str]:
    """The roles of ``per_point`` people at one point: ``MIX`` scaled, every role at least once
    (from five people on), the front desk taking what rounding leaves."""
    size = sum(n for _role, n in MIX)
    counts = {role: max(1, n * per_point // size) for role, n in MIX}
    counts[FRONT_DESK] += per_point - sum(counts.values())
    while counts[FRONT_DESK] < 1:  # fewer than five people: drop roles from the end
        last = next(role for role, _n in reversed(MIX) if counts[role] > 0)
        counts[last] -= 1
        counts[FRONT_DESK] += 1
    return [role for role, _n in MIX for _ in range(counts[role])]


def staff_for(points, per_point: int, total: int) -> list[loadtest.Staff]:
    """``total`` people over ``points`` in the proportions of ``MIX`` (scaled to ``per_point``);
    each person logs in as a member of staff of that role at that point (a role's several
    people share the logins it has there, each with a session of its own)."""
    roles = mix_for(per_point)
    logins: dict[tuple[int, str], list[str]] = {}
    for point_id, role, username in (
        StaffProfile.objects.filter(
            point_id__in=[p.point_id for p in points],
            role__in=[r for r, _n in MIX],
            user__is_active=True,
        )
        .order_by("point_id", "role", "user__username")
        .values_list("point_id", "role", "user__username")
    ):
        logins.setdefault((point_id, role), []).append(username)
    people: list[loadtest.Staff] = []
    for index in range(total):
        point = points[index // per_point % len(points)]
        role = roles[index % per_point]
        names = logins.get((point.point_id, role))
        if not names:
            raise CommandError(f"No active {role} at point {point.code}.")
        people.append(loadtest.Staff(role, names[index % len(names)], point))
    return people


def database_url() -> str:
    s = connection.settings_dict
    auth = s.get("USER") or ""
    if s.get("PASSWORD"):
        auth += f":{s['PASSWORD']}"
    auth += "@" if auth else ""
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


class Command(BaseCommand):
    help = "Simulated staff over HTTP for a bounded time, faults optional; p95 per kind, errors."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8765")
        parser.add_argument("--staff", type=int, default=200)
        parser.add_argument("--points", type=int, default=20)
        parser.add_argument("--duration", type=float, default=600, help="in all, ramp-up included")
        parser.add_argument("--ramp-up", type=float, default=60)
        parser.add_argument("--max-requests", type=int, default=400_000)
        parser.add_argument("--password", default="demo-2026")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", default="")
        parser.add_argument("--serve", action="store_true", help="start the stack (see above)")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument("--faults", action="store_true", help="with --serve: mid-run faults")
        parser.add_argument(
            "--due-per-point", type=int, default=20, help="callbacks made due during the run"
        )
        parser.add_argument(
            "--pace", type=float, default=1.0, help="think times multiplied by this"
        )
        parser.add_argument(
            "--keep-logs", action="store_true", help="keep the stack's logs even after a clean run"
        )
        parser.add_argument("--settle", type=float, default=300, help="drain limit, seconds")

    def handle(self, *args, **o):
        if o["faults"] and not o["serve"]:
            raise CommandError("--faults needs --serve: the run injects them into its own stack.")
        base_url = f"http://127.0.0.1:{o['port']}" if o["serve"] else o["base_url"]
        if not base_url.startswith(("http://127.0.0.1", "http://localhost")):
            raise CommandError("The load run only targets a server on this machine (loopback).")
        rng = random.Random(o["seed"])  # noqa: S311 - reproducible inputs, not secrets
        points = discover(rng=rng, points=o["points"])
        if not points:
            raise CommandError("No service point with its staff and records to look up.")
        per_point = max(1, -(-o["staff"] // len(points)))
        users = staff_for(points, per_point, o["staff"])
        quality_check: dict[int, list[int]] = {}
        for point_id, pk in (
            RepairTicket.objects.filter(
                point_id__in=[p.point_id for p in points], status=TicketStatus.QUALITY_CHECK
            )
            .order_by("created_at")
            .values_list("point_id", "id")
        ):
            quality_check.setdefault(point_id, []).append(pk)
        self.stderr.write(
            f"{len(users)} staff on {len(points)} points for {o['duration']:g} s "
            f"against {base_url} …"
        )
        if not o["serve"]:
            result = self.run_load(o, base_url, users, quality_check)
        else:
            result = self.run_with_stack(o, base_url, users, points, quality_check)
        self.report(result)
        if o["json"]:
            path = Path(o["json"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")

    def run_load(self, o, base_url, users, quality_check, during=None) -> dict:
        return loadtest.run(
            base_url=base_url,
            users=users,
            password=o["password"],
            duration=o["duration"],
            max_requests=o["max_requests"],
            seed=o["seed"],
            ramp_up=o["ramp_up"],
            quality_check=quality_check,
            during=during,
            pace=o["pace"],
        )

    def run_with_stack(self, o, base_url, users, points, quality_check) -> dict:
        from devtools.loadstack import Stack, started

        folder = Path(tempfile.mkdtemp(prefix="loadrun-"))
        stack = Stack(
            folder=folder,
            database_url=database_url(),
            port=o["port"],
            workers=o["workers"],
            env=stack_env(folder),
        )
        since = timezone.now()
        try:
            stack.start()
            made_due = 0
            if o["due_per_point"]:
                made_due = loadcheck.make_callbacks_due(
                    point_ids=[p.point_id for p in points],
                    start=since,
                    seconds=max(0.0, o["duration"] - 15),
                    per_point=o["due_per_point"],
                    seed=o["seed"],
                )
            stack.note(f"load run started; {made_due} callbacks fall due during it")

            def faults(elapsed: float) -> None:
                # In the middle; in a short run the pauses between the faults are shorter.
                time.sleep(max(0.0, o["duration"] / 2 - elapsed))
                stack.inject(
                    gap=min(5.0, o["duration"] / 20), worker_down=min(10.0, o["duration"] / 10)
                )

            result = self.run_load(
                o, base_url, users, quality_check, during=faults if o["faults"] else None
            )
            cutoff = timezone.now()
            stack.note("load run ended; draining the worker")
            settled = loadcheck.settle(cutoff=cutoff, timeout=o["settle"])
            stack.note(f"drained after {settled['seconds']:g} s")
            received = [
                (m.to, m.text) for m in started(stack.gateway).received if m.at >= since.timestamp()
            ]
            result["integrity"] = loadcheck.check(since=since, cutoff=cutoff, received=received)
            result["integrity"]["callbacks"]["made_due_for_the_run"] = made_due
            result["integrity"]["settled"] = settled
            result["stack"] = {
                "gunicorn_workers": o["workers"],
                "celery_worker": "prefork, concurrency 2",
                "settings": "servicedesk.settings.production",
                "sms_gateway": "HttpSmsSender to a fake gateway on 127.0.0.1",
                "beat_seconds": {
                    k: stack_env(folder)[k]
                    for k in ("FOLLOWUPS_DISPATCH_SECONDS", "NOTIFICATIONS_SWEEP_SECONDS")
                },
                "notification_lease_seconds": stack_env(folder)["NOTIFICATION_LEASE_SECONDS"],
            }
        finally:
            stack.stop()
        result["started_at"] = since.isoformat()
        result["faults"] = [{"at_s": at, "event": what} for at, what in stack.events]
        integrity = result.get("integrity", {})
        clean = (
            not result["errors"] and not integrity.get("lost") and not integrity.get("duplicated")
        )
        if clean and not o["keep_logs"]:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            self.stderr.write(f"the stack's logs are in {folder}")
        return result

    def report(self, result: dict) -> None:
        self.stdout.write(
            f"{result['users']} staff on {result['points']} points, {result['seconds']:g} s: "
            f"{result['requests']:,} requests, {result['requests_per_second']:g} requests/s, "
            f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms, "
            f"errors {result['errors']}, conflicts {result['conflicts']}"
        )
        for role, row in result["by_role"].items():
            self.stdout.write(
                f"  {role:<12} {row['staff']:>4} staff {row['requests']:>8,} requests  "
                f"p50 {row['p50_ms']:>7} ms  p95 {row['p95_ms']:>7} ms  max {row['max_ms']:>7} ms"
                f"  errors {row['errors']}"
            )
        for kind, row in result["by_kind"].items():
            self.stdout.write(
                f"  {kind:<28} {row['requests']:>7,}  p50 {row['p50_ms']:>7} ms  "
                f"p95 {row['p95_ms']:>7} ms  max {row['max_ms']:>7} ms  errors {row['errors']}"
                f"  conflicts {row['conflicts']}"
            )
        for event in result.get("faults", []):
            self.stdout.write(f"  {event['at_s']:>7} s  {event['event']}")
        if "integrity" in result:
            self.stdout.write(f"  integrity: {json.dumps(result['integrity'], ensure_ascii=False)}")
        for line in result["first_errors"]:
            self.stdout.write(f"  error: {line}")


def stack_env(folder: Path) -> dict[str, str]:
    """The production settings for the stack's processes, with what a run on 127.0.0.1 needs:
    plain HTTP (no TLS proxy in front), its own static and export folders, and beat's sweeps
    and the outbox lease short enough that a 10-minute run drains within minutes."""
    return {
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings.production",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(folder / "static"),
        "EXPORTS_ROOT": str(folder / "exports"),
        "FOLLOWUPS_DISPATCH_SECONDS": "15",
        "NOTIFICATIONS_SWEEP_SECONDS": "15",
        "SLIP_REMINDERS_SECONDS": "60",
        "NOTIFICATION_LEASE_SECONDS": "60",
    }
