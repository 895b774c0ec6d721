"""DOMAIN 7 staff statistics: per person and per point, aggregated in SQL."""

import pytest
from django.urls import reverse
from django.utils import timezone

from intake.models import Channel, Purpose, Visit
from reporting.staff_stats import staff_figures
from servicedesk.models import Role

pytestmark = pytest.mark.django_db


def test_praise_and_calls_in_time_are_counted_per_person(point, staff_of, other_point):
    operator = staff_of(Role.HOTLINE)
    tech = staff_of(Role.TECHNICIAN)
    now = timezone.now()
    for rings in (2, 3, 5):
        Visit.objects.create(
            point=point,
            channel=Channel.HOTLINE,
            purpose=Purpose.PRAISE,
            arrived_at=now,
            rings_to_answer=rings,
            created_by=operator.user,
            praised_staff=tech.user,
        )
    figures = staff_figures(
        user=staff_of(Role.SUPERVISOR).user,
        date_from=timezone.localdate(),
        date_to=timezone.localdate(),
    )
    assert figures[tech.user_id].praise == 3
    assert figures[operator.user_id].calls == 3 and figures[operator.user_id].calls_in_time == 2
    assert figures[operator.user_id].calls_in_time_share == 66.7


def test_statistics_page_per_person_and_per_point(
    client, point, staff_of, django_assert_max_num_queries
):
    for _ in range(20):
        staff_of(Role.TECHNICIAN)
    client.force_login(staff_of(Role.SUPERVISOR).user)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("reporting:staff_stats")).status_code == 200
    response = client.get(reverse("reporting:staff_stats"), {"by": "point"})
    assert [subject for subject, _f in response.context["lines"]] == [point]


def test_a_reversed_period_is_a_form_error_not_a_500(client, staff_of):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    response = client.get(
        reverse("reporting:staff_stats"), {"date_from": "2026-11-10", "date_to": "2026-11-01"}
    )
    assert response.status_code == 200 and response.context["form"].errors


def test_complaints_are_counted_for_the_owner_and_the_technician_of_the_repair(point, staff_of):
    from complaints.models import Complaint
    from repairs.models import RepairTicket
    from tests.followups.conftest import handed_over_ticket

    owner, tech = staff_of(Role.HOTLINE), staff_of(Role.TECHNICIAN)
    ticket = handed_over_ticket(point)
    RepairTicket.objects.filter(pk=ticket.pk).update(technician=tech.user)
    Complaint.objects.create(
        point=point,
        customer=ticket.customer,
        owner=owner.user,
        channel="hotline",
        source="call",
        summary="x",
        ticket=ticket,
    )
    figures = staff_figures(
        user=staff_of(Role.SUPERVISOR).user,
        date_from=timezone.localdate(),
        date_to=timezone.localdate(),
    )
    assert figures[owner.user_id].complaints_handled == 1
    assert figures[tech.user_id].complaints_on_their_repairs == 1
