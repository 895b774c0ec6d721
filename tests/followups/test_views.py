"""The callback queue and screen, through the test client with real roles."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from followups.models import Callback, CallbackKind, CallbackStatus, Question
from followups.services import callbacks_dispatch, callbacks_schedule_for_handover
from intake.models import MessageSlip
from servicedesk.models import Role

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def local(d, hh, mm=0):
    return dt.datetime(2026, 11, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def queued(point, ticket_at):
    point.callback_sample_rate = Decimal("1")
    point.save()
    tickets = [ticket_at(local(10, 10)) for _ in range(3)]
    for ticket in tickets:
        callbacks_schedule_for_handover(ticket=ticket)
    callbacks_dispatch(now=local(13, 9))
    return Callback.objects.filter(kind=CallbackKind.FIRST).order_by("id")


@pytest.mark.reliability(
    "Personal data exposure",
    "phone numbers masked in the callback queue",
)
def test_queue_lists_due_callbacks_inside_calling_hours(
    client, staff_of, queued, django_assert_max_num_queries
):
    client.force_login(staff_of(Role.CALLBACK_CLERK).user)
    with time_machine.travel(local(13, 10), tick=False), django_assert_max_num_queries(12):
        response = client.get(reverse("followups:queue"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 3
    assert response.context["calling"] is True
    assert "138****" in response.content.decode()  # phones masked in the list


def test_queue_waits_at_rest_time(client, staff_of, queued):
    client.force_login(staff_of(Role.CALLBACK_CLERK).user)
    with time_machine.travel(local(13, 12, 30), tick=False):
        response = client.get(reverse("followups:queue"))
    assert response.context["calling"] is False
    assert response.context["next_window"] == local(13, 14)


def test_queue_query_count_does_not_grow_with_rows(
    client, staff_of, point, ticket_at, django_assert_max_num_queries
):
    point.callback_sample_rate = Decimal("1")
    point.save()
    for _ in range(25):
        callbacks_schedule_for_handover(ticket=ticket_at(local(10, 10)))
    callbacks_dispatch(now=local(13, 9))
    client.force_login(staff_of(Role.SUPERVISOR).user)
    with time_machine.travel(local(13, 10), tick=False), django_assert_max_num_queries(12):
        assert client.get(reverse("followups:queue")).status_code == 200


def test_clerk_records_a_satisfied_callback_with_answers(client, staff_of, queued):
    callback = queued[0]
    client.force_login(staff_of(Role.CALLBACK_CLERK).user)
    first_question = Question.objects.order_by("position").first()
    with time_machine.travel(local(13, 10), tick=False):
        page = client.get(reverse("followups:callback", args=[callback.pk]))
        assert "请让顾客先挂机" in page.content.decode()
        response = client.post(
            reverse("followups:callback", args=[callback.pk]),
            {
                "version": callback.version,
                "outcome": "satisfied",
                f"q_{first_question.pk}": "5",
                "duration_seconds": "120",
            },
        )
    assert response.status_code == 302
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.DONE and callback.duration_seconds == 120


def test_dissatisfied_without_reason_shows_a_field_error(client, staff_of, queued):
    callback = queued[0]
    client.force_login(staff_of(Role.CALLBACK_CLERK).user)
    with time_machine.travel(local(13, 10), tick=False):
        response = client.post(
            reverse("followups:callback", args=[callback.pk]),
            {"version": callback.version, "outcome": "dissatisfied"},
        )
    assert response.status_code == 200
    assert response.context["form"].errors["dissatisfaction_reason"]
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.DUE


def test_garbage_input_never_gives_a_500(client, staff_of, queued):
    callback = queued[0]
    client.force_login(staff_of(Role.CALLBACK_CLERK).user)
    response = client.post(
        reverse("followups:callback", args=[callback.pk]),
        {
            "version": "x",
            "outcome": "<script>",
            "call_back_at": "yesterday",
            "duration_seconds": "-5",
        },
    )
    assert response.status_code == 200
    callback.refresh_from_db()
    assert callback.attempts == 0


def test_a_question_the_clerk_cannot_answer_becomes_a_message_slip(client, staff_of, queued):
    callback = queued[0]
    supervisor = staff_of(Role.SUPERVISOR)
    client.force_login(staff_of(Role.CALLBACK_CLERK).user)
    with time_machine.travel(local(13, 10), tick=False):
        response = client.post(
            reverse("followups:callback_slip", args=[callback.pk]),
            {
                "message": "能否延长保修？",
                "addressee": supervisor.user.pk,
                "callback_due_at": "2026-11-13T16:00",
                "read_back_confirmed": "on",
            },
        )
    assert response.status_code == 302
    slip = MessageSlip.objects.get()
    assert slip.addressee == supervisor.user and slip.customer == callback.customer


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.TECHNICIAN, Role.HOTLINE])
def test_other_roles_cannot_open_the_callback_queue(role, client, staff_of):
    client.force_login(staff_of(role).user)
    assert client.get(reverse("followups:queue")).status_code == 403


def test_a_refused_callback_form_shows_every_error_at_once_and_keeps_the_call_time(
    client, staff_of, queued
):
    """UX 1: a refused submit re-shows everything typed, the running call time included (the
    timer resumes from it), with every error beside its field."""
    callback = queued[0]
    client.force_login(staff_of(Role.CALLBACK_CLERK).user)
    text_question = Question.objects.filter(kind="text").order_by("position").first()
    with time_machine.travel(local(13, 10), tick=False):
        response = client.post(
            reverse("followups:callback", args=[callback.pk]),
            {
                "version": callback.version,
                "outcome": "dissatisfied",
                "duration_seconds": "75",
                "note": "顾客说话很急",
                f"q_{text_question.pk}": "x" * 1001,
            },
        )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"dissatisfaction_reason", f"q_{text_question.pk}"}
    page = response.content.decode()
    assert 'name="duration_seconds" value="75"' in page
    assert "顾客说话很急" in page
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.DUE and callback.attempts == 0


def test_a_busy_outcome_without_a_time_is_refused_beside_the_field(client, staff_of, queued):
    callback = queued[0]
    client.force_login(staff_of(Role.CALLBACK_CLERK).user)
    with time_machine.travel(local(13, 10), tick=False):
        response = client.post(
            reverse("followups:callback", args=[callback.pk]),
            {"version": callback.version, "outcome": "busy", "duration_seconds": "20"},
        )
    assert response.context["form"].errors["call_back_at"]
    assert 'name="duration_seconds" value="20"' in response.content.decode()


def test_a_complaint_from_a_callback_promises_a_reply_and_escalates_when_nobody_calls(
    client, staff_of, queued
):
    """rules#complaints: every unresolved complaint has a promised reply; one opened by the system
    from a dissatisfied callback promises the point's first-reply time, so an untouched one is
    overdue and escalates to the supervisor."""
    from complaints.models import Complaint
    from complaints.services import escalate_overdue

    callback = queued[0]
    callback.point.complaint_first_reply_hours = 6
    callback.point.save()
    client.force_login(staff_of(Role.CALLBACK_CLERK).user)
    with time_machine.travel(local(13, 10), tick=False):
        client.post(
            reverse("followups:callback", args=[callback.pk]),
            {
                "version": callback.version,
                "outcome": "dissatisfied",
                "dissatisfaction_reason": "修好后又坏了",
                "duration_seconds": "90",
            },
        )
    complaint = Complaint.objects.get(callback=callback)
    assert complaint.promised_reply_at == local(13, 16)
    assert not escalate_overdue(complaint_id=complaint.pk, now=local(13, 15, 59))
    assert escalate_overdue(complaint_id=complaint.pk, now=local(13, 16, 1))
    complaint.refresh_from_db()
    assert complaint.escalated_at == local(13, 16, 1)


def test_a_dissatisfied_callback_says_which_complaint_it_opened_with_a_link(
    client, staff_of, queued
):
    """UX 5: the confirmation names what it created, as a link ("投诉 #17 已登记")."""
    from complaints.models import Complaint

    callback = queued[0]
    client.force_login(staff_of(Role.CALLBACK_CLERK).user)
    with time_machine.travel(local(13, 10), tick=False):
        response = client.post(
            reverse("followups:callback", args=[callback.pk]),
            {
                "version": callback.version,
                "outcome": "dissatisfied",
                "dissatisfaction_reason": "修好后又坏了",
                "duration_seconds": "90",
            },
            follow=True,
        )
    complaint = Complaint.objects.get(callback=callback)
    page = response.content.decode()
    assert f'href="{complaint.get_absolute_url()}"' in page
    assert f"投诉 #{complaint.pk}" in page and "已登记" in page


def test_recording_a_call_at_rest_time_is_refused_beside_the_reason_field(client, staff_of, queued):
    """rules#callbacks "when not to call": 12:30 is between the point's windows (09:00–12:00,
    14:00–20:00): the outcome is refused with a field error and everything typed comes back."""
    callback = queued[0]
    client.force_login(staff_of(Role.CALLBACK_CLERK).user)
    with time_machine.travel(local(13, 12, 30), tick=False):
        response = client.post(
            reverse("followups:callback", args=[callback.pk]),
            {"version": callback.version, "outcome": "satisfied", "note": "顾客很满意"},
        )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["outside_hours_reason"]
    assert "09:00–12:00, 14:00–20:00" in errors["outside_hours_reason"][0]
    assert "顾客很满意" in response.content.decode()
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.DUE and callback.attempts == 0


def test_a_customer_who_called_us_back_is_recorded_at_rest_time_with_that_reason(
    client, staff_of, queued
):
    callback = queued[0]
    client.force_login(staff_of(Role.CALLBACK_CLERK).user)
    with time_machine.travel(local(13, 12, 30), tick=False):
        response = client.post(
            reverse("followups:callback", args=[callback.pk]),
            {
                "version": callback.version,
                "outcome": "satisfied",
                "outside_hours_reason": "customer_called",
            },
        )
    assert response.status_code == 302
    callback.refresh_from_db()
    assert callback.status == CallbackStatus.DONE
    assert callback.attempt_log.get().outside_hours_reason == "customer_called"


def test_a_call_within_the_calling_hours_needs_no_reason(client, staff_of, queued):
    callback = queued[0]
    client.force_login(staff_of(Role.CALLBACK_CLERK).user)
    with time_machine.travel(local(13, 10), tick=False):
        response = client.post(
            reverse("followups:callback", args=[callback.pk]),
            {"version": callback.version, "outcome": "satisfied"},
        )
    assert response.status_code == 302
    callback.refresh_from_db()
    assert callback.attempt_log.get().outside_hours_reason == ""


def test_an_unknown_outside_hours_reason_is_a_field_error(client, staff_of, queued):
    callback = queued[0]
    client.force_login(staff_of(Role.CALLBACK_CLERK).user)
    with time_machine.travel(local(13, 10), tick=False):
        response = client.post(
            reverse("followups:callback", args=[callback.pk]),
            {"version": callback.version, "outcome": "satisfied", "outside_hours_reason": "x"},
        )
    assert response.status_code == 200
    assert response.context["form"].errors["outside_hours_reason"]


def test_an_overdue_callback_leads_the_queue_on_every_database(client, staff_of, queued):
    """SQLite sorts an empty "overdue since" first; the queue puts the overdue ones first
    everywhere, the earliest overdue on top, then by due time."""
    on_time, overdue, later = queued
    Callback.objects.filter(pk=overdue.pk).update(overdue_since=local(13, 8))
    Callback.objects.filter(pk=on_time.pk).update(due_at=local(12, 9))
    client.force_login(staff_of(Role.CALLBACK_CLERK).user)
    with time_machine.travel(local(13, 10), tick=False):
        response = client.get(reverse("followups:queue"))
    listed = [c.pk for c in response.context["page"].object_list]
    assert listed[0] == overdue.pk
    assert listed.index(on_time.pk) < listed.index(later.pk)
