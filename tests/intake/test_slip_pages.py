"""Message slips at the desk: the addressee's queue, the callback log, the reminder task."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from intake.models import MessageSlip, SlipStatus
from intake.tasks import slip_reminders_task
from servicedesk.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def slip(point, staff_of):
    addressee = staff_of(Role.TECHNICIAN).user
    return MessageSlip.objects.create(
        point=point,
        caller_name="周先生",
        phone="+8613700001111",
        message="想问屏幕能否保修",
        callback_due_at=timezone.now() - dt.timedelta(minutes=5),
        addressee=addressee,
        taken_by=staff_of(Role.HOTLINE).user,
    )


def test_the_addressee_sees_the_slip_and_logs_the_callback(client, slip):
    client.force_login(slip.addressee)
    page = client.get(reverse("intake:slip_queue"))
    assert list(page.context["page"]) == [slip] and "周先生" in page.content.decode()
    client.post(reverse("intake:slip_callback", args=[slip.pk]), {"note": "已回电说明保修政策"})
    slip.refresh_from_db()
    assert slip.status == SlipStatus.CALLED_BACK and slip.callback_note == "已回电说明保修政策"


def test_someone_else_cannot_close_the_slip(client, slip, staff_of):
    client.force_login(staff_of(Role.FRONT_DESK).user)
    client.post(reverse("intake:slip_callback", args=[slip.pk]), {"note": "x"})
    slip.refresh_from_db()
    assert slip.status == SlipStatus.OPEN


def test_supervisor_sees_the_points_overdue_slips_with_constant_queries(
    client, slip, staff_of, django_assert_max_num_queries
):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("intake:slip_queue"))
    assert list(page.context["page"]) == [slip]


def test_the_reminder_task_marks_each_overdue_slip_once(slip):
    assert slip_reminders_task() == 1
    assert slip_reminders_task() == 0
    slip.refresh_from_db()
    assert slip.overdue_reminded_at is not None


def test_the_workbench_reminds_the_addressee_of_overdue_slips(client, slip):
    client.force_login(slip.addressee)
    response = client.get(reverse("home"))
    assert response.context["my_slips"] == 1 and response.context["my_overdue_slips"] == 1
    assert "等待您回电" in response.content.decode()
