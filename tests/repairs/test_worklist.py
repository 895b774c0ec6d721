"""The ticket list (filters, tabs, keyset paging), the pickup lookup and the visit's one ticket."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from intake.models import Visit, VisitStatus
from intake.services.desk import visit_register, visit_start_service
from repairs.models import RepairTicket, TicketStatus
from repairs.selectors import ticket_number_candidates
from servicedesk.models import Role
from tests.factories import CustomerFactory, make_staff
from tests.opening import open_ticket
from tests.tickets import bring_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(staff_of):
    return staff_of(Role.FRONT_DESK).user


@pytest.fixture
def tech(staff_of):
    return staff_of(Role.TECHNICIAN).user


def numbers(response):
    return [t.number for t in response.context["rows"]]


def test_status_filter_lists_only_that_state(client, point, desk, tech):
    ready = bring_to(
        open_ticket(point, desk, imei="", serial="SNR1"), "ready", desk=desk, tech=tech
    )
    other = open_ticket(point, desk, imei="", serial="SNR2")
    client.force_login(desk)
    response = client.get(reverse("repairs:ticket_list"), {"status": "ready"})
    assert response.status_code == 200
    assert numbers(response) == [ready.number]
    assert other.number not in response.content.decode()
    tabs = {value: count for value, _label, count in response.context["tabs"]}
    assert tabs["ready"] == 1 and tabs["registered"] == 1 and tabs["open"] == 2


def test_nothing_of_another_point_appears(client, point, other_point, desk):
    from tests.factories import make_staff

    mine = open_ticket(point, desk, imei="", serial="SNM1")
    foreign_desk = make_staff(Role.FRONT_DESK, point=other_point).user
    foreign = open_ticket(other_point, foreign_desk, imei="", serial="SNF1")
    client.force_login(desk)
    for params in ({}, {"status": "all"}):
        text = client.get(reverse("repairs:ticket_list"), params).content.decode()
        assert foreign.number not in text
    for params in ({"q": foreign.number}, {"q": str(foreign.sequence)}):
        assert foreign.number not in numbers(client.get(reverse("repairs:ticket_list"), params))
    assert mine.number in client.get(reverse("repairs:ticket_list")).content.decode()


def test_regional_user_sees_its_region_read_only(client, point, desk, staff_of):
    ticket = open_ticket(point, desk, imei="", serial="SNG1")
    client.force_login(staff_of(Role.REGIONAL_CENTER).user)
    response = client.get(reverse("repairs:ticket_list"))
    assert response.status_code == 200 and numbers(response) == [ticket.number]
    assert client.post(reverse("repairs:ticket_list")).status_code in (403, 405)


@pytest.mark.parametrize(
    "params",
    [
        {"status": "nonsense"},
        {"technician": "abc"},
        {"technician": "99999999999999999999"},
        {"warranty": "x"},
        {"older_than_days": "-3"},
        {"older_than_days": "１２３"},
        {"older_than_days": "9" * 40},
        {"sort": "'; drop"},
        {"after": "abc"},
        {"after": "9" * 30 + ".1"},
        {"q": "\x00"},
        {"q": "x" * 500},
        {"waiting": "maybe"},
    ],
)
def test_unknown_filter_values_never_fail(client, point, desk, params):
    open_ticket(point, desk, imei="", serial="SNU1")
    client.force_login(desk)
    assert client.get(reverse("repairs:ticket_list"), params).status_code == 200


def test_filters(client, point, desk, tech, staff_of):
    now = timezone.now()
    waiting = open_ticket(point, desk, imei="", serial="SNW1", customer_waits=True)
    old = open_ticket(point, desk, imei="", serial="SNO1", now=now - dt.timedelta(days=20))
    overdue = bring_to(
        open_ticket(point, desk, imei="", serial="SND1"), "ready", desk=desk, tech=tech
    )
    RepairTicket.objects.filter(pk=overdue.pk).update(ready_at=now - dt.timedelta(days=8))
    fresh = bring_to(
        open_ticket(point, desk, imei="", serial="SND2"), "ready", desk=desk, tech=tech
    )
    other_desk = staff_of(Role.FRONT_DESK).user
    theirs = open_ticket(point, other_desk, imei="", serial="SNT1")
    client.force_login(desk)

    def listed(**params):
        return set(numbers(client.get(reverse("repairs:ticket_list"), params)))

    assert listed(waiting="1") == {waiting.number}
    assert listed(older_than_days="10") == {old.number}
    assert listed(overdue="1") == {overdue.number}
    assert fresh.number not in listed(overdue="1")
    assert theirs.number not in listed(mine="1") and waiting.number in listed(mine="1")
    assert listed(technician=str(tech.pk)) == {overdue.number, fresh.number}
    assert listed(q=overdue.number.lower().replace("-", "")) == {overdue.number}
    assert listed(q=f" {overdue.sequence:06d} ") == {overdue.number}
    point.pickup_overdue_days = 10
    point.save()
    assert listed(overdue="1") == set()


def test_repeat_and_warranty_filters(client, point, desk):
    customer = CustomerFactory(point=point)
    first = open_ticket(point, desk, customer)
    RepairTicket.objects.filter(pk=first.pk).update(
        status=TicketStatus.HANDED_OVER, handed_over_at=timezone.now()
    )
    repeat = open_ticket(point, desk, customer)
    paid = open_ticket(point, desk, imei="", serial="SNP1", purchase_days_ago=900)
    client.force_login(desk)
    assert numbers(client.get(reverse("repairs:ticket_list"), {"repeat": "1"})) == [repeat.number]
    listed = numbers(client.get(reverse("repairs:ticket_list"), {"warranty": "out_of_warranty"}))
    assert listed == [paid.number]


def test_failed_retest_is_flagged_with_its_reason(client, point, desk, tech):
    failed = bring_to(
        open_ticket(point, desk, imei="", serial="SNQ1"), "retest_failed", desk=desk, tech=tech
    )
    client.force_login(tech)
    response = client.get(reverse("repairs:ticket_list"), {"status": "repairing"})
    (row,) = response.context["rows"]
    assert row.pk == failed.pk and row.retest_note == "触摸失灵"
    assert "触摸失灵" in response.content.decode()


def test_keyset_pages_cost_the_same_and_cover_every_ticket(
    client, point, desk, django_assert_max_num_queries
):
    base = timezone.now() - dt.timedelta(hours=1)
    for n in range(55):
        open_ticket(point, desk, imei="", serial=f"SNK{n:03d}", now=base + dt.timedelta(seconds=n))
    client.force_login(desk)
    with django_assert_max_num_queries(12) as first_page:
        first = client.get(reverse("repairs:ticket_list"))
    assert len(first.context["rows"]) == 50 and first.context["next_query"]
    with django_assert_max_num_queries(len(first_page.captured_queries)):
        second = client.get(reverse("repairs:ticket_list") + "?" + first.context["next_query"])
    seen = numbers(first) + numbers(second)
    assert len(seen) == len(set(seen)) == 55
    oldest = client.get(reverse("repairs:ticket_list"), {"sort": "oldest"})
    assert numbers(oldest)[0] == seen[-1]


@pytest.mark.parametrize("typed", ["bj01-000007", "bj01000007", " BJ01-000007 ", "000007", "7"])
def test_pickup_accepts_the_number_as_people_type_it(client, point, desk, typed):
    ticket = None
    for n in range(7):
        ticket = open_ticket(point, desk, imei="", serial=f"SN{n:04d}")
    assert ticket.number == "BJ01-000007"
    client.force_login(desk)
    response = client.get(reverse("repairs:pickup"), {"number": typed})
    assert response["Location"] == reverse("repairs:ticket_detail", args=[ticket.pk])


def test_ticket_number_candidates():
    assert "BJ01-000007" in ticket_number_candidates("bj01000007")
    assert ticket_number_candidates("BJ01-000007") == ["BJ01-000007"]
    assert ticket_number_candidates("北京-000007") == []
    assert ticket_number_candidates("") == []


def test_pickup_lists_what_is_ready_with_the_name_masked(client, point, desk, tech):
    customer = CustomerFactory(point=point, name="王小明")
    ready = bring_to(open_ticket(point, desk, customer), "ready", desk=desk, tech=tech)
    client.force_login(desk)
    response = client.get(reverse("repairs:pickup"))
    text = response.content.decode()
    assert ready.number in text and "王**" in text and "王小明" not in text
    assert timezone.localtime(ready.ready_at).strftime("%Y-%m-%d %H:%M") in text


def test_a_second_intake_for_a_served_visit_makes_no_ticket(point, desk):
    visit = visit_register(point=point, actor=desk, purpose="repair")
    visit = visit_start_service(visit=visit, actor=desk)
    customer = CustomerFactory(point=point)
    first = open_ticket(point, desk, customer, visit=visit)
    again = open_ticket(point, desk, customer, visit=visit, imei="", serial="SNZZ1")
    assert again.pk == first.pk
    assert RepairTicket.objects.filter(visit=visit).count() == 1
    visit = Visit.objects.get(pk=visit.pk)
    assert visit.status == VisitStatus.DONE and first.number in visit.outcome


def test_the_board_shows_the_ticket_a_served_visit_ended_with(
    client, point, other_point, desk, django_assert_max_num_queries
):
    def served_visit(imei_serial):
        visit = visit_start_service(
            visit=visit_register(point=point, actor=desk, purpose="repair"), actor=desk
        )
        return open_ticket(
            point, desk, CustomerFactory(point=point), visit=visit, imei="", serial=imei_serial
        )

    first = served_visit("SNB1")
    client.force_login(desk)
    client.get(reverse("intake:board"))
    with django_assert_max_num_queries(12) as one:
        response = client.get(reverse("intake:board"))
    text = response.content.decode()
    url = reverse("repairs:ticket_detail", args=[first.pk])
    assert f'href="{url}">{first.number}</a>' in text
    for n in range(5):
        served_visit(f"SNB{n + 2}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("intake:board"))
    assert len(response.context["served_today"]) == 6
    # Another point's served visits never reach this board.
    foreign_desk = make_staff(Role.FRONT_DESK, point=other_point).user
    foreign_visit = visit_start_service(
        visit=visit_register(point=other_point, actor=foreign_desk, purpose="repair"),
        actor=foreign_desk,
    )
    foreign = open_ticket(other_point, foreign_desk, visit=foreign_visit, imei="", serial="SNX1")
    response = client.get(reverse("intake:board"))
    assert foreign.number not in response.content.decode()


def test_serving_a_pickup_visit_goes_to_the_pickup_screen(client, point, desk):
    visit = visit_register(point=point, actor=desk, purpose="pickup")
    client.force_login(desk)
    response = client.post(reverse("intake:visit_serve", args=[visit.pk]))
    assert response["Location"] == reverse("repairs:pickup")


def test_search_within_the_list_by_imei(client, point, desk):
    from tests.opening import VALID_IMEI

    by_imei = open_ticket(point, desk)
    open_ticket(point, desk, imei="", serial="SNOTHER1")
    client.force_login(desk)
    response = client.get(reverse("repairs:ticket_list"), {"q": VALID_IMEI, "status": "all"})
    assert numbers(response) == [by_imei.number]
