"""The pages that matter keep their query count however many rows they show: the ticket page,
the desk search, opening a repair record (the intake POST) and the callback screen, each at 1
and at 20 rows with the same ceiling (the count measured when the ceiling was set)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from followups.models import Callback, CallbackAttempt, CallbackKind
from followups.services import callbacks_dispatch, callbacks_schedule_for_handover
from parts.models import Part, PartLine
from repairs.models import RepairTicket, TicketEvent
from servicedesk.models import Role
from tests.factories import CustomerFactory, in_stock
from tests.followups.conftest import handed_over_ticket
from tests.intake.test_desk_views import intake_form
from tests.opening import VALID_IMEI, open_ticket

pytestmark = pytest.mark.django_db

ROWS = [1, 20]

#: Measured: the ceilings are the counts of today's pages, at 1 row as at 20.
#: The ticket page: 6, one for the money taken for the repair (payments, deposits, refunds)
#: and one for the loaner the customer holds (loaners' section of the page), and one for the
#: complaints about the repair (complaints' section). The device's repairs at other points are
#: not read on the page (a POST reveals them: tests/repairs/test_device_history.py).
TICKET_PAGE = 9
DESK_SEARCH = 4
TICKET_OPEN_POST = 15
CALLBACK_SCREEN = 6


@pytest.fixture
def desk(staff_of):
    return staff_of(Role.FRONT_DESK).user


def _warm(client, user, url):
    """Logged in, with the session already written: a first request's session write is not
    the page's."""
    client.force_login(user)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", ROWS)
def test_the_ticket_page_keeps_its_query_count(
    rows, client, point, desk, staff_of, django_assert_max_num_queries
):
    customer = CustomerFactory(point=point)
    for _ in range(rows):  # earlier repairs of the same device
        open_ticket(point, desk, customer)
    ticket = open_ticket(point, desk, customer)
    part = in_stock(Part.objects.create(point=point, code="P1", name="屏幕", price=Decimal("100")))
    PartLine.objects.bulk_create(
        PartLine(ticket=ticket, part=part, name=part.name, quantity=1, unit_price=part.price)
        for _ in range(rows)
    )
    TicketEvent.objects.bulk_create(
        TicketEvent(ticket=ticket, actor=desk, action="note", at=timezone.now())
        for _ in range(rows)
    )
    url = reverse("repairs:ticket_detail", args=[ticket.pk])
    _warm(client, staff_of(Role.SUPERVISOR).user, url)
    with django_assert_max_num_queries(TICKET_PAGE):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["part_lines"]) == rows


@pytest.mark.parametrize("rows", ROWS)
def test_the_desk_search_keeps_its_query_count(
    rows, client, point, desk, django_assert_max_num_queries
):
    for n in range(rows):
        open_ticket(point, desk, CustomerFactory(point=point, name=f"王小明{n}"))
    _warm(client, desk, reverse("intake:search"))
    with django_assert_max_num_queries(DESK_SEARCH):
        response = client.post(reverse("intake:search"), {"q": "王小明"})
    assert len(response.context["results"]) == rows


@pytest.mark.parametrize("rows", ROWS)
def test_opening_a_repair_record_keeps_its_query_count(
    rows, client, point, desk, django_assert_max_num_queries
):
    customer = CustomerFactory(point=point)
    for _ in range(rows):  # the same device back: the repeat check reads its history
        open_ticket(point, desk, customer, imei=VALID_IMEI)
    url = reverse("repairs:ticket_open", args=[customer.pk])
    _warm(client, desk, url)
    body = intake_form(customer, token=str(uuid.uuid4()))
    with django_assert_max_num_queries(TICKET_OPEN_POST):
        response = client.post(url, body)
    assert response.status_code == 302
    assert RepairTicket.objects.filter(customer=customer).count() == rows + 1


@pytest.mark.parametrize("rows", ROWS)
def test_the_callback_screen_keeps_its_query_count(
    rows, client, point, staff_of, django_assert_max_num_queries
):
    point.callback_sample_rate = Decimal("1")
    point.save()
    handed = timezone.now() - dt.timedelta(days=3)
    callbacks_schedule_for_handover(ticket=handed_over_ticket(point, handed_over_at=handed))
    callbacks_dispatch(now=timezone.now())
    callback = Callback.objects.get(kind=CallbackKind.FIRST)
    clerk = staff_of(Role.CALLBACK_CLERK).user
    CallbackAttempt.objects.bulk_create(
        CallbackAttempt(callback=callback, at=timezone.now(), by=clerk, outcome="unreachable")
        for _ in range(rows)
    )
    url = reverse("followups:callback", args=[callback.pk])
    _warm(client, clerk, url)
    with django_assert_max_num_queries(CALLBACK_SCREEN):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["attempts"]) == rows


#: The point's loaners: the session's user, the loaners, their open loans with who holds them.
LOANER_LIST = 5
#: A loaner's page: the loaner, its history.
LOANER_PAGE = 5


@pytest.mark.parametrize("rows", ROWS)
def test_the_loaner_pages_keep_their_query_count(
    rows, client, point, desk, django_assert_max_num_queries
):
    from loaners.models import Loaner
    from loaners.services import loan_lend, loan_return
    from tests.tickets import PNG

    first = None
    for n in range(rows):
        body = f"35209900{n:06d}"
        from intake.validators import luhn_check_digit

        loaner = Loaner.objects.create(
            point=point, model_name="备用机", imei=body + luhn_check_digit(body)
        )
        first = first or loaner
        loan = loan_lend(
            loaner=first if n else loaner,
            customer=CustomerFactory(point=point),
            actor=desk,
            expected_back=timezone.localdate() + dt.timedelta(days=2),
            signature_data_url=PNG,
        )
        if n < rows - 1:
            loan_return(loan=loan, actor=desk)
    pages = {
        reverse("loaners:list"): LOANER_LIST,
        reverse("loaners:detail", args=[first.pk]): LOANER_PAGE,
    }
    for url, ceiling in pages.items():
        _warm(client, desk, url)
        with django_assert_max_num_queries(ceiling):
            assert client.get(url).status_code == 200


#: The complaint queue: its rows, counts and filters, and the colleagues to transfer to (each
#: shown by name and staff number, so read with their profiles, not one by one).
COMPLAINT_QUEUE = 12


@pytest.mark.parametrize("rows", ROWS)
def test_the_complaint_queue_keeps_its_query_count_however_many_colleagues(
    rows, client, point, staff_of, django_assert_max_num_queries
):
    for _ in range(rows):
        staff_of(Role.HOTLINE)
        staff_of(Role.FRONT_DESK)
    url = reverse("complaints:queue")
    _warm(client, staff_of(Role.SUPERVISOR).user, url)
    with django_assert_max_num_queries(COMPLAINT_QUEUE):
        response = client.get(url)
    assert response.status_code == 200


#: The parts stock: the session's user, the parts with their stock and what waiting tickets miss
#: (one query), their count for the pages, the latest movements.
STOCK_LIST = 5
#: What to order: the session's user, the rows, their count.
REORDER_LIST = 4


@pytest.mark.parametrize("rows", ROWS)
def test_the_parts_pages_keep_their_query_count(
    rows, client, point, desk, django_assert_max_num_queries
):
    from parts.services.stock import stock_receive
    from tests.factories import in_stock

    for n in range(rows):
        part = in_stock(
            Part.objects.create(point=point, code=f"P{n:03d}", name="屏幕", price=Decimal("9")),
            on_hand=1,
            reorder_level=3,
        )
        stock_receive(point=point, actor=desk, part=part, quantity=1)
    pages = {
        reverse("repairs:stock_list"): STOCK_LIST,
        reverse("repairs:reorder_list"): REORDER_LIST,
        reverse("repairs:reorder_csv"): REORDER_LIST,
    }
    for url, ceiling in pages.items():
        _warm(client, desk, url)
        with django_assert_max_num_queries(ceiling):
            assert client.get(url).status_code == 200
