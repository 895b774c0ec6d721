"""DOMAIN 6 reporting: last month's callback statistics, generated on the 1st, ready by the 3rd."""

import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from followups.models import Callback, CallbackKind, CallbackReport, Outcome, Question
from followups.outcomes import OutcomeInput
from followups.reports import callback_reports_generate_due, missing_reports
from followups.services import (
    callback_record_outcome,
    callbacks_dispatch,
    callbacks_schedule_for_handover,
)
from servicedesk.models import AuditLog, Role

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def local(m, d, hh, mm=0):
    return dt.datetime(2026, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def october(point, ticket_at, staff_of):
    """Three first callbacks due on 13 October: satisfied (95 s), dissatisfied (400 s), open."""
    point.callback_sample_rate = Decimal("1")
    point.save()
    clerk = staff_of(Role.CALLBACK_CLERK).user
    for _ in range(3):
        callbacks_schedule_for_handover(ticket=ticket_at(local(10, 10, 10)))
    callbacks_dispatch(now=local(10, 13, 9))
    first = list(Callback.objects.filter(kind=CallbackKind.FIRST).order_by("id"))
    rating = Question.objects.order_by("position").first()
    for callback, outcome, seconds in (
        (first[0], Outcome.SATISFIED, 95),
        (first[1], Outcome.DISSATISFIED, 400),
    ):
        callback_record_outcome(
            callback=callback,
            actor=clerk,
            data=OutcomeInput(
                outcome=outcome,
                answers={rating.pk: "4" if outcome == Outcome.SATISFIED else "2"},
                dissatisfaction_reason="等待时间太长" if outcome == Outcome.DISSATISFIED else "",
                duration_seconds=seconds,
            ),
            version=callback.version,
            now=local(10, 13, 10),
        )
    return point


def test_report_for_last_month_is_generated_on_the_1st_once(october):
    assert callback_reports_generate_due(now=local(11, 1, 1, 30)) == 1
    assert callback_reports_generate_due(now=local(11, 1, 2)) == 0
    report = CallbackReport.objects.get(point=october)
    totals = report.data["totals"]
    assert report.month == dt.date(2026, 10, 1)
    assert totals["due"] == 6  # three first (13 Oct) and three second (18–25 Oct) callbacks
    assert totals["reached"] == 2 and totals["satisfied"] == 1 and totals["dissatisfied"] == 1
    assert totals["under_target"] == 1 and totals["made_on_time"] == 2
    assert report.data["questions"][0]["average"] == 3.0
    assert report.data["dissatisfaction_reasons"][0]["dissatisfaction_reason"] == "等待时间太长"
    # The dissatisfied callback became a complaint that month (DOMAIN 6 complaint analysis).
    assert report.data["complaints_by_category"] == [{"category": "—", "count": 1}]
    assert report.data["complaints_by_customer_type"] == [
        {"customer_type": "individual", "count": 1}
    ]


def test_a_missing_report_shows_after_the_3rd(october):
    assert missing_reports(points=[october], today=dt.date(2026, 11, 2)) == []
    assert missing_reports(points=[october], today=dt.date(2026, 11, 3)) == [october]
    callback_reports_generate_due(now=local(11, 3, 9))
    assert missing_reports(points=[october], today=dt.date(2026, 11, 3)) == []


def test_supervisor_downloads_the_report_as_excel_safe_csv(client, staff_of, october):
    callback_reports_generate_due(now=local(11, 1, 1, 30))
    report = CallbackReport.objects.get()
    Callback.objects.filter(outcome=Outcome.DISSATISFIED).update(
        dissatisfaction_reason="=HYPERLINK(1)"
    )
    report.data["dissatisfaction_reasons"][0]["dissatisfaction_reason"] = "=HYPERLINK(1)"
    report.save()
    supervisor = staff_of(Role.SUPERVISOR)
    client.force_login(supervisor.user)
    with time_machine.travel(local(11, 5, 10), tick=False):
        page = client.get(reverse("followups:report_detail", args=[report.pk]))
        assert page.status_code == 200
        response = client.post(reverse("followups:report_csv", args=[report.pk]))
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert ["due", "6"] in rows
    assert any(cell == "'=HYPERLINK(1)" for row in rows for cell in row)
    assert AuditLog.objects.filter(action="export.callback_report", actor=supervisor.user).exists()


def test_report_list_warns_about_a_missing_report(client, staff_of, october):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    with time_machine.travel(local(11, 4, 10), tick=False):
        response = client.get(reverse("followups:report_list"))
    assert response.context["missing"] == [october]
