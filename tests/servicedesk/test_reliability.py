"""Nothing leaked, nothing lost: append-only audit, friendly error page, hostile form input."""

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicedesk.models import AuditLog, Role

pytestmark = pytest.mark.django_db


@pytest.mark.reliability(
    "Audit log tampering",
    "change and delete an audit row through the ORM",
)
def test_audit_log_rows_cannot_be_changed_or_deleted_through_the_orm(point):
    entry = AuditLog.objects.create(action="test.event", point=point)
    entry.summary = "rewritten"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()


@pytest.mark.reliability(
    "Audit log tampering",
    "UPDATE and DELETE of an audit row in SQL, past the ORM (PostgreSQL trigger)",
)
def test_audit_log_is_append_only_in_postgresql_itself(point):
    if connection.vendor != "postgresql":
        pytest.skip("the database trigger exists on PostgreSQL only")
    entry = AuditLog.objects.create(action="test.event", point=point)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.filter(pk=entry.pk).update(summary="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.filter(pk=entry.pk)._raw_delete(AuditLog.objects.db)


@pytest.mark.reliability(
    "Database unavailable",
    "a page's query raises OperationalError: friendly error page, no traceback",
)
def test_database_outage_shows_a_friendly_page(client, staff_of, monkeypatch):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    client.raise_request_exception = False

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("reporting.views.selectors.staff_with_expiring_certificates", down)
    response = client.get(reverse("home"))
    assert response.status_code == 500
    text = response.content.decode()
    assert "服务暂时不可用" in text and "Traceback" not in text


hostile_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "'; DROP TABLE servicedesk_servicepoint; --",
            '=HYPERLINK("x")',
            "\x00\x01\x02",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
            "x" * 10_000,
            "",
            "  ",
            "-1",
            "1e309",
        ]
    ),
)
SETTING_FIELDS = [
    "name",
    "address",
    "phone",
    "calling_hours",
    "callback_sample_rate",
    "callback_max_attempts",
    "callback_first_day",
    "callback_second_from_day",
    "callback_second_to_day",
    "repeat_repair_days",
    "answer_within_rings",
    "hold_check_seconds",
]


@pytest.mark.reliability(
    "Hostile form input",
    "point settings fuzzed (Hypothesis: script, SQL, formula, NUL, 10,000 chars): no 500",
)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.dictionaries(
        st.sampled_from(SETTING_FIELDS), hostile_text, max_size=len(SETTING_FIELDS)
    )
)
def test_hostile_point_settings_never_give_a_500_nor_change_data_when_invalid(
    client, point, staff_of, data
):
    supervisor = staff_of(Role.SUPERVISOR)
    client.force_login(supervisor.user)
    before = {f: getattr(point, f) for f in SETTING_FIELDS}
    response = client.post(reverse("servicedesk:point_settings", args=[point.pk]), data)
    assert response.status_code in (200, 302)
    point.refresh_from_db()
    if response.status_code == 200:
        assert {f: getattr(point, f) for f in SETTING_FIELDS} == before
    page = client.get(reverse("servicedesk:point_detail", args=[point.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page


DATABASE_TASKS = [
    "followups.tasks.callbacks_dispatch_task",
    "followups.tasks.callback_reports_task",
    "complaints.tasks.escalate_missed_promises_task",
    "intake.tasks.slip_reminders_task",
    "reporting.tasks.export_run_task",
    "reporting.tasks.exports_monthly_task",
    "reporting.tasks.exports_sweep_task",
    "servicedesk.tasks.notifications_send_task",
    "servicedesk.tasks.notifications_sweep_task",
]


def test_every_background_task_that_uses_the_database_retries_with_backoff():
    from servicedesk.celery import app

    app.loader.import_default_modules()
    beat_tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert beat_tasks - {"servicedesk.tasks.heartbeat_probe_task"} <= set(DATABASE_TASKS)
    for name in DATABASE_TASKS:
        task = app.tasks[name]
        assert {OperationalError, InterfaceError} <= set(task.autoretry_for), name
        assert task.retry_backoff and task.retry_jitter and task.max_retries >= 5, name


@pytest.mark.reliability(
    "Database briefly unavailable (background work)",
    "the dispatcher's service raises OperationalError, then InterfaceError, then works: the task"
    " retries and finishes",
)
def test_a_task_retries_through_a_database_outage(monkeypatch):
    from followups import tasks
    from followups.services import DispatchResult

    failures = [OperationalError("server closed the connection"), InterfaceError("closed")]

    def flaky(**kwargs):
        if failures:
            raise failures.pop(0)
        return DispatchResult(queued=3)

    from servicedesk.celery import app

    monkeypatch.setattr(tasks, "callbacks_dispatch", flaky)
    propagates, app.conf.task_eager_propagates = app.conf.task_eager_propagates, False
    try:  # eager retries happen only when the eager run does not re-raise
        result = tasks.callbacks_dispatch_task.apply()
    finally:
        app.conf.task_eager_propagates = propagates
    assert result.successful() and result.get() == {"queued": 3, "overdue": 0}
    assert failures == []
