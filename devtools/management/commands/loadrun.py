"""The load run (issue #9): N simulated front-desk users against a running server.

    python manage.py loadrun --base-url http://127.0.0.1:8765 --users 50 --duration 300

``scripts/loadrun`` starts gunicorn (4 workers, 127.0.0.1 only) on a copy of the data set, runs
this, and stops the server. The users, their points and what they look up are discovered from
the database (read only) with a seeded RNG; everything they do goes through HTTP.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from devtools import loadtest
from devtools.benchmark import discover
from servicedesk.models import Role


class Command(BaseCommand):
    help = "Simulated front-desk users over HTTP for a bounded time; requests/s, p95, errors."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8765")
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--duration", type=float, default=300, help="in all, ramp-up included")
        parser.add_argument("--ramp-up", type=float, default=25)
        parser.add_argument("--max-requests", type=int, default=200_000)
        parser.add_argument("--password", default="demo-2026")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", default="")

    def handle(self, *args, **o):
        if not o["base_url"].startswith(("http://127.0.0.1", "http://localhost")):
            raise CommandError("The load run only targets a server on this machine (loopback).")
        rng = random.Random(o["seed"])  # noqa: S311 - reproducible inputs, not secrets
        points = discover(rng=rng, points=o["users"])
        if not points:
            raise CommandError("No service point with a front desk and records to look up.")
        names = dict(
            get_user_model()
            .objects.filter(pk__in=[p.staff[Role.FRONT_DESK] for p in points])
            .values_list("pk", "username")
        )
        users = [
            (names[points[i % len(points)].staff[Role.FRONT_DESK]], points[i % len(points)])
            for i in range(o["users"])
        ]
        self.stderr.write(
            f"{len(users)} users on {len(points)} points for {o['duration']:g} s "
            f"against {o['base_url']} …"
        )
        result = loadtest.run(
            base_url=o["base_url"],
            users=users,
            password=o["password"],
            duration=o["duration"],
            max_requests=o["max_requests"],
            seed=o["seed"],
            ramp_up=o["ramp_up"],
        )
        self.stdout.write(
            f"{result['users']} users, {result['seconds']:g} s: {result['requests']:,} requests, "
            f"{result['requests_per_second']:g} requests/s, p50 {result['p50_ms']} ms, "
            f"p95 {result['p95_ms']} ms, max {result['max_ms']} ms, errors {result['errors']}"
        )
        steady = result["steady"]
        self.stdout.write(
            f"after the {result['ramp_up_seconds']:g} s ramp-up (logins): "
            f"{steady['requests']:,} requests in {steady['seconds']:g} s, "
            f"{steady['requests_per_second']:g} requests/s, p50 {steady['p50_ms']} ms, "
            f"p95 {steady['p95_ms']} ms, max {steady['max_ms']} ms"
        )
        for kind, row in result["by_kind"].items():
            self.stdout.write(
                f"  {kind:<14} {row['requests']:>7,}  p50 {row['p50_ms']:>7} ms  "
                f"p95 {row['p95_ms']:>7} ms  max {row['max_ms']:>7} ms  errors {row['errors']}"
            )
        for line in result["first_errors"]:
            self.stdout.write(f"  error: {line}")
        if o["json"]:
            path = Path(o["json"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
