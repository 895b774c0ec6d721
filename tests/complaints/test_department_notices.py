"""rules#callbacks: dissatisfaction found in a callback becomes a complaint with the relevant
department notified: the category's department, else the point's department for complaints. Its
members see the notice on their home page, linked to the complaint, and mark it read there."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from complaints.models import Complaint, ComplaintCategory
from complaints.services import complaint_department
from followups.models import Callback, CallbackKind
from followups.services import callbacks_dispatch, callbacks_schedule_for_handover
from servicedesk.models import Department, DepartmentNotice, Role
from tests.followups.conftest import handed_over_ticket

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def local(d, hh, mm=0):
    return dt.datetime(2026, 11, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def due_callback(point):
    point.callback_sample_rate = Decimal("1")
    point.save()
    callbacks_schedule_for_handover(ticket=handed_over_ticket(point, handed_over_at=local(10, 10)))
    callbacks_dispatch(now=local(13, 9))
    return Callback.objects.get(kind=CallbackKind.FIRST)


@pytest.fixture
def quality(point):
    department = Department.objects.create(point=point, name="质量部")
    point.complaint_department = department
    point.save()
    return department


def record_dissatisfied(client, clerk, callback):
    client.force_login(clerk.user)
    with time_machine.travel(local(13, 10), tick=False):
        return client.post(
            reverse("followups:callback", args=[callback.pk]),
            {
                "version": callback.version,
                "outcome": "dissatisfied",
                "dissatisfaction_reason": "屏幕又花了",
                "duration_seconds": "140",
            },
            follow=True,
        )


def test_a_dissatisfied_callback_notifies_the_department_on_its_members_home_page(
    client, staff_of, due_callback, quality
):
    member = staff_of(Role.SUPERVISOR, department=quality)
    outsider = staff_of(Role.SERVICE_MANAGER)
    response = record_dissatisfied(client, staff_of(Role.CALLBACK_CLERK), due_callback)
    complaint = Complaint.objects.get(callback=due_callback)
    assert "已通知质量部" in response.content.decode()

    client.force_login(member.user)
    with time_machine.travel(local(13, 11), tick=False):
        home = client.get(reverse("home"))
    cards = {card.key: card for card in home.context["cards"]}
    assert cards["notices"].count == 1
    page = home.content.decode()
    assert f'href="{complaint.get_absolute_url()}"' in page
    assert f"投诉 #{complaint.pk}" in page
    notice = DepartmentNotice.objects.get()
    assert notice.department == quality and notice.point == due_callback.point

    client.force_login(outsider.user)
    assert "notices" not in {card.key for card in client.get(reverse("home")).context["cards"]}
    assert client.post(reverse("servicedesk:notice_read", args=[notice.pk])).status_code == 403

    client.force_login(member.user)
    client.post(reverse("servicedesk:notice_read", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.read_at is not None and notice.read_by == member.user
    cards = {card.key: card for card in client.get(reverse("home")).context["cards"]}
    assert cards["notices"].count == 0


def test_the_categorys_department_comes_before_the_points(point, quality):
    repairs = Department.objects.create(point=point, name="维修技术部")
    category = ComplaintCategory.objects.create(
        code="repair_q", name="维修质量", department=repairs
    )
    complaint = Complaint(point=point, category=category)
    assert complaint_department(complaint) == repairs
    complaint.category = ComplaintCategory.objects.create(code="other_q", name="其他")
    assert complaint_department(complaint) == quality


def test_without_a_department_the_complaint_is_still_opened_and_named(
    client, staff_of, due_callback
):
    response = record_dissatisfied(client, staff_of(Role.CALLBACK_CLERK), due_callback)
    complaint = Complaint.objects.get(callback=due_callback)
    assert f"投诉 #{complaint.pk}" in response.content.decode()
    assert not DepartmentNotice.objects.exists()


def test_the_notices_card_costs_the_same_queries_however_many_notices(client, staff_of, quality):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from servicedesk.services import department_notify

    member = staff_of(Role.CALLBACK_CLERK, department=quality)
    client.force_login(member.user)

    def home_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        return len(queries)

    department_notify(department=quality, point=quality.point, subject="投诉 #1", link="/")
    home_queries()  # the session's first request reads what later ones have cached
    once = home_queries()
    for n in range(2, 12):
        department_notify(department=quality, point=quality.point, subject=f"投诉 #{n}", link="/")
    assert home_queries() == once


class RecordingSender:
    """The gateway as the tests see it: every message handed to it."""

    sent: list[tuple[str, str]] = []

    def send(self, notification) -> None:
        RecordingSender.sent.append((notification.to, notification.text))


@pytest.fixture
def recording_sender(settings):
    settings.NOTIFICATION_SENDER = f"{__name__}.RecordingSender"
    RecordingSender.sent = []
    return RecordingSender


def test_a_department_with_a_mobile_gets_the_notice_and_one_sms_in_the_points_language(
    client, settings, staff_of, due_callback, quality, recording_sender
):
    from servicedesk.models import Notification, NotificationKind
    from servicedesk.outbox import notifications_send

    quality.message_phone = "+8613800001111"
    quality.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the clerk's screen is in English
    record_dissatisfied(client, staff_of(Role.CALLBACK_CLERK), due_callback)
    complaint = Complaint.objects.get(callback=due_callback)
    notice = DepartmentNotice.objects.get()

    message = Notification.objects.get()
    assert message.kind == NotificationKind.DEPARTMENT_NOTICE
    assert message.notice == notice and message.ticket is None
    assert message.point == due_callback.point and message.to == "+8613800001111"
    assert f"投诉 #{complaint.pk}" in message.text
    assert "屏幕又花了" not in message.text  # the customer's words stay in the service desk
    assert message.text.startswith(f"[{due_callback.point.name}]致质量部")

    assert notifications_send() == 1
    assert notifications_send() == 0  # the task running twice sends it once
    assert recording_sender.sent == [("+8613800001111", message.text)]


def test_a_department_without_a_mobile_gets_the_notice_only(
    client, staff_of, due_callback, quality
):
    from servicedesk.models import Notification

    record_dissatisfied(client, staff_of(Role.CALLBACK_CLERK), due_callback)
    assert DepartmentNotice.objects.count() == 1
    assert not Notification.objects.exists()


def test_the_notice_and_its_sms_are_written_together_or_not_at_all(point, quality):
    from django.db import transaction

    from servicedesk.models import Notification
    from servicedesk.services import department_notify

    quality.message_phone = "+8613800001111"
    quality.save()
    with pytest.raises(RuntimeError), transaction.atomic():
        department_notify(department=quality, point=point, subject="投诉 #1", link="/")
        assert Notification.objects.count() == 1
        raise RuntimeError("the callback's outcome failed after the notice")
    assert not DepartmentNotice.objects.exists() and not Notification.objects.exists()


def test_the_departments_mobile_is_edited_in_the_admin_and_a_bad_one_is_refused(
    admin_client, quality
):
    change = reverse("admin:servicedesk_department_change", args=[quality.pk])
    form = {"name": "质量部", "point": quality.point_id, "contact": "李经理", "is_active": "on"}
    response = admin_client.post(change, {**form, "message_phone": "12345"})
    assert response.status_code == 200
    assert "这不是有效的电话号码。" in response.content.decode()
    quality.refresh_from_db()
    assert quality.message_phone == ""
    assert admin_client.post(change, {**form, "message_phone": "138 0000 1111"}).status_code == 302
    quality.refresh_from_db()
    assert quality.message_phone == "+8613800001111"


def test_erasing_the_customer_clears_the_customers_words_from_the_departments_notice(
    client, staff_of, due_callback, quality
):
    from intake.services.privacy import customer_erase

    record_dissatisfied(client, staff_of(Role.CALLBACK_CLERK), due_callback)
    complaint = Complaint.objects.get(callback=due_callback)
    complaint.summary = "张三说屏幕又花了"
    complaint.save()
    DepartmentNotice.objects.update(text=complaint.summary)
    other = DepartmentNotice.objects.create(
        point=due_callback.point, department=quality, subject="其他", text="另一位顾客的话"
    )
    customer_erase(
        customer=complaint.customer, actor=staff_of(Role.SUPERVISOR).user, reason="顾客要求删除"
    )
    notice = DepartmentNotice.objects.exclude(pk=other.pk).get()
    assert notice.text == "" and notice.link == complaint.get_absolute_url()
    other.refresh_from_db()
    assert other.text == "另一位顾客的话"
