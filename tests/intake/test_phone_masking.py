"""Phone numbers are masked wherever they are listed or shown in passing; the full number is
shown only on purpose ("Show"), and each such view is in the audit log; no number in a URL."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import services as complaint_services
from intake.models import Channel, MessageSlip, Purpose, Visit
from servicedesk.models import AuditLog, Role
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

PHONE, DIGITS = "+8613912345678", "13912345678"


def flat(response) -> str:
    return response.content.decode().replace(" ", "").replace("-", "")


@pytest.mark.reliability(
    "Personal data exposure",
    "slip queue, complaint page and callback screen: numbers masked; each full view audited",
)
def test_slip_queue_masks_the_callers_number_and_reveals_it_audited(client, point, staff_of):
    addressee = staff_of(Role.TECHNICIAN).user
    slip = MessageSlip.objects.create(
        point=point,
        caller_name="周先生",
        phone=PHONE,
        message="请回电",
        callback_due_at=timezone.now() + dt.timedelta(hours=1),
        addressee=addressee,
        taken_by=staff_of(Role.HOTLINE).user,
    )
    client.force_login(addressee)
    page = client.get(reverse("intake:slip_queue"))
    assert DIGITS not in flat(page) and "139****5678" in page.content.decode()
    url = reverse("intake:slip_phone", args=[slip.pk])
    assert client.get(url).status_code == 405  # a link reveals nothing, writes nothing
    assert not AuditLog.objects.filter(action="pii.phone_revealed").exists()
    shown = client.post(url)
    assert DIGITS in flat(shown)
    entry = AuditLog.objects.get(action="pii.phone_revealed")
    assert entry.actor == addressee and entry.object_type == "intake.messageslip"


def test_complaint_page_masks_the_number_until_shown(client, point, staff_of):
    owner = staff_of(Role.HOTLINE).user
    complaint = complaint_services.complaint_open(
        point=point,
        actor=owner,
        customer=CustomerFactory(point=point, phone=PHONE),
        channel="hotline",
        source="call",
        summary="屏幕又坏了",
        promised_reply_at=timezone.now() + dt.timedelta(hours=2),
    )
    client.force_login(owner)
    page = client.get(reverse("complaints:detail", args=[complaint.pk]))
    assert page.status_code == 200 and DIGITS not in flat(page)
    assert reverse("intake:customer_phone", args=[complaint.customer_id]) in page.content.decode()


def test_the_reception_board_puts_no_phone_number_in_a_link(client, point, staff_of):
    customer = CustomerFactory(point=point, phone=PHONE)
    visit = Visit.objects.create(
        point=point, channel=Channel.WALK_IN, purpose=Purpose.REPAIR, contact_phone=PHONE
    )
    client.force_login(staff_of(Role.FRONT_DESK).user)
    board = client.get(reverse("intake:board")).content.decode()
    links = re.findall(r'href="([^"]*)"', board)
    assert not [link for link in links if DIGITS[-8:] in link.replace("%20", "")]
    # The search finds the visitor's records from the visit itself.
    found = client.get(reverse("intake:search"), {"visit": visit.pk})
    assert found.context["results"] == [customer]


@pytest.mark.reliability(
    "Personal data in URLs (history, proxy and access logs)",
    "search box, serving a visitor and the hotline's caller lookup: the number is posted, never"
    " put in a link or a redirect",
)
def test_a_typed_or_known_number_never_travels_in_a_url(client, point, staff_of):
    customer = CustomerFactory(point=point, phone=PHONE)
    visit = Visit.objects.create(
        point=point, channel=Channel.WALK_IN, purpose=Purpose.REPAIR, contact_phone=PHONE
    )
    client.force_login(staff_of(Role.FRONT_DESK).user)
    board = client.get(reverse("intake:board")).content.decode()
    assert re.search(r'<form[^>]*method="post"[^>]*action="/desk/search/"', board)
    served = client.post(reverse("intake:visit_serve", args=[visit.pk]))
    assert served.status_code == 302 and DIGITS[-8:] not in served["Location"]
    found = client.post(reverse("intake:search"), {"q": "139 1234 5678"})
    assert found.context["results"] == [customer]
    assert 'method="post"' in found.content.decode()

    client.force_login(staff_of(Role.HOTLINE).user)
    screen = client.get(reverse("intake:call_screen")).content.decode()
    assert 'hx-post="/desk/hotline/caller/"' in screen
    lookup = client.post(reverse("intake:caller_lookup"), {"contact_phone": DIGITS})
    assert customer.name in lookup.content.decode()
