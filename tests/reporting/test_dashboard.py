"""DOMAIN 7 on the supervisor dashboard: figures from the database, charts without any CDN."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from followups.services import callbacks_dispatch, callbacks_schedule_for_handover
from intake.models import Channel, Purpose, Visit, VisitStatus
from reporting.charts import Series, line_chart
from reporting.dashboard import quality_trends, today_figures
from servicedesk.models import Role
from tests.followups.conftest import handed_over_ticket

pytestmark = pytest.mark.django_db


def test_line_chart_is_plain_svg_with_escaped_labels():
    svg = str(line_chart(Series("<b>", [1, None, 3]), ["a", "<x>", "c"], unit="%"))
    assert svg.startswith("<svg") and "<script" not in svg and "style=" not in svg
    assert "&lt;b&gt;" in svg and "<b>" not in svg
    # The value axis says its unit: "3%" at the top, "0%" at the bottom.
    assert ">3%</text>" in svg and ">0%</text>" in svg


def test_today_counts_arrivals_waits_and_queues(point, staff_of, other_point):
    # Noon in Shanghai: ten minutes earlier is still today (the real clock near 16:00 UTC is
    # local midnight, where it is not).
    now = dt.datetime(2026, 11, 23, 4, 0, tzinfo=dt.UTC)
    Visit.objects.create(
        point=point,
        channel=Channel.WALK_IN,
        purpose=Purpose.REPAIR,
        arrived_at=now - dt.timedelta(minutes=20),
    )
    Visit.objects.create(
        point=point,
        channel=Channel.WALK_IN,
        purpose=Purpose.INQUIRY,
        status=VisitStatus.DONE,
        arrived_at=now - dt.timedelta(minutes=10),
        served_at=now - dt.timedelta(minutes=4),
    )
    Visit.objects.create(
        point=other_point, channel=Channel.WALK_IN, purpose=Purpose.REPAIR, arrived_at=now
    )
    figures = today_figures(user=staff_of(Role.SUPERVISOR).user, now=now)
    assert figures["arrivals"] == 2 and figures["waiting"] == 1
    # The one still waiting counts with the 20 minutes so far, beside the one served after 6.
    assert figures["average_wait_minutes"] == 13.0


def test_hotline_answer_share_per_week_uses_the_points_ring_limit(point, staff_of):
    now = timezone.now()
    for rings in (1, 3, 4, 6):
        Visit.objects.create(
            point=point,
            channel=Channel.HOTLINE,
            purpose=Purpose.INQUIRY,
            arrived_at=now,
            rings_to_answer=rings,
        )
    trends, labels = quality_trends(user=staff_of(Role.SUPERVISOR).user)
    answered = next(t for t in trends if t.key == "answered")
    assert len(labels) == 12 and answered.last == 50.0


def test_holds_checked_every_30_seconds_per_week(point, staff_of):
    """DOMAIN 7: holds checked every 30 s, as the share of holds checked back in time."""
    now = timezone.now()
    for holds, checked in ((2, 2), (1, 0), (1, 1)):
        Visit.objects.create(
            point=point,
            channel=Channel.HOTLINE,
            purpose=Purpose.INQUIRY,
            arrived_at=now,
            rings_to_answer=1,
            hold_count=holds,
            holds_checked_in_time=checked,
        )
    trends, _labels = quality_trends(user=staff_of(Role.SUPERVISOR).user)
    assert next(t for t in trends if t.key == "holds_checked").last == 75.0


def test_dashboard_page_with_constant_queries(
    client, point, staff_of, django_assert_max_num_queries
):
    point.callback_sample_rate = Decimal("1")
    point.save()
    for _ in range(10):
        callbacks_schedule_for_handover(
            ticket=handed_over_ticket(point, handed_over_at=timezone.now() - dt.timedelta(days=4))
        )
    callbacks_dispatch()
    client.force_login(staff_of(Role.SUPERVISOR).user)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("reporting:dashboard"))
    assert response.status_code == 200
    assert response.context["today"]["callbacks"]["due"] == 10
    assert "<svg" in response.content.decode()


@pytest.mark.parametrize(
    "role", [Role.FRONT_DESK, Role.TECHNICIAN, Role.HOTLINE, Role.CALLBACK_CLERK]
)
def test_desk_roles_do_not_see_the_dashboard(role, client, staff_of):
    client.force_login(staff_of(role).user)
    assert client.get(reverse("reporting:dashboard")).status_code == 403


def test_complaint_standards_are_charted(point, staff_of):
    from complaints.models import Complaint, ComplaintContact

    owner = staff_of(Role.HOTLINE).user
    now = timezone.now()
    complaint = Complaint.objects.create(
        point=point,
        customer=handed_over_ticket(point).customer,
        owner=owner,
        channel="hotline",
        source="call",
        summary="x",
        created_at=now - dt.timedelta(hours=6),
        promised_reply_at=now - dt.timedelta(hours=1),
        escalated_at=now,
        closed_at=now,
    )
    ComplaintContact.objects.create(
        complaint=complaint, kind="contact", at=now - dt.timedelta(hours=4)
    )
    trends, _labels = quality_trends(user=staff_of(Role.SUPERVISOR).user)
    by_key = {t.key: t.last for t in trends}
    assert by_key["complaint_response"] == 2.0
    assert by_key["promises_kept"] == 100.0
    assert by_key["escalations"] == 1
    assert by_key["time_to_close"] == 6.0


def test_this_weeks_wait_counts_who_is_waiting_today_like_the_card(point, staff_of):
    now = dt.datetime(2026, 11, 25, 4, 0, tzinfo=dt.UTC)  # Wednesday noon in Shanghai
    Visit.objects.create(
        point=point,
        channel=Channel.WALK_IN,
        purpose=Purpose.REPAIR,
        arrived_at=now - dt.timedelta(minutes=30),
    )
    Visit.objects.create(
        point=point,
        channel=Channel.WALK_IN,
        purpose=Purpose.REPAIR,
        status=VisitStatus.DONE,
        arrived_at=now - dt.timedelta(minutes=20),
        served_at=now - dt.timedelta(minutes=10),
    )
    # Left waiting on an earlier day: not someone waiting now.
    Visit.objects.create(
        point=point,
        channel=Channel.WALK_IN,
        purpose=Purpose.REPAIR,
        arrived_at=now - dt.timedelta(days=2),
    )
    user = staff_of(Role.SUPERVISOR).user
    trends, _labels = quality_trends(user=user, now=now)
    wait = next(trend for trend in trends if trend.key == "wait")
    assert wait.series.points[-1] == 20.0
    assert today_figures(user=user, now=now)["average_wait_minutes"] == 20.0


def test_turnaround_shows_the_time_waiting_for_parts_apart(point, staff_of):
    """rules#parts: the weekly turnaround, and the same without the time waiting for parts."""
    from repairs.models import RepairTicket
    from tests.opening import open_ticket

    now = timezone.now()
    ticket = open_ticket(point, staff_of(Role.FRONT_DESK).user, now=now - dt.timedelta(hours=30))
    RepairTicket.objects.filter(pk=ticket.pk).update(
        ready_at=now, parts_wait=dt.timedelta(hours=24)
    )
    trends, _labels = quality_trends(user=staff_of(Role.SUPERVISOR).user)
    assert next(t for t in trends if t.key == "turnaround").last == 30.0
    assert next(t for t in trends if t.key == "turnaround_own").last == 6.0


def test_ready_not_collected_warning_uses_the_points_pickup_overdue_days(point, staff_of):
    """rules#dashboard: the card warns of the devices the work lists call overdue for pickup,
    by the point's own ``pickup_overdue_days``, not a fixed three days."""
    from tests.opening import open_ticket
    from tests.tickets import bring_to

    desk, tech = staff_of(Role.FRONT_DESK).user, staff_of(Role.TECHNICIAN).user
    bring_to(open_ticket(point, desk), "ready", desk=desk, tech=tech)
    supervisor = staff_of(Role.SUPERVISOR).user
    in_five_days = timezone.now() + dt.timedelta(days=5)
    ages = today_figures(user=supervisor, now=in_five_days)["ages"]
    assert ages["ready_not_collected"] == 1 and ages["ready_overdue"] == 0  # the default: 7 days
    point.pickup_overdue_days = 4
    point.save(update_fields=["pickup_overdue_days"])
    supervisor = staff_of(Role.SUPERVISOR).user  # a fresh login reads the point's settings
    assert today_figures(user=supervisor, now=in_five_days)["ages"]["ready_overdue"] == 1
