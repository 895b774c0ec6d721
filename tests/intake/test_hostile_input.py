"""Bad input at the desk (hypothesis): never a 500, nothing partial saved, customer text escaped."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.models import Customer, Device
from repairs.models import RepairTicket
from servicedesk.models import Role
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

hostile = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "' OR 1=1 --",
            '=HYPERLINK("x")',
            "\x00",
            "\u202e反转",
            "𝔘𝔫𝔦",
            "9" * 5000,
            "",
            "   ",
            "-1",
            "2026-02-30",
            "1e309",
        ]
    ),
)
TICKET_FIELDS = [
    "token",
    "model_name",
    "imei",
    "serial_number",
    "purchase_date",
    "proof_of_purchase",
    "fault_description",
    "contact_phone",
    "estimated_ready_at",
    "customer_waits",
]
SAFE = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.reliability(
    "Hostile form input",
    "intake form fuzzed (Hypothesis): no 500, nothing partial saved",
)
@SAFE
@given(data=st.dictionaries(st.sampled_from(TICKET_FIELDS), hostile))
def test_hostile_intake_form_never_500_and_saves_nothing_when_invalid(
    client, point, staff_of, data
):
    client.force_login(staff_of(Role.FRONT_DESK).user)
    customer = CustomerFactory(point=point)
    before = (RepairTicket.objects.count(), Device.objects.count())
    response = client.post(reverse("repairs:ticket_open", args=[customer.pk]), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert (RepairTicket.objects.count(), Device.objects.count()) == before


@pytest.mark.reliability(
    "Hostile form input",
    "customer form fuzzed (Hypothesis): no 500, names escaped on the page",
)
@SAFE
@given(name=hostile, phone=hostile)
def test_hostile_customer_form_never_500_and_text_is_escaped(client, point, staff_of, name, phone):
    client.force_login(staff_of(Role.FRONT_DESK).user)
    response = client.post(reverse("intake:customer_create"), {"name": name, "phone": phone})
    assert response.status_code in (200, 302)
    for customer in Customer.objects.filter(point=point, name__contains="<"):
        page = client.get(reverse("intake:customer_detail", args=[customer.pk])).content.decode()
        assert "<script>alert(1)</script>" not in page and "<img src=x" not in page


@pytest.mark.reliability(
    "Hostile form input",
    "arrival form fuzzed (Hypothesis): no 500",
)
@SAFE
@given(purpose=hostile, contact_name=hostile, contact_phone=hostile, queue_number=hostile)
def test_hostile_arrival_never_500(
    client, point, staff_of, purpose, contact_name, contact_phone, queue_number
):
    client.force_login(staff_of(Role.FRONT_DESK).user)
    response = client.post(
        reverse("intake:board"),
        {
            "purpose": purpose,
            "contact_name": contact_name,
            "contact_phone": contact_phone,
            "queue_number": queue_number,
        },
    )
    assert response.status_code in (200, 302)
    board = client.get(reverse("intake:board")).content.decode()
    assert "<script>alert(1)</script>" not in board
