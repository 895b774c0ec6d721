"""Benchmark (not a test): the follow-up dispatcher's time for N due callbacks among M scheduled.

    DATABASE_URL=postgres://… python manage.py bench_dispatch --due 10000 --total 100000 1000000

For each total it fills a scratch point with ``total`` scheduled callbacks (``due`` of them due
now, the rest due in the future), runs the dispatcher once and prints the time. The dispatcher's
index range scans touch only the due rows, so the time should depend on ``due``, not ``total``.
Rows are created with one INSERT … SELECT generate_series and removed afterwards.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from followups.services import callbacks_dispatch
from intake.models import Customer
from servicedesk.models import Region, ServicePoint

DELETE = "DELETE FROM followups_callback WHERE point_id = %s"
INSERT = """
INSERT INTO followups_callback
  (point_id, kind, status, customer_id, ticket_id, reason, window_start, window_end, due_at,
   window_closes_at, unreachable_attempts, attempts, outcome, dissatisfaction_reason,
   suggestion, moved_reason, version, created_at)
SELECT %(point)s, 'complaint', 'scheduled', %(customer)s, NULL, 'complaint',
       CURRENT_DATE, CURRENT_DATE + 3,
       CASE WHEN n <= %(due)s THEN now() - interval '1 minute' ELSE now() + interval '30 days' END,
       now() + interval '60 days', 0, 0, '', '', '', '', 1, now()
FROM generate_series(1, %(total)s) AS n
"""


def measure(*, totals: list[int], due: int) -> list[dict]:
    """For each total: fill a scratch point with ``total`` scheduled callbacks (``due`` of them
    due now), run the dispatcher once, time it. Removes the scratch rows afterwards. Also used by
    ``manage.py bench`` (the benchmark suite)."""
    if connection.vendor != "postgresql":
        raise CommandError("Run the benchmark on PostgreSQL (set DATABASE_URL).")
    region, _ = Region.objects.get_or_create(code="BENCH", defaults={"name": "bench"})
    point, _ = ServicePoint.objects.get_or_create(
        code="BENCH01",
        defaults={"region": region, "name": "bench", "address": "-", "phone": "-"},
    )
    customer, _ = Customer.objects.get_or_create(
        point=point, phone="+8613800000000", defaults={"name": "bench"}
    )
    results = []
    try:
        for total in totals:
            _clear(point)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    INSERT, {"point": point.pk, "customer": customer.pk, "due": due, "total": total}
                )
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE followups_callback")
            started = time.perf_counter()
            result = callbacks_dispatch(now=timezone.now())
            elapsed = time.perf_counter() - started
            results.append(
                {"scheduled": total, "due": due, "queued": result.queued, "seconds": elapsed}
            )
    finally:
        _clear(point)
        customer.delete()
        point.delete()
        region.delete()
    return results


def _clear(point) -> None:
    # Raw DELETE: the scratch rows have no attempts or answers, and the ORM's cascade
    # collection over a million rows would dominate the run.
    with connection.cursor() as cursor:
        cursor.execute(DELETE, [point.pk])


class Command(BaseCommand):
    help = "Time the follow-up dispatcher for N due callbacks among M scheduled ones."

    def add_arguments(self, parser):
        parser.add_argument("totals", nargs="*", type=int, default=[100_000, 1_000_000])
        parser.add_argument("--due", type=int, default=10_000)

    def handle(self, *args, totals, due, **options):
        self.stdout.write(f"{'scheduled rows':>15} {'due':>8} {'queued':>8} {'seconds':>9}")
        for row in measure(totals=totals, due=due):
            self.stdout.write(
                f"{row['scheduled']:>15,} {row['due']:>8,} {row['queued']:>8,} "
                f"{row['seconds']:>9.3f}"
            )
