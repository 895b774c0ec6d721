"""Export jobs (rules#export): monthly files for the regional center and on-demand ranges.

A job is a row; a Celery task runs it (queued on commit, and swept by beat so a lost message or a
killed worker only delays it). The file is written to a temporary name and moved into place with
``os.replace``, so a download never sees half a file; a month exported again replaces its file.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import os
import uuid
from io import BufferedReader
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting import transitions
from reporting.models import MONTHLY_KINDS, ExportJob, ExportKind, ExportStatus
from servicedesk.audit import audit_export_downloaded, audit_export_written
from servicedesk.csvfiles import csv_safe
from servicedesk.faults import checkpoint
from servicedesk.models import SUPERVISING_ROLES, Role, ServicePoint
from servicedesk.permissions import has_role
from servicedesk.queueing import send_after_commit
from servicedesk.tenancy import scope_for

if TYPE_CHECKING:
    from servicedesk.types import Actor, AnyUser

logger = logging.getLogger(__name__)

EXPORT_ROLES = (*SUPERVISING_ROLES, Role.REGIONAL_CENTER)
#: A job "running" for longer than this was abandoned by a dead worker and may be taken again.
STALE_AFTER = dt.timedelta(minutes=30)
MAX_RANGE_DAYS = 3 * 366


def exports_root() -> Path:
    return Path(settings.EXPORTS_ROOT)


def job_path(job: ExportJob) -> Path:
    return exports_root() / job.file_name


def previous_month_range(today: dt.date) -> tuple[dt.date, dt.date]:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def can_export(user: AnyUser, point: ServicePoint) -> bool:
    scope = scope_for(user)
    return has_role(user, EXPORT_ROLES) and scope.allows(point.pk)


@transaction.atomic
def export_request(
    *, actor: Actor, point: ServicePoint, date_from: dt.date, date_to: dt.date
) -> ExportJob:
    """An on-demand export of any date range, run in the background (rules#export). The same range
    requested again while it is still queued or running (a double click) is the same job."""
    if not can_export(actor, point):
        raise PermissionDenied
    if date_from > date_to:
        raise ValidationError({"date_to": [_("The end date must not be before the start date.")]})
    if (date_to - date_from).days > MAX_RANGE_DAYS:
        raise ValidationError({"date_to": [_("Export at most three years at a time.")]})
    waiting = ExportJob.objects.filter(
        point=point,
        kind=ExportKind.ON_DEMAND,
        date_from=date_from,
        date_to=date_to,
        requested_by=actor,
        status__in=[ExportStatus.PENDING, ExportStatus.RUNNING],
    ).first()
    if waiting is not None:
        return waiting
    job = ExportJob.objects.create(
        point=point,
        kind=ExportKind.ON_DEMAND,
        date_from=date_from,
        date_to=date_to,
        requested_by=actor,
    )
    _queue(job)
    return job


def _queue(job: ExportJob) -> None:
    from reporting.tasks import export_run_task

    send_after_commit(export_run_task, job.pk)


def monthly_exports_due(*, now: dt.datetime | None = None) -> list[int]:
    """rules#export: on the 1st, one file per point for the previous month, and its warranty
    claim (rules#warranty-claim). Creates the missing monthly jobs (never two of a kind for one
    month) and returns the ids still to be run."""
    now = now or timezone.now()
    ids = []
    points = list(ServicePoint.objects.filter(is_active=True).order_by("pk"))
    # Every point's repair records first, then the claims: the files the regional center waits
    # for most come first.
    for kind in MONTHLY_KINDS:
        for point in points:
            today = now.astimezone(ZoneInfo(point.time_zone)).date()
            date_from, date_to = previous_month_range(today)
            job, _created = ExportJob.objects.get_or_create(
                point=point,
                kind=kind,
                date_from=date_from,
                defaults={"date_to": date_to},
            )
            if job.status != ExportStatus.DONE:
                ids.append(job.pk)
    return ids


@transaction.atomic
def export_monthly_again(*, actor: Actor, job: ExportJob) -> ExportJob:
    """Re-run a month: the new file replaces the old one atomically when it is complete."""
    if not can_export(actor, job.point) or scope_for(actor).read_only:
        raise PermissionDenied
    transitions.MACHINE.move_rows(
        ExportJob.objects.filter(pk=job.pk), "rerun", actor=actor, error=""
    )
    job.refresh_from_db()
    _queue(job)
    return job


# PostgreSQL advisory lock class for export jobs (the second key is the job id). The worker running
# a job holds its lock on its own database session; if the worker dies, PostgreSQL drops the
# session and the lock with it, so an abandoned job is known at once, not after a timeout.
EXPORT_LOCK_CLASS = 0x45585054  # "EXPT"


def _locks() -> bool:
    return connection.vendor == "postgresql"


def _try_lock(job_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [EXPORT_LOCK_CLASS, job_id])
        return bool(cursor.fetchone()[0])


def _unlock(job_id: int) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [EXPORT_LOCK_CLASS, job_id])
    except DatabaseError:  # the session is gone, and its lock with it
        logger.warning("export %s: lock not released, the database session was lost", job_id)


def _running_elsewhere(job_ids: list[int]) -> set[int]:
    """Of these jobs, those whose lock a live session holds (a worker is writing them)."""
    if not job_ids:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND classid::bigint = %s AND objsubid = 2 AND objid::bigint = ANY(%s::bigint[])",
            [EXPORT_LOCK_CLASS, job_ids],
        )
        return {int(row[0]) for row in cursor.fetchall()}


def _claim(job_id: int, now: dt.datetime) -> ExportJob | None:
    """Take a job for running: pending, failed, or abandoned by a dead worker. On PostgreSQL the
    job's advisory lock decides (a running job whose lock is free was abandoned); elsewhere a
    job running for longer than ``STALE_AFTER`` counts as abandoned. Then a conditional UPDATE,
    so two workers never run the same job."""
    claimable = Q(status__in=[ExportStatus.PENDING, ExportStatus.FAILED])
    if _locks():
        if not _try_lock(job_id):
            return None
        claimable |= Q(status=ExportStatus.RUNNING)
    else:
        claimable |= Q(status=ExportStatus.RUNNING, started_at__lt=now - STALE_AFTER)
    taken = transitions.MACHINE.move_rows(
        ExportJob.objects.filter(claimable, pk=job_id),
        "run",
        now=now,
        started_at=now,
        rows_done=0,
        error="",
    )
    if not taken:
        if _locks():
            _unlock(job_id)
        return None
    return ExportJob.objects.select_related("point").get(pk=job_id)


def _file_name(job: ExportJob) -> str:
    point = job.point
    kind = {ExportKind.MONTHLY: "monthly", ExportKind.CLAIM: "claim"}.get(
        ExportKind(job.kind), f"range-{job.pk}"
    )
    return f"{point.code}/{point.code}-{kind}-{job.date_from:%Y%m%d}-{job.date_to:%Y%m%d}.csv"


def export_run(*, job_id: int, now: dt.datetime | None = None) -> ExportJob | None:
    """Write the job's CSV (constant memory) and move it into place atomically."""
    now = now or timezone.now()
    job = _claim(job_id, now)
    if job is None:
        return None
    try:
        return _write(job)
    finally:
        if _locks():
            _unlock(job.pk)


def _write(job: ExportJob) -> ExportJob:
    from reporting import claim, monthly_export

    # The warranty claim is written like the repair records: same file handling, same audit.
    writer = claim if job.kind == ExportKind.CLAIM else monthly_export
    point = job.point
    name = _file_name(job)
    final = exports_root() / name
    final.parent.mkdir(parents=True, exist_ok=True)
    # What a killed worker left of this job: never visible under the final name, removed here.
    for leftover in final.parent.glob(f".{final.name}.*.tmp"):
        leftover.unlink(missing_ok=True)
    temporary = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")
    try:
        total = writer.tickets_for(
            point=point, date_from=job.date_from, date_to=job.date_to
        ).count()
        ExportJob.objects.filter(pk=job.pk).update(rows_total=total)
        with open(temporary, "w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerow(
                [csv_safe(cell) for cell in writer.header()]
            )
            written = writer.write_rows(
                handle, point=point, date_from=job.date_from, date_to=job.date_to
            )
            handle.flush()
            os.fsync(handle.fileno())
        checkpoint("export.before_replace")
        os.replace(temporary, final)
    except Exception as exc:
        temporary.unlink(missing_ok=True)
        transitions.MACHINE.move_rows(
            ExportJob.objects.filter(pk=job.pk), "fail", error=exc.__class__.__name__[:255]
        )
        logger.exception("export %s failed", job.pk)
        raise
    with transaction.atomic():
        transitions.MACHINE.move_rows(
            ExportJob.objects.filter(pk=job.pk),
            "finish",
            rows_total=written,
            rows_done=written,
            file_name=name,
            file_size=final.stat().st_size,
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
        audit_export_written(job=job)
    return job


def exports_sweep(*, now: dt.datetime | None = None) -> list[int]:
    """Jobs waiting or abandoned: what beat hands to workers again (nothing is lost). A job still
    waiting after ``EXPORTS_PENDING_GRACE_SECONDS`` lost its message; a running job whose worker
    died is abandoned (on PostgreSQL: nobody holds its lock; elsewhere: after ``STALE_AFTER``)."""
    now = now or timezone.now()
    grace = dt.timedelta(seconds=settings.EXPORTS_PENDING_GRACE_SECONDS)
    waiting = Q(status=ExportStatus.PENDING, created_at__lte=now - grace)
    if _locks():
        running = list(
            ExportJob.objects.filter(status=ExportStatus.RUNNING).values_list("pk", flat=True)
        )
        abandoned = Q(pk__in=set(running) - _running_elsewhere(running))
    else:
        abandoned = Q(status=ExportStatus.RUNNING, started_at__lt=now - STALE_AFTER)
    return list(
        ExportJob.objects.filter(waiting | abandoned)
        .order_by("created_at")
        .values_list("pk", flat=True)[:100]
    )


def export_open_for_download(*, actor: Actor, job: ExportJob) -> BufferedReader:
    """The finished file, opened for streaming; every download is audited."""
    if not can_export(actor, job.point):
        raise PermissionDenied
    if job.status != ExportStatus.DONE or not job.file_name:
        raise ValidationError(_("This export is not ready yet."))
    handle = job_path(job).open("rb")
    audit_export_downloaded(actor=actor, job=job)
    return handle
