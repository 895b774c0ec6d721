"""Fill PostgreSQL with a realistic national data set (issue #9, scale).

    python manage.py generate_national --scale 1.0 --seed 42

See ``Command.help`` and ``devtools.national`` for what is generated and how.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone, translation

from complaints.models import ComplaintCategory, DifficultType
from counter.models import PaymentMethod
from devtools.national import clock, vocab
from devtools.national.loader import COLUMNS, SECOND_LANE, Loader, check_foreign_keys
from devtools.national.network import build_network, point_codes
from devtools.national.simulate import Context, PointSim, Texts
from devtools.national.sizes import Sizes
from devtools.national.stock import returns_from_consumption, stock_from_consumption
from followups.models import Question
from repairs.models import RepairTicket
from servicedesk.models import Region, ServicePoint

#: Tables written through the ORM before the load (analyzed afterwards like the others).
NETWORK_TABLES = [
    "servicedesk_region",
    "servicedesk_servicepoint",
    "servicedesk_department",
    "servicedesk_staffprofile",
    "auth_user",
    "repairs_repairtype",
    "repairs_part",
    "repairs_ticketsequence",
    "repairs_partstock",
]

HELP = """Generate a national data set: service points in regions with their staff, customers,
devices, 24 months of repair tickets ending now (parts, quotes, payments with their counter
money entries and daily cash-ups, satisfaction cards,
timelines, repeat repairs), follow-up callbacks, hotline calls, walk-ins, message slips and
complaints, with a few busy points carrying much of the volume and seasonal peaks (after the
Spring Festival, Singles' Day, 618, September launches). --scale 1.0 is 1,000 points in 30
regions, 1,000,000 tickets, 500,000 hotline calls, about 100,000 complaints and 1.8 million
callbacks; volumes scale linearly, points and regions with the square root (0.01: 100 points in
3 regions). Staff log in as <point code>.frontdesk, .tech, .hotline, .callback, .supervisor and
.manager (lower case, e.g. gd001.frontdesk; further staff of a role at busy points: .tech2,
.tech3 ...), regional centers as <region code>.regional (gd.regional), all with --password.
Point GD001 is the busiest; the end of the output lists the busiest points. The same --seed,
--scale and --now give the same rows. PostgreSQL only; refuses a database that already has
repair tickets unless --force. To start again, drop and re-create the database and migrate."""


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the national network")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--now",
            help="The data set's present (ISO date-time, default: now, to the minute); the "
            "24 months end here and open work is what was still open at this moment.",
        )
        parser.add_argument(
            "--password", default="demo-2026", help="Password of every generated user."
        )
        parser.add_argument(
            "--check-keys",
            action="store_true",
            help="Check every foreign key of the loaded tables after the load (about 40 s at "
            "full scale; the test suite does it at a small scale on every run).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run although the database already has repair tickets: the national data is "
            "added beside them (nothing existing is changed or deleted; refused anyway if the "
            "generated point or region codes exist).",
        )

    def handle(self, *args, scale, seed, now, password, force, check_keys, **options):
        began = time.monotonic()
        self.verbosity = options.get("verbosity", 1)
        sizes = self._preflight(scale, force)
        moment = dt.datetime.fromisoformat(now) if now else timezone.now()
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        moment = moment.replace(second=0, microsecond=0)
        self.stdout.write(
            f"Generating scale {scale} (seed {seed}, now {moment.isoformat()}): "
            f"{sizes.points:,} points in {sizes.regions} regions, {sizes.tickets:,} tickets, "
            f"{sizes.calls:,} hotline calls"
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            superuser = cursor.fetchone()[0]
        if not superuser:
            self.stderr.write("Not a superuser: foreign keys are checked row by row (slower).")
        # Two connections need transactions of their own: inside a caller's transaction (tests)
        # everything goes over this one.
        parallel = superuser and not connection.in_atomic_block
        with transaction.atomic():
            with connection.cursor() as cursor:
                self._relax_row_checks(cursor, superuser)
            network = build_network(
                sizes=sizes,
                rng=random.Random(f"{seed}:network"),  # noqa: S311 - reproducible test data
                today=timezone.localdate(moment),
                password=password,
                joined=moment - dt.timedelta(days=800),
            )
            self.stdout.write(
                f"  network: {len(network.points):,} points, {network.users:,} users "
                f"({time.monotonic() - began:.0f} s)"
            )
            loader = Loader(parallel=parallel)
            try:
                loader.run(
                    self._producer(network, sizes, seed, moment, began),
                    prepare=lambda cursor: self._relax_row_checks(cursor, superuser),
                )
                loader.reset_sequences()
            except BaseException:
                loader.finish(commit=False)
                raise
            loader.finish(commit=True)  # the second connection commits just before this one
            stock_from_consumption(now=moment)
            returns_from_consumption(now=moment)
            if not parallel:
                self._check_keys_and_analyze(parallel=False, check=check_keys and superuser)
            if superuser:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = origin")
        self.stdout.write(f"  committed ({time.monotonic() - began:.0f} s)")
        if parallel:
            self._check_keys_and_analyze(parallel=True, check=check_keys)
        what = "keys checked, tables analyzed" if check_keys and superuser else "tables analyzed"
        self.stdout.write(f"  {what} ({time.monotonic() - began:.0f} s)")
        self._report(loader, network, began)

    def _preflight(self, scale: float, force: bool) -> Sizes:
        if connection.vendor != "postgresql":
            raise CommandError(
                "generate_national needs PostgreSQL (it loads with COPY); this database is "
                f"{connection.vendor}. Set DATABASE_URL=postgres://…"
            )
        if not 0 < scale <= 1:
            raise CommandError("--scale must be above 0 and at most 1.0.")
        sizes = Sizes.for_scale(scale)
        existing = RepairTicket.objects.count()
        if existing and not force:
            raise CommandError(
                f"This database already has {existing:,} repair tickets. Use a fresh database, "
                "or --force to add the national data beside them."
            )
        codes = [code for code, _n in point_codes(sizes)]
        regions = [code for code, *_rest in vocab.REGIONS[: sizes.regions]]
        if (
            ServicePoint.objects.filter(code__in=codes).exists()
            or Region.objects.filter(code__in=regions).exists()
        ):
            raise CommandError(
                "Points or regions with the generated codes already exist (a national data set "
                "is loaded): drop and re-create the database to generate again."
            )
        return sizes

    def _producer(self, network, sizes: Sizes, seed: int, moment: dt.datetime, began: float):
        """The function the loader runs in its producer thread: every point, one after the
        other, with progress every tenth of the tickets."""
        now = clock.epoch(moment)
        today = clock.local_day(now)
        first_day = today - 730
        # Today counts for the share of the desk's day already past.
        passed = max(0.05, min(1.0, (clock.local_seconds(now) - clock.OPENS) / (9 * 3600)))
        reference = {
            "questions": [(q.pk, q.kind) for q in Question.objects.filter(is_active=True)],
            "categories": dict(ComplaintCategory.objects.values_list("code", "pk")),
            "difficult_types": list(
                DifficultType.objects.order_by("pk").values_list("pk", flat=True)
            ),
            "payment_methods": {
                code: (pk, name, is_cash)
                for code, pk, name, is_cash in PaymentMethod.objects.values_list(
                    "code", "pk", "name", "is_cash"
                )
            },
        }

        def produce(out: Loader) -> None:
            with translation.override(settings.LANGUAGE_CODE):
                ctx = Context(
                    loader=out,
                    seed=seed,
                    now=now,
                    first_day=first_day,
                    days=clock.DaySampler(first_day, today, passed),
                    desk_hours=clock.HourSampler(clock.DESK_PROFILE),
                    hotline_hours=clock.HourSampler(clock.HOTLINE_PROFILE),
                    texts=Texts.load(),
                    policy_id=network.policy_id,
                    network_departments=network.network_departments,
                    **reference,
                )
                done, step = 0, max(1, sizes.tickets // 10)
                mark = step
                for plan in network.points:
                    PointSim(ctx, plan).run()
                    done += plan.tickets
                    if done >= mark:
                        mark = (done // step + 1) * step
                        self.stdout.write(
                            f"  tickets {done:>10,} / {sizes.tickets:,}  "
                            f"({time.monotonic() - began:.0f} s)"
                        )

        return produce

    def _check_keys_and_analyze(self, *, parallel: bool, check: bool) -> None:
        """With ``check``, check every foreign key of the loaded tables (the load ran without
        the row-by-row checks); then ANALYZE them. With ``parallel``, both halves at once over
        two connections."""
        halves = (
            [t for t in COLUMNS if t not in SECOND_LANE] + NETWORK_TABLES,
            [t for t in COLUMNS if t in SECOND_LANE],
        )
        problems: list[str] = []
        errors: list[BaseException] = []

        def work(tables: list[str], own_connection: bool) -> None:
            try:
                if check:
                    problems.extend(check_foreign_keys(tables))
                self._analyze(tables)
            except BaseException as exc:
                errors.append(exc)
            finally:
                if own_connection:
                    connection.close()

        if parallel:
            helper = threading.Thread(target=work, args=(halves[1], True))
            helper.start()
            work(halves[0], False)
            helper.join()
        else:
            work(halves[0] + halves[1], False)
        if errors:
            raise errors[0]
        if problems:
            raise CommandError(
                "Foreign keys broken (a bug in the generator"
                + ("; drop this database): " if parallel else "; nothing was saved): ")
                + "; ".join(problems)
            )

    @staticmethod
    def _analyze(tables: list[str]) -> None:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")

    @staticmethod
    def _relax_row_checks(cursor, superuser: bool) -> None:
        """Foreign keys are checked row by row by triggers, which would make the load several
        times slower. A superuser can switch those triggers off for the load's transactions
        (``session_replication_role``); every key of the loaded tables is then checked at once
        afterwards (``check_foreign_keys``). Without the privilege the keys are checked row by
        row, immediately (so that no queue of deferred checks builds up), over one connection."""
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    def _report(self, loader: Loader, network, began: float) -> None:
        counts = Counter(loader.counts())
        self.stdout.write("Rows:")
        for table, rows in sorted(counts.items()):
            self.stdout.write(f"  {table:<32} {rows:>12,}")
        self.stdout.write(f"  {'total':<32} {sum(counts.values()):>12,}")
        if self.verbosity > 1:
            waits = ", ".join(f"{w:.1f} s" for w in loader.wait_seconds())
            self.stdout.write(f"Connections waiting for generated rows: {waits}; COPY:")
            for table, seconds in sorted(loader.copy_seconds().items(), key=lambda x: -x[1]):
                self.stdout.write(f"  {table:<32} {seconds:>8.1f} s")
        busiest = sorted(network.points, key=lambda p: p.rank)[:5]
        self.stdout.write(
            "Busiest points: " + ", ".join(f"{p.code} ({p.tickets:,} tickets)" for p in busiest)
        )
        self.stdout.write(
            "Log in as <point>.frontdesk, .tech, .hotline, .callback, .supervisor, .manager "
            f"(e.g. {busiest[0].code.lower()}.frontdesk) or <region>.regional, with --password."
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            size = cursor.fetchone()[0]
        self.stdout.write(
            self.style.SUCCESS(f"Done in {time.monotonic() - began:.0f} s; database size {size}.")
        )
