"""The repair record's pages through the test client with real roles."""

import re

import pytest
from django.urls import reverse

from repairs.models import RepairTicket, TicketStatus
from servicedesk.models import Role
from tests.opening import open_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(point, staff_of):
    return open_ticket(point, staff_of(Role.FRONT_DESK).user)


def post_action(client, ticket, action, **data):
    ticket.refresh_from_db()
    return client.post(
        reverse("repairs:ticket_action", args=[ticket.pk]),
        {"action": action, "version": ticket.version, **data},
    )


def test_technician_walks_the_ticket_from_the_ticket_page(client, ticket, staff_of):
    client.force_login(staff_of(Role.TECHNICIAN).user)
    page = client.get(reverse("repairs:ticket_detail", args=[ticket.pk]))
    assert [t.action for t in page.context["actions"]] == ["start_diagnosis"]
    assert post_action(client, ticket, "start_diagnosis").status_code == 302
    assert post_action(client, ticket, "diagnose", fault_confirmed="尾插氧化").status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REPAIRING


def test_a_missing_field_is_shown_in_the_form_and_nothing_moves(client, ticket, staff_of):
    client.force_login(staff_of(Role.TECHNICIAN).user)
    post_action(client, ticket, "start_diagnosis")
    response = post_action(client, ticket, "diagnose", fault_confirmed="", labor_fee="abc")
    assert response.status_code == 200
    assert "fault_confirmed" in response.context["errors"]
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DIAGNOSING


def test_front_desk_cannot_do_the_technicians_step(client, ticket, staff_of):
    client.force_login(staff_of(Role.FRONT_DESK).user)
    response = post_action(client, ticket, "start_diagnosis")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REGISTERED


def test_workshop_queue_oldest_first_with_constant_queries(
    client, point, staff_of, django_assert_max_num_queries
):
    desk = staff_of(Role.FRONT_DESK).user
    first = open_ticket(point, desk, imei="", serial="AAA111")
    for n in range(15):
        open_ticket(point, desk, imei="", serial=f"BBB{n:03d}")
    client.force_login(staff_of(Role.TECHNICIAN).user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("repairs:technician_queue"))
    assert next(iter(response.context["page"])) == first


def test_pickup_by_scanned_ticket_number(client, ticket, staff_of):
    client.force_login(staff_of(Role.FRONT_DESK).user)
    response = client.get(reverse("repairs:pickup"), {"number": ticket.number.lower()})
    assert response["Location"] == reverse("repairs:ticket_detail", args=[ticket.pk])
    missing = client.get(reverse("repairs:pickup"), {"number": "XX99-000001"})
    assert missing.status_code == 200
    assert RepairTicket.objects.count() == 1


@pytest.mark.parametrize("kind", ["customer-copy", "pickup-slip"])
def test_print_pages_carry_the_number_as_a_qr_code_and_the_data_notice(
    client, ticket, staff_of, kind
):
    client.force_login(staff_of(Role.FRONT_DESK).user)
    response = client.get(reverse("repairs:ticket_print", args=[ticket.pk, kind]))
    text = response.content.decode()
    assert response.status_code == 200
    assert ticket.number in text and "<svg" in text and "数据" in text
    assert ticket.point.address in text and "010 1234 5678" in text  # the hotline grouped


def test_unknown_print_kind_is_404(client, ticket, staff_of):
    client.force_login(staff_of(Role.FRONT_DESK).user)
    assert client.get(reverse("repairs:ticket_print", args=[ticket.pk, "x"])).status_code == 404


@pytest.mark.reliability(
    "Ticket status enumeration",
    "public status page, a wrong phone pair and an unknown number: same answer, no personal data",
)
def test_self_service_status_shows_only_the_state_for_the_right_pair(client, ticket):
    url = reverse("repairs:status_lookup")
    right = client.post(url, {"number": ticket.number, "last_four": ticket.contact_phone[-4:]})
    text = right.content.decode()
    assert right.status_code == 200 and ticket.get_status_display() in text
    assert ticket.customer.name not in text and ticket.fault_description not in text
    wrong = f"{(int(ticket.contact_phone[-4:]) + 1) % 10000:04d}"
    wrong_pair = client.post(url, {"number": ticket.number, "last_four": wrong}).content.decode()
    unknown = client.post(url, {"number": "ZZ99-999999", "last_four": wrong}).content.decode()
    assert "没有找到" in wrong_pair or "No repair" in wrong_pair

    def strip(html):
        return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", html)

    assert strip(wrong_pair) == strip(unknown)


@pytest.mark.reliability(
    "Ticket status enumeration",
    "12 guesses in a row: 429 after 10",
)
def test_self_service_status_is_rate_limited(client, ticket, settings):
    from django.core.cache import cache

    cache.clear()
    url = reverse("repairs:status_lookup")
    codes = [
        client.post(url, {"number": ticket.number, "last_four": "0000"}).status_code
        for _ in range(12)
    ]
    assert codes[:10] == [200] * 10 and codes[10:] == [429, 429]


@pytest.mark.reliability(
    "Status page behind the TLS proxy",
    "TRUSTED_PROXY_COUNT=1: ten wrong lookups from one forwarded address do not block another",
)
def test_status_limit_is_per_forwarded_client_behind_a_proxy(client, ticket, settings):
    from django.core.cache import cache

    cache.clear()
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("repairs:status_lookup")

    def lookup(address, number, last_four="0000"):
        # nginx appends the address it saw; the caller's own header entries come first.
        return client.post(
            url,
            {"number": number, "last_four": last_four},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"198.51.100.77, {address}",
        ).status_code

    codes = [lookup("203.0.113.5", f"ZZ99-{n:06d}") for n in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429
    right = ticket.contact_phone[-4:]
    assert lookup("203.0.113.6", ticket.number, right) == 200


@pytest.mark.reliability(
    "Ticket status enumeration",
    "one ticket guessed from many addresses: limited per ticket number too",
)
def test_status_limit_is_per_ticket_number_across_addresses(client, ticket, settings):
    from django.core.cache import cache

    from repairs.views.ticket import STATUS_RATE_PER_NUMBER

    cache.clear()
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("repairs:status_lookup")
    allowed = int(STATUS_RATE_PER_NUMBER.split("/")[0])
    codes = [
        client.post(
            url,
            {"number": ticket.number, "last_four": f"{n:04d}"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(allowed + 1)
    ]
    assert codes[:allowed] == [200] * allowed and codes[allowed] == 429
