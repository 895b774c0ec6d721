"""The benchmark suite (issue #9): one table, the same figures as JSON.

    python manage.py bench --db small=postgres://…/sd_national_small \\
        --db large=postgres://…/sd_national --scratch-db postgres://…/sd_bench_scratch \\
        --json docs/benchmarks/latest.json

For each ``--db`` it measures the pages (``devtools.benchmark``) in a child process whose
DATABASE_URL is that database: p50, p95 and max server time and SQL queries per request over
``--requests`` requests after ``--warmup``. On ``--scratch-db`` (a database the benchmark may fill
and empty) it runs the follow-up dispatcher and the export benchmarks of ``bench_dispatch`` and
``bench_export``. Without ``--db`` it measures the current database in this process (what the
test does on a tiny data set). ``scripts/bench`` runs it with the defaults of this machine.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools import benchmark

DISPATCH_TARGET_SECONDS = 5.0
EXPORT_TARGET_RATIO = 0.5
EXPORT_TARGET_MB = 200


class Command(BaseCommand):
    help = "Benchmark the pages (both data set sizes), the dispatcher and the export."

    def add_arguments(self, parser):
        parser.add_argument(
            "--db", action="append", default=[], metavar="LABEL=URL", help="a data set"
        )
        parser.add_argument("--scratch-db", default="", metavar="URL")
        parser.add_argument("--json", default="", metavar="PATH")
        parser.add_argument("--requests", type=int, default=200)
        parser.add_argument("--warmup", type=int, default=20)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--points", type=int, default=50)
        parser.add_argument("--only", nargs="*", default=None, metavar="SCENARIO")
        parser.add_argument("--dispatch-due", type=int, default=10_000)
        parser.add_argument("--dispatch-total", type=int, default=2_000_000)
        parser.add_argument("--export-rows", type=int, default=1_000_000)
        parser.add_argument("--note", default="", help="how busy the machine was, etc.")
        parser.add_argument(
            "--profile", default="", metavar="DIR", help="each page's pyinstrument profile"
        )
        # Internal: one part of the run, in a child process with its own DATABASE_URL.
        parser.add_argument("--child", choices=["pages", "jobs"], help="(internal)")
        parser.add_argument("--child-out", default="", help="(internal)")

    def handle(self, *args, **o):
        if o["child"]:
            figures = self._child(o)
            Path(o["child_out"]).write_text(json.dumps(figures))
            return
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: set DEBUG=false for production-like figures.")
        report = {
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": _commit(),
            "machine": _machine(),
            "note": o["note"],
            "load_before": _load(),
            "settings": {"requests": o["requests"], "warmup": o["warmup"], "seed": o["seed"]},
            "sizes": [],
            "jobs": None,
        }
        if o["db"]:
            for spec in o["db"]:
                label, _, url = spec.partition("=")
                if not url:
                    raise CommandError(f"--db wants LABEL=URL, got {spec!r}")
                self.stderr.write(f"measuring pages on {label} …")
                figures = self._in_child("pages", url, o)
                report["sizes"].append({"label": label, **figures})
        else:
            figures = benchmark.measure_pages(
                requests=o["requests"],
                warmup=o["warmup"],
                seed=o["seed"],
                points=o["points"],
                only=o["only"],
                profile=o["profile"],
            )
            report["sizes"].append({"label": "current", **figures})
        if o["scratch_db"]:
            _ensure_database(o["scratch_db"])
            self.stderr.write("measuring the dispatcher and the export on the scratch database …")
            try:
                report["jobs"] = self._in_child("jobs", o["scratch_db"], o)
            except subprocess.CalledProcessError as exc:
                # The pages' figures are still worth printing and keeping.
                report["jobs_error"] = str(exc)
                self.stderr.write(f"the dispatcher and export benchmarks failed: {exc}")
        report["load_after"] = _load()
        report["verdict"] = verdict(report)
        self.stdout.write(render_table(report))
        if o["json"]:
            path = Path(o["json"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
            self.stderr.write(f"written {path}")

    def _child(self, o) -> dict:
        if o["child"] == "pages":
            return benchmark.measure_pages(
                requests=o["requests"],
                warmup=o["warmup"],
                seed=o["seed"],
                points=o["points"],
                only=o["only"],
                profile=o["profile"],
            )
        from django.core.management import call_command

        from devtools.management.commands import bench_dispatch, bench_export

        call_command("migrate", verbosity=0)
        (dispatch,) = bench_dispatch.measure(totals=[o["dispatch_total"]], due=o["dispatch_due"])
        export = bench_export.measure(rows=o["export_rows"])
        return {"dispatch": dispatch, "export": export}

    def _in_child(self, part: str, url: str, o) -> dict:
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            command = [
                sys.executable,
                str(Path(settings.BASE_DIR) / "manage.py"),
                "bench",
                "--child",
                part,
                "--child-out",
                out.name,
                *("--requests", str(o["requests"]), "--warmup", str(o["warmup"])),
                *("--seed", str(o["seed"]), "--points", str(o["points"])),
                *("--dispatch-due", str(o["dispatch_due"])),
                *("--dispatch-total", str(o["dispatch_total"])),
                *("--export-rows", str(o["export_rows"])),
            ]
            if o["only"]:
                command += ["--only", *o["only"]]
            if o["profile"]:
                command += ["--profile", o["profile"]]
            subprocess.run(command, check=True, env={**os.environ, "DATABASE_URL": url})  # noqa: S603
            figures = json.loads(Path(out.name).read_text())
        figures["database"] = urlparse(url).path.lstrip("/")
        return figures


def verdict(report: dict) -> dict:
    """Per page: p95 within target at every size, queries within the limit and the same at every
    size; dispatcher and export against their targets."""
    pages: dict[str, dict] = {}
    for size in report["sizes"]:
        for row in size["pages"]:
            entry = pages.setdefault(
                row["key"], {"time": True, "floor_multiple": True, "queries": True, "errors": 0}
            )
            entry["time"] &= row["p95_ms"] is not None and row["p95_ms"] <= row["target_p95_ms"]
            # Issue #36: the p95 as a multiple of the floor measured in the same run.
            multiple_target = row.get("target_floor_multiple")
            if multiple_target is not None:
                multiple = row.get("floor_multiple")
                entry["floor_multiple"] &= multiple is not None and multiple <= multiple_target
            entry["queries"] &= (
                row["queries_max"] is not None and row["queries_max"] <= row["target_queries"]
            )
            entry["errors"] += row["errors"]
    for key, entry in pages.items():
        maxima = {r["queries_max"] for s in report["sizes"] for r in s["pages"] if r["key"] == key}
        entry["queries_same_at_every_size"] = len(maxima) == 1
        entry["ok"] = (
            entry["time"]
            and entry["floor_multiple"]
            and entry["queries"]
            and entry["queries_same_at_every_size"]
            and not entry["errors"]
        )
    result: dict = {"pages": pages}
    jobs = report.get("jobs")
    if jobs:
        result["dispatch_ok"] = jobs["dispatch"]["seconds"] <= DISPATCH_TARGET_SECONDS
        result["export_ok"] = (
            jobs["export"]["ratio_to_copy"] >= EXPORT_TARGET_RATIO
            and jobs["export"]["peak_rss_mb"] < EXPORT_TARGET_MB
        )
    return result


def render_table(report: dict) -> str:
    """The one table: a row per page, a column group per data set size."""
    sizes = report["sizes"]
    machine = report["machine"]
    lines = [
        f"Benchmark {report['date']}, commit {report['commit']}, {machine['cores']} cores, "
        f"{machine['memory_gib']} GiB, load average before/after "
        f"{report['load_before']:.2f}/{report['load_after']:.2f}"
        f"{', ' + report['note'] if report.get('note') else ''}",
        f"{report['settings']['requests']} measured requests per page after "
        f"{report['settings']['warmup']} warm-up; times in ms (CPU: this process's CPU time); "
        f"queries: SQL statements per request (target ≤ {benchmark.MAX_QUERIES}, the same at "
        "every size); × floor: the page's p95 over the p95 of the floor (a logged-in request "
        "answered 404) requested after each of the page's requests; calls × floor: the same in "
        "Python function calls (a few counted requests), which other load does not move",
        "",
    ]
    header = ["page", "p95 target", "× floor target"]
    for size in sizes:
        name = f"{size['label']} ({size['tickets']:,} tickets)"
        header += [
            f"{name} p50",
            "p95",
            "max",
            "CPU p95",
            "× floor",
            "CPU × floor",
            "calls × floor",
            "queries",
        ]
    header.append("ok")
    body = []
    keys = [row["key"] for row in sizes[0]["pages"]] if sizes else []
    for key in keys:
        rows = [next(r for r in s["pages"] if r["key"] == key) for s in sizes]
        multiple_target = rows[0].get("target_floor_multiple")
        cells = [
            rows[0]["label"],
            f"{rows[0]['target_p95_ms']} ms",
            "-" if multiple_target is None else f"≤ {multiple_target}×",
        ]
        for row in rows:
            errors = f" ({row['errors']} errors)" if row["errors"] else ""
            cells += [
                _ms(row["p50_ms"]),
                _ms(row["p95_ms"]),
                _ms(row["max_ms"]),
                _ms(row.get("cpu_p95_ms")),
                _multiple(row.get("floor_multiple")),
                _multiple(row.get("cpu_floor_multiple")),
                _multiple(row.get("calls_floor_multiple")),
                _queries(row) + errors,
            ]
        cells.append("yes" if report["verdict"]["pages"][key]["ok"] else "NO")
        body.append(cells)
    lines += markdown_table(header, body)
    jobs = report.get("jobs")
    if jobs:
        d, e = jobs["dispatch"], jobs["export"]
        lines += [
            "",
            f"Follow-up dispatch: {d['queued']:,} of {d['due']:,} due callbacks queued among "
            f"{d['scheduled']:,} scheduled rows in {d['seconds']:.2f} s "
            f"(target ≤ {DISPATCH_TARGET_SECONDS:g} s): "
            f"{'yes' if report['verdict']['dispatch_ok'] else 'NO'}",
            f"Monthly export: {e['rows']:,} rows in {e['export_seconds']:.2f} s "
            f"({e['export_rows_per_second']:,.0f} rows/s) against PostgreSQL COPY "
            f"{e['copy_seconds']:.2f} s ({e['copy_rows_per_second']:,.0f} rows/s): "
            f"{e['ratio_to_copy']:.2f} of COPY (target ≥ {EXPORT_TARGET_RATIO:g}), "
            f"peak RSS {e['peak_rss_mb']:.0f} MB (target < {EXPORT_TARGET_MB} MB): "
            f"{'yes' if report['verdict']['export_ok'] else 'NO'}",
        ]
    return "\n".join(lines)


def markdown_table(header: list[str], body: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]

    def line(cells, numeric=True):
        out = []
        for i, cell in enumerate(cells):
            left = i == 0 or not numeric
            out.append(cell.ljust(widths[i]) if left else cell.rjust(widths[i]))
        return "| " + " | ".join(out) + " |"

    rule = "|" + "|".join("-" * (w + 1) + (":" if i else "-") for i, w in enumerate(widths)) + "|"
    return [line(header, numeric=False), rule, *(line(row) for row in body)]


def _ms(value) -> str:
    return "-" if value is None else f"{value:.1f}"


def _multiple(value) -> str:
    return "-" if value is None else f"{value:.2f}×"


def _queries(row) -> str:
    low, high = row["queries_min"], row["queries_max"]
    if low is None:
        return "-"
    return f"{high}" if low == high else f"{low}–{high}"


def _ensure_database(url: str) -> None:
    """Create the scratch database when it does not exist yet (it is migrated by the child)."""
    import psycopg2
    from psycopg2 import sql

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    conn = psycopg2.connect(parsed._replace(path="/postgres").geturl())
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
            cwd=settings.BASE_DIR,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def _machine() -> dict:
    memory_kib = 0
    try:
        with open("/proc/meminfo") as meminfo:
            memory_kib = int(meminfo.readline().split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return {"cores": os.cpu_count(), "memory_gib": round(memory_kib / 1024 / 1024)}


def _load() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0
