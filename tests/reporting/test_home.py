"""Each role's home page is its work list: items named and linked, counts linking to the
filtered lists, empty states that say what would appear, and a query count that stays the same
however much work there is."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from intake.services.desk import visit_register
from intake.services.slips import slip_take
from repairs.models import RepairTicket
from servicedesk.models import Role
from tests.factories import make_staff
from tests.opening import open_ticket
from tests.tickets import bring_to

pytestmark = pytest.mark.django_db

_serials = iter(range(10_000, 99_999))


@pytest.fixture
def desk(staff_of):
    return staff_of(Role.FRONT_DESK).user


@pytest.fixture
def tech(staff_of):
    return staff_of(Role.TECHNICIAN).user


def ticket_in(state, point, desk, tech, **extra):
    if state == "awaiting_approval":
        extra.setdefault("purchase_days_ago", 900)
    ticket = open_ticket(point, desk, imei="", serial=f"SN{next(_serials)}", **extra)
    return bring_to(ticket, state, desk=desk, tech=tech) if state != "registered" else ticket


def cards(response):
    return {card.key: card for card in response.context["cards"]}


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def query_count(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def test_front_desk_sees_ready_quotes_and_retests_by_number(client, point, desk, tech):
    ready = ticket_in("ready", point, desk, tech)
    quote = ticket_in("awaiting_approval", point, desk, tech)
    retest = ticket_in("quality_check", point, desk, tech)
    visit_register(point=point, actor=desk, purpose="repair", contact_name="李女士")
    response = home(client, desk)
    text = response.content.decode()
    found = cards(response)
    assert [i.label for i in found["ready"].items] == [ready.number]
    assert [i.label for i in found["quotes"].items] == [quote.number]
    assert [i.label for i in found["retests"].items] == [retest.number]
    for ticket in (ready, quote, retest):
        assert reverse("repairs:ticket_detail", args=[ticket.pk]) in text
    assert "?status=ready" in found["ready"].url
    assert found["arrivals"].count == 1 and "李女士" in found["arrivals"].items[0].label
    assert "分钟" in found["arrivals"].items[0].detail, found["arrivals"].items[0].detail


def test_overdue_pickups_are_flagged_and_counted(client, point, desk, tech, staff_of):
    ready = ticket_in("ready", point, desk, tech)
    RepairTicket.objects.filter(pk=ready.pk).update(ready_at=timezone.now() - dt.timedelta(days=8))
    found = cards(home(client, desk))
    assert found["ready"].items[0].urgent
    assert found["ready"].extra[0][1] == 1 and "overdue=1" in found["ready"].extra[0][2]
    supervisor = cards(home(client, staff_of(Role.SUPERVISOR).user))
    assert [i.label for i in supervisor["overdue_pickups"].items] == [ready.number]


def test_technician_queue_puts_waiting_customers_first_and_flags_failed_retests(
    client, point, desk, tech
):
    plain = ticket_in("repairing", point, desk, tech)
    waiting = ticket_in("repairing", point, desk, tech, customer_waits=True)
    failed = ticket_in("retest_failed", point, desk, tech)
    new = ticket_in("registered", point, desk, tech)
    response = home(client, tech)
    found = cards(response)
    labels = [i.label for i in found["my_queue"].items]
    assert labels[0] == waiting.number and set(labels) == {
        plain.number,
        waiting.number,
        failed.number,
    }
    (flagged,) = [i for i in found["my_queue"].items if i.label == failed.number]
    assert "触摸失灵" in flagged.flag and flagged.urgent
    assert [i.label for i in found["to_diagnose"].items] == [new.number]
    assert "触摸失灵" in response.content.decode()


def test_hotline_sees_the_slips_it_took(client, point, staff_of, desk):
    hotline = staff_of(Role.HOTLINE).user
    slip = slip_take(
        point=point,
        actor=hotline,
        caller_name="周先生",
        phone="13812345678",
        message="询问维修进度",
        callback_due_at=timezone.now() + dt.timedelta(hours=2),
        addressee=desk,
        read_back_confirmed=True,
    )
    found = cards(home(client, hotline))
    assert [i.label for i in found["slips"].items] == [slip.caller_name]
    assert found["calls"].count == 0 and found["calls"].empty
    assert [i.label for i in cards(home(client, desk))["slips"].items] == [slip.caller_name]


@pytest.mark.parametrize(
    "role",
    [
        Role.FRONT_DESK,
        Role.TECHNICIAN,
        Role.HOTLINE,
        Role.CALLBACK_CLERK,
        Role.SUPERVISOR,
        Role.SERVICE_MANAGER,
        Role.REGIONAL_CENTER,
    ],
)
def test_every_role_gets_cards_whose_empty_states_say_what_would_appear(client, role, staff_of):
    # Before the 3rd no monthly report is due yet, so nothing is missing either.
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC), tick=False):
        response = home(client, staff_of(role).user)
    text = response.content.decode()
    assert response.context["cards"]
    for card in response.context["cards"]:
        assert card.count == 0 and card.empty in text and escape(card.url) in text


def test_nothing_of_another_point_appears(client, point, other_point, desk, tech, staff_of):
    foreign_desk = make_staff(Role.FRONT_DESK, point=other_point).user
    foreign_tech = make_staff(Role.TECHNICIAN, point=other_point).user
    foreign = ticket_in("ready", other_point, foreign_desk, foreign_tech)
    for role in (Role.FRONT_DESK, Role.SUPERVISOR, Role.REGIONAL_CENTER):
        assert foreign.number not in home(client, staff_of(role).user).content.decode()


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.TECHNICIAN, Role.SUPERVISOR])
def test_the_query_count_does_not_grow_with_the_work(client, point, desk, tech, staff_of, role):
    user = {Role.FRONT_DESK: desk, Role.TECHNICIAN: tech}.get(role) or staff_of(role).user
    for state in ("ready", "awaiting_approval", "quality_check", "retest_failed", "registered"):
        ticket_in(state, point, desk, tech)
    query_count(client, user)  # the session's first request reads what later ones have cached
    once = query_count(client, user)
    for _ in range(3):
        for state in ("ready", "awaiting_approval", "quality_check", "retest_failed", "registered"):
            ticket_in(state, point, desk, tech, customer_waits=True)
    assert query_count(client, user) == once


def test_the_dashboards_counts_link_to_the_filtered_lists(client, point, staff_of):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    text = client.get(reverse("reporting:dashboard")).content.decode()
    for url in (
        reverse("repairs:ticket_list") + "?status=ready&amp;sort=oldest",
        reverse("repairs:ticket_list") + "?status=awaiting_approval",
        reverse("complaints:queue") + "?overdue=true",
        reverse("followups:queue") + "?tab=overdue",
        reverse("intake:slip_queue"),
    ):
        assert f'href="{url}"' in text, url


def test_supervisor_sees_compensation_waiting_for_approval(client, point, staff_of):
    from decimal import Decimal

    from complaints import services as complaint_services
    from tests.factories import CustomerFactory

    hotline = staff_of(Role.HOTLINE).user
    complaint = complaint_services.complaint_open(
        point=point,
        actor=hotline,
        customer=CustomerFactory(point=point, name="王顾客"),
        channel="hotline",
        source="call",
        summary="屏幕修好后又出现闪屏",
        promised_reply_at=timezone.now() + dt.timedelta(hours=4),
    )
    complaint_services.offer_compensation(
        complaint=complaint, actor=hotline, amount=Decimal("50"), description="赠送贴膜"
    )
    supervisor = staff_of(Role.SUPERVISOR).user
    card = cards(home(client, supervisor))["approvals"]
    assert card.count == 1
    assert card.items[0].label == f"#{complaint.pk}"
    assert "¥50" in card.items[0].detail and "赠送贴膜" in card.items[0].detail
    assert card.items[0].url.startswith(complaint.get_absolute_url())
    # The front desk has no approvals card; the menu badge counts the offer for the supervisor.
    assert "approvals" not in cards(home(client, staff_of(Role.FRONT_DESK).user))
    response = home(client, supervisor)
    assert 'data-testid="nav-badge">1<' in response.content.decode()


def test_missing_monthly_reports_on_the_supervisors_and_regional_home(client, point, staff_of):
    from followups.reports import callback_report_generate

    on_the_5th = dt.datetime(2026, 12, 5, 2, tzinfo=dt.UTC)
    with time_machine.travel(on_the_5th, tick=False):
        supervisor_card = cards(home(client, staff_of(Role.SUPERVISOR).user))["missing_reports"]
        regional_card = cards(home(client, staff_of(Role.REGIONAL_CENTER).user))["missing_reports"]
        assert [i.label for i in supervisor_card.items] == ["BJ01"]
        assert [i.label for i in regional_card.items] == ["BJ01"]
        callback_report_generate(point=point, month=dt.date(2026, 11, 1))
        assert cards(home(client, staff_of(Role.SUPERVISOR).user))["missing_reports"].count == 0
