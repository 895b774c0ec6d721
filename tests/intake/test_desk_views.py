"""The front desk through the test client, logged in as real roles."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intake.models import Visit
from repairs.models import RepairTicket
from servicedesk.models import AuditLog, Role
from tests.factories import CustomerFactory
from tests.opening import VALID_IMEI, open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_client(client, staff_of):
    client.force_login(staff_of(Role.FRONT_DESK).user)
    return client


def test_register_an_arrival_in_seconds_with_only_the_purpose(desk_client):
    response = desk_client.post(reverse("intake:board"), {"purpose": "inquiry"})
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.is_quick and visit.channel == "walk_in"
    board = desk_client.get(reverse("intake:board"))
    assert list(board.context["waiting"]) == [visit]


def test_reception_board_stays_one_page_however_many_visits_were_never_closed(
    desk_client, point, django_assert_max_num_queries
):
    from django.utils import timezone

    from intake.selectors import BOARD_ROWS

    Visit.objects.bulk_create(
        Visit(point=point, channel="walk_in", purpose="inquiry", arrived_at=timezone.now())
        for _ in range(BOARD_ROWS + 10)
    )
    desk_client.get(reverse("intake:board"))  # the session's first write is not the board's
    # Waiting (with its count), being served, served today; the served visits' records are one
    # more query only when there are served visits.
    with django_assert_max_num_queries(4):
        board = desk_client.get(reverse("intake:board"))
    assert len(board.context["waiting"]) == BOARD_ROWS
    assert board.context["waiting_count"] == BOARD_ROWS + 10


def intake_form(customer, **changes):
    data = {
        "token": "5b0e6a8e-7f51-4c3e-9a7e-2f1f4a6f8b10",
        "model_name": "X100 Pro",
        "imei": VALID_IMEI,
        "serial_number": "",
        "purchase_date": "2026-10-01",
        "purchase_place": "京东",
        "proof_of_purchase": "invoice",
        "fault_description": "充电很慢",
        "accessories": "充电器",
        "condition": "背壳有划痕",
        "customer_waits": "0",
        "contact_phone": "13812345678",
        "estimated_ready_at": "",
        "backup_warning_given": "on",
    }
    data.update(changes)
    return data


def test_opening_a_repair_record_shows_number_and_warranty_decision(desk_client, point):
    customer = CustomerFactory(point=point)
    response = desk_client.post(
        reverse("repairs:ticket_open", args=[customer.pk]), intake_form(customer), follow=True
    )
    ticket = RepairTicket.objects.get()
    text = response.content.decode()
    assert ticket.number in text and ticket.get_warranty_status_display() in text


def test_double_submit_of_the_intake_form_opens_one_ticket(desk_client, point):
    customer = CustomerFactory(point=point)
    url = reverse("repairs:ticket_open", args=[customer.pk])
    first = desk_client.post(url, intake_form(customer))
    second = desk_client.post(url, intake_form(customer))
    assert RepairTicket.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.parametrize(
    ("changes", "field", "chinese"),
    [
        ({"imei": "490154203237519"}, "imei", "校验"),
        ({"purchase_date": "2099-01-01"}, "purchase_date", "未来"),
        ({"contact_phone": "12345"}, "contact_phone", "电话号码"),
        ({"fault_description": ""}, "fault_description", "必填"),
        ({"model_name": "x" * 500}, "model_name", "64"),
        ({"backup_warning_given": ""}, "backup_warning_given", "备份"),
    ],
)
def test_bad_intake_input_shows_a_chinese_field_error_and_saves_nothing(
    desk_client, point, changes, field, chinese
):
    customer = CustomerFactory(point=point)
    response = desk_client.post(
        reverse("repairs:ticket_open", args=[customer.pk]), intake_form(customer, **changes)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(chinese in str(e) for e in errors), errors
    assert not RepairTicket.objects.exists()


def test_search_by_phone_imei_ticket_number_and_name(desk_client, point, staff_of):
    customer = CustomerFactory(point=point, name="王小明", phone="+8613912345678")
    ticket = open_ticket(point, staff_of(Role.FRONT_DESK).user, customer)
    CustomerFactory(point=point, name="无关顾客")
    for query in ("139 1234 5678", "王小", "5678"):
        response = desk_client.get(reverse("intake:search"), {"q": query})
        assert response.context["results"] == [customer], query
    assert "139****5678" in response.content.decode()
    # A ticket number (as typed or scanned) or an IMEI with one repair record opens the ticket.
    ticket_url = reverse("repairs:ticket_detail", args=[ticket.pk])
    for query in (VALID_IMEI, ticket.number, ticket.number.lower().replace("-", "")):
        response = desk_client.get(reverse("intake:search"), {"q": query})
        assert response.status_code == 302 and response["Location"] == ticket_url, query


def test_the_last_four_digits_find_the_matching_customers(desk_client, point, other_point):
    wang = CustomerFactory(point=point, name="王小明", phone="+8613912345678")
    li = CustomerFactory(point=point, name="李四", phone="+8613800005678")
    CustomerFactory(point=point, name="赵六", phone="+8613800001234")
    CustomerFactory(point=other_point, name="王小明", phone="+8613912345678")
    response = desk_client.post(reverse("intake:search"), {"q": "5678"})
    assert response.context["results"] == [li, wang]


def test_an_imei_with_several_repairs_lists_its_tickets(desk_client, point, staff_of):
    desk_user = staff_of(Role.FRONT_DESK).user
    customer = CustomerFactory(point=point)
    first = open_ticket(point, desk_user, customer)
    RepairTicket.objects.filter(pk=first.pk).update(status="handed_over")
    second = open_ticket(point, desk_user, customer)
    response = desk_client.get(reverse("intake:search"), {"q": VALID_IMEI})
    assert response.status_code == 200
    assert [f.label for f in response.context["found"]] == [second.number, first.number]
    assert reverse("repairs:ticket_detail", args=[first.pk]) in response.content.decode()


def test_search_query_count_does_not_grow_with_tickets(desk_client, point, staff_of):
    desk_user = staff_of(Role.FRONT_DESK).user
    desk_client.get(reverse("intake:search"), {"q": "顾客"})  # warm up the session
    counts = []
    for extra in (1, 30):
        for _ in range(extra):
            open_ticket(point, desk_user, imei="", serial=f"S{RepairTicket.objects.count():06d}")
        with CaptureQueriesContext(connection) as queries:
            desk_client.get(reverse("intake:search"), {"q": "顾客"})
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.reliability(
    "Personal data exposure",
    "the customer page masks the phone; showing it in full is an audited action",
)
def test_showing_a_full_phone_number_is_audited(desk_client, point):
    customer = CustomerFactory(point=point, phone="+8613912345678")
    page = desk_client.get(reverse("intake:customer_detail", args=[customer.pk]))
    assert "13912345678" not in page.content.decode().replace(" ", "")
    url = reverse("intake:customer_phone", args=[customer.pk])
    assert desk_client.get(url).status_code == 405  # a link on another site reveals nothing
    assert not AuditLog.objects.filter(action="pii.phone_revealed").exists()
    shown = desk_client.post(url)
    assert "139 1234 5678" in shown.content.decode()
    revealed = AuditLog.objects.filter(action="pii.phone_revealed", object_id=str(customer.pk))
    assert revealed.count() == 1


def test_policy_and_price_list_page(desk_client):
    assert desk_client.get(reverse("repairs:policy")).status_code == 200


def test_intake_screen_warns_of_a_repeat_repair_with_links_before_saving(
    desk_client, point, staff_of
):
    """DOMAIN 2: the repeat is flagged at intake, with links to the earlier tickets."""
    customer = CustomerFactory(point=point)
    earlier = open_ticket(point, staff_of(Role.FRONT_DESK).user, customer)
    RepairTicket.objects.filter(pk=earlier.pk).update(
        status="handed_over", handed_over_at=earlier.created_at
    )
    screen = desk_client.get(reverse("repairs:ticket_open", args=[customer.pk]))
    preview_url = reverse("repairs:ticket_preview", args=[customer.pk])
    assert preview_url in screen.content.decode()
    response = desk_client.post(
        preview_url,
        {"imei": VALID_IMEI, "purchase_date": "2026-01-05", "proof_of_purchase": "none"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("repairs:ticket_detail", args=[earlier.pk]) in page
    assert 'data-repeat="1"' in page
    assert 'data-warranty="out_of_warranty"' in page
    assert RepairTicket.objects.count() == 1


def test_intake_preview_with_nothing_typed_yet_asks_for_the_proof(desk_client, point):
    customer = CustomerFactory(point=point)
    response = desk_client.post(reverse("repairs:ticket_preview", args=[customer.pk]))
    assert response.status_code == 200
    assert "data-repeat" not in response.content.decode()
    assert "data-warranty" not in response.content.decode()


def test_a_technician_cannot_use_the_intake_preview(client, point, staff_of):
    customer = CustomerFactory(point=point)
    client.force_login(staff_of(Role.TECHNICIAN).user)
    response = client.post(reverse("repairs:ticket_preview", args=[customer.pk]))
    assert response.status_code == 403
