"""A Celery worker killed with SIGKILL in the middle of its work, on the real stack.

The worker is started with ``FAULT_PAUSE_AT`` (``servicedesk.faults``): it stops at a named
checkpoint inside its work (a transaction with changed rows not yet committed, or a file written
but not yet moved into place), announces it in a marker file, and the test kills it exactly there.
After a restart every item is done exactly once: nothing twice, nothing missing, nothing half."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from complaints import services as complaint_services
from complaints.models import Complaint, ContactKind
from complaints.tasks import escalate_missed_promises_task
from followups.models import Callback, CallbackKind, CallbackStatus
from followups.services import callbacks_schedule_for_handover
from followups.tasks import callbacks_dispatch_task
from reporting.exports import monthly_exports_due
from reporting.models import ExportJob, ExportKind, ExportStatus
from reporting.tasks import exports_monthly_task
from servicedesk.models import AuditLog, Role
from tests.factories import CustomerFactory, ServicePointFactory, make_staff
from tests.followups.conftest import handed_over_ticket
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.services, pytest.mark.worker, pytest.mark.xdist_group("worker")]


@pytest.fixture
def paused_worker(celery_processes, tmp_path):
    """``paused_worker(checkpoint)``: a worker that halts at ``checkpoint`` (``name@n``: the n-th
    time), and a function that waits for it to get there."""

    def start(checkpoint: str, **env):
        markers = tmp_path / "fault-markers"
        worker = celery_processes(
            "worker", FAULT_PAUSE_AT=checkpoint, FAULT_MARKER_DIR=markers, **env
        )
        name = checkpoint.partition("@")[0]

        def reached() -> bool:
            return wait_for(lambda: (markers / name).exists(), timeout=60)

        return worker, reached

    return start


# --- (a) the follow-up dispatcher -------------------------------------------------------------


@pytest.fixture
def six_due_callbacks(point):
    point.callback_sample_rate = Decimal("1")
    point.calling_hours = [["00:00", "23:59"]]
    point.save()
    handed = timezone.now() - dt.timedelta(days=3)
    for _ in range(6):
        callbacks_schedule_for_handover(ticket=handed_over_ticket(point, handed_over_at=handed))
    Callback.objects.filter(kind=CallbackKind.FIRST).update(
        due_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert Callback.objects.count() == 12


@pytest.mark.reliability(
    "Worker killed mid-task (follow-up dispatcher)",
    "SIGKILL inside the 2nd batch's transaction (batches of 2), then a new worker: each callback"
    " queued once",
)
def test_dispatcher_killed_inside_a_batch_queues_every_callback_once(
    six_due_callbacks, celery_processes, paused_worker, celery_queue
):
    worker, reached = paused_worker("followups.dispatch.batch@2", FOLLOWUPS_DISPATCH_BATCH=2)
    callbacks_dispatch_task.apply_async(queue=celery_queue)
    assert reached()
    worker.kill()
    # The first batch was committed; the second one died with its transaction.
    first = dict(Callback.objects.filter(status=CallbackStatus.DUE).values_list("pk", "queued_at"))
    assert len(first) == 2
    assert Callback.objects.filter(status=CallbackStatus.SCHEDULED).count() == 10

    celery_processes("worker", FOLLOWUPS_DISPATCH_BATCH=2)
    callbacks_dispatch_task.apply_async(queue=celery_queue)  # beat's next tick
    assert wait_for(
        lambda: Callback.objects.filter(status=CallbackStatus.DUE).count() == 6, timeout=60
    )
    assert Callback.objects.count() == 12
    assert not Callback.objects.filter(kind=CallbackKind.SECOND).exclude(
        status=CallbackStatus.SCHEDULED
    )
    # The callbacks queued before the crash were not queued a second time.
    again = dict(Callback.objects.filter(pk__in=first).values_list("pk", "queued_at"))
    assert again == first


# --- (b) the complaints' missed-promise scanner ------------------------------------------------


@pytest.fixture
def six_missed_promises(point):
    owner = make_staff(Role.HOTLINE, point=point)
    make_staff(Role.SUPERVISOR, point=point)
    for n in range(6):
        complaint_services.complaint_open(
            point=point,
            actor=owner.user,
            customer=CustomerFactory(point=point),
            channel="hotline",
            source="call",
            summary=f"第{n}号投诉",
            promised_reply_at=timezone.now() + dt.timedelta(hours=1),
        )
    Complaint.objects.update(promised_reply_at=timezone.now() - dt.timedelta(minutes=5))


def escalations() -> int:
    return Complaint.objects.filter(escalated_at__isnull=False).count()


@pytest.mark.reliability(
    "Worker killed mid-task (complaints' missed-promise scanner)",
    "SIGKILL inside the 3rd escalation's transaction, then a new worker: each complaint"
    " escalated once",
)
def test_scanner_killed_mid_escalation_escalates_every_complaint_once(
    six_missed_promises, celery_processes, paused_worker, celery_queue
):
    worker, reached = paused_worker("complaints.escalate@3")
    escalate_missed_promises_task.apply_async(queue=celery_queue)
    assert reached()
    worker.kill()
    assert escalations() == 2  # the third died with its transaction: no half escalation
    assert Complaint.objects.filter(overdue_since__isnull=False).count() == 2
    assert (
        Complaint.objects.filter(contacts__kind=ContactKind.ESCALATION).count() == 2
    )  # contact rows only for the committed ones

    celery_processes("worker")
    escalate_missed_promises_task.apply_async(queue=celery_queue)  # beat's next tick
    assert wait_for(lambda: escalations() == 6, timeout=60)
    for complaint in Complaint.objects.all():
        assert complaint.contacts.filter(kind=ContactKind.ESCALATION).count() == 1
        assert complaint.escalated_to is not None


# --- (c) the monthly export ---------------------------------------------------------------------


@pytest.fixture
def three_points_with_last_months_tickets(point):
    points = [point, ServicePointFactory(region=point.region), ServicePointFactory()]
    today = timezone.localdate()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    middle = dt.datetime.combine(
        last_month.replace(day=15), dt.time(10), tzinfo=dt.UTC
    )  # safely inside the month in any point's time zone
    for index, each in enumerate(points):
        for n in range(3 + index):
            handed_over_ticket(each, handed_over_at=middle + dt.timedelta(hours=n))
    return {each.code: 3 + index for index, each in enumerate(points)}


def export_files(root):
    visible = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.csv"))
    hidden = sorted(p.name for p in root.rglob("*.tmp"))
    return visible, hidden


@pytest.mark.reliability(
    "Worker killed mid-task (monthly export)",
    "SIGKILL with the 2nd point's file written but not moved into place, then a new worker and"
    " beat: one complete file per point, no half file ever visible",
)
def test_monthly_export_killed_mid_file_gives_one_complete_file_per_point(
    three_points_with_last_months_tickets, celery_processes, paused_worker, celery_queue, tmp_path
):
    rows = three_points_with_last_months_tickets
    root = tmp_path / "exports"
    worker, reached = paused_worker("export.before_replace@2", EXPORTS_ROOT=root)
    exports_monthly_task.apply_async(queue=celery_queue)
    assert reached()
    worker.kill()

    jobs = ExportJob.objects.filter(kind=ExportKind.MONTHLY).order_by("pk")
    assert [job.status for job in jobs] == [
        ExportStatus.DONE,
        ExportStatus.RUNNING,  # abandoned by the dead worker
        ExportStatus.PENDING,  # its message went down with the worker
    ]
    visible, hidden = export_files(root)
    assert len(visible) == 1 and visible[0].startswith(jobs[0].point.code)
    assert len(hidden) == 1  # the half-made file only ever had a hidden temporary name
    first_done = jobs[0].finished_at

    celery_processes("worker", EXPORTS_ROOT=root, EXPORTS_PENDING_GRACE_SECONDS=0)
    celery_processes("beat", EXPORTS_SWEEP_SECONDS=1)
    # Each point's repair records, then each point's warranty claim.
    assert wait_for(
        lambda: ExportJob.objects.filter(status=ExportStatus.DONE).count() == 6, timeout=90
    )
    visible, hidden = export_files(root)
    assert hidden == []
    assert len(visible) == 6
    for job in jobs.select_related("point"):
        path = root / job.file_name
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        assert len(lines) == 1 + rows[job.point.code] == 1 + job.rows_total
    assert ExportJob.objects.get(pk=jobs[0].pk).finished_at == first_done  # not written twice
    assert AuditLog.objects.filter(action="export.written").count() == 6
    assert monthly_exports_due() == []  # and beat's daily run finds nothing left to do


def test_a_job_whose_worker_is_alive_is_neither_claimed_nor_swept(
    point, transactional_db, settings, tmp_path
):
    """The other half of the lock rule: a running job whose worker still holds its lock stays
    with that worker, however long it takes."""
    import psycopg2

    settings.EXPORTS_ROOT = tmp_path
    from reporting.exports import EXPORT_LOCK_CLASS, export_run, exports_sweep
    from tests.integration.conftest import database_url

    job = ExportJob.objects.create(
        point=point,
        kind=ExportKind.ON_DEMAND,
        date_from=dt.date(2026, 10, 1),
        date_to=dt.date(2026, 10, 31),
        status=ExportStatus.RUNNING,
        started_at=timezone.now() - dt.timedelta(hours=5),
    )
    other_worker = psycopg2.connect(database_url())
    try:
        with other_worker.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [EXPORT_LOCK_CLASS, job.pk])
        assert export_run(job_id=job.pk) is None
        assert exports_sweep() == []
    finally:
        other_worker.close()  # the worker dies: its lock goes with its session
    assert wait_for(lambda: exports_sweep() == [job.pk], timeout=10)
    assert export_run(job_id=job.pk).status == ExportStatus.DONE
