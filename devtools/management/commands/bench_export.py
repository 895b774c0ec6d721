"""Benchmark (not a test): export throughput and memory against PostgreSQL's own COPY.

    DATABASE_URL=postgres://… python manage.py bench_export --rows 1000000

Fills a scratch point with ``rows`` tickets (bulk_create in batches), then measures
in the same run: (1) the real export job writing the CSV file, rows/s, and the peak RSS of the same
export run again in a fresh child process; (2) ``COPY (the same SELECT) TO STDOUT WITH CSV`` into
a null sink. Prints both and the ratio. Removes the scratch rows afterwards.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import override_settings

from intake.models import Customer, Device
from repairs.models import ProofOfPurchase, RepairTicket, TicketStatus, WarrantyStatus
from reporting import monthly_export
from reporting.exports import export_run
from reporting.models import ExportJob, ExportKind
from servicedesk.models import Region, ServicePoint


def measure(*, rows: int) -> dict:
    """Fill a scratch point with ``rows`` tickets, time the real export job and PostgreSQL's COPY
    of the same SELECT, and measure the export's peak RSS in a fresh process. Removes the scratch
    rows afterwards. Also used by ``manage.py bench`` (the benchmark suite)."""
    if connection.vendor != "postgresql":
        raise CommandError("Run the benchmark on PostgreSQL (set DATABASE_URL).")
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="bench-export")
    region, _ = Region.objects.get_or_create(code="BENCHX", defaults={"name": "bench"})
    point, _ = ServicePoint.objects.get_or_create(
        code="BENCHX01",
        defaults={"region": region, "name": "bench", "address": "-", "phone": "-"},
    )
    _clear(point)
    _fill(point, user, rows)
    date_from, date_to = dt.date(2025, 12, 31), dt.date(2026, 12, 31)
    try:
        with tempfile.TemporaryDirectory() as folder, override_settings(EXPORTS_ROOT=folder):
            job = ExportJob.objects.create(
                point=point, kind=ExportKind.ON_DEMAND, date_from=date_from, date_to=date_to
            )
            began = time.perf_counter()
            job = export_run(job_id=job.pk)
            export_seconds = time.perf_counter() - began
            peak_rss_kib = _peak_rss_of_a_run(job, folder)
        copy_seconds = _copy(point, date_from, date_to)
    finally:
        _clear(point)
    export_rate = job.rows_total / export_seconds
    copy_rate = job.rows_total / copy_seconds
    return {
        "rows": job.rows_total,
        "export_seconds": export_seconds,
        "export_rows_per_second": export_rate,
        "copy_seconds": copy_seconds,
        "copy_rows_per_second": copy_rate,
        "ratio_to_copy": export_rate / copy_rate,
        "peak_rss_mb": peak_rss_kib / 1024,
    }


class Command(BaseCommand):
    help = "Export rows/s and peak memory for N tickets, beside PostgreSQL COPY of the same query."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=1_000_000)

    def handle(self, *args, rows, **options):
        r = measure(rows=rows)
        self.stdout.write(f"rows                      {r['rows']:>12,}")
        self.stdout.write(
            f"export job                {r['export_seconds']:>10.2f} s "
            f"{r['export_rows_per_second']:>12,.0f} rows/s"
        )
        self.stdout.write(
            f"PostgreSQL COPY           {r['copy_seconds']:>10.2f} s "
            f"{r['copy_rows_per_second']:>12,.0f} rows/s"
        )
        self.stdout.write(f"export / COPY throughput  {r['ratio_to_copy']:>12.2f}")
        self.stdout.write(
            f"peak RSS of an export run {r['peak_rss_mb']:>10.1f} MB (separate process)"
        )


def _peak_rss_of_a_run(job, folder: str) -> int:
    """Run the same export again in a fresh Python process and return its peak RSS (KiB,
    ``VmHWM``, which starts afresh at exec): the memory the export itself needs, not what
    filling the database cost this process."""
    ExportJob.objects.filter(pk=job.pk).update(status="pending")
    code = (
        "import django; django.setup(); "
        "from reporting.exports import export_run; "
        f"export_run(job_id={job.pk}); "
        "print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1])"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "EXPORTS_ROOT": folder},
    )
    return int(result.stdout.strip().splitlines()[-1])


def _fill(point, user, rows: int) -> None:
    """Tickets through the ORM's bulk_create (so new model fields keep their defaults)."""
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    customer = Customer.objects.create(point=point, name="压测顾客", phone="+8613800000000")
    device = Device.objects.create(
        point=point, customer=customer, model_name="X100 Pro", imei="490154203237518"
    )
    batch = 5000
    for offset in range(0, rows, batch):
        with transaction.atomic():
            RepairTicket.objects.bulk_create(
                [
                    RepairTicket(
                        point=point,
                        number=f"{point.code}-{n:07d}",
                        sequence=n,
                        status=TicketStatus.HANDED_OVER,
                        customer=customer,
                        device=device,
                        fault_description="屏幕不亮，开机无反应",
                        proof_of_purchase=ProofOfPurchase.INVOICE,
                        contact_phone=customer.phone,
                        backup_warning_given=True,
                        warranty_status=WarrantyStatus.FREE_REPAIR,
                        warranty_reason="in_repair_period",
                        warranty_reason_text="保修期内",
                        fault_confirmed="屏幕排线松动",
                        repair_method="重新插接排线并测试",
                        labor_fee=Decimal("80.00"),
                        created_by=user,
                        created_at=start + dt.timedelta(seconds=n),
                        ready_at=start + dt.timedelta(seconds=n, hours=3),
                        handed_over_at=start + dt.timedelta(seconds=n, days=1),
                    )
                    for n in range(offset + 1, min(rows, offset + batch) + 1)
                ]
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE repairs_repairticket")


def _copy(point, date_from, date_to) -> float:
    """COPY of exactly the export's own SELECT (same columns, formatting and neutralisation)."""
    inlined = monthly_export.copy_sql(point=point, date_from=date_from, date_to=date_to)
    sink = _NullSink()
    with connection.cursor() as cursor:
        began = time.perf_counter()
        cursor.copy_expert(f"COPY ({inlined}) TO STDOUT WITH CSV", sink)
        return time.perf_counter() - began


def _clear(point) -> None:
    with connection.cursor() as cursor:
        for table in ("repairs_repairticket", "intake_device", "intake_customer"):
            cursor.execute(f"DELETE FROM {table} WHERE point_id = %s", [point.pk])  # noqa: S608
    ExportJob.objects.filter(point=point).delete()


class _NullSink(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        return len(data)
