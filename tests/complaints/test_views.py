"""Complaint pages: opening, acting, the supervisor queue with counts, filters, reassignment."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints import services
from complaints.models import Complaint, DifficultType, OfferStatus, Stage
from servicedesk.models import Role
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def promise_input(hours: int) -> str:
    """A local time ``hours`` ahead, as the datetime-local input sends it."""
    return (timezone.localtime() + dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def open_one(point, user, **kw):
    return services.complaint_open(
        point=point,
        actor=user,
        customer=CustomerFactory(point=point),
        channel="hotline",
        source="call",
        summary="投诉内容",
        **({"promised_reply_at": timezone.now() + dt.timedelta(hours=4)} | kw),
    )


def test_hotline_operator_receives_a_complaint_and_owns_it(client, point, staff_of):
    hotline = staff_of(Role.HOTLINE)
    customer = CustomerFactory(point=point)
    client.force_login(hotline.user)
    assert client.get(reverse("complaints:new")).status_code == 200
    response = client.post(
        reverse("complaints:new"),
        {
            "customer": customer.pk,
            "channel": "hotline",
            "source": "call",
            "severity": "normal",
            "summary": "维修后仍然无法充电",
            "promised_reply_at": promise_input(hours=3),
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == complaint.get_absolute_url()
    assert complaint.owner == hotline.user and complaint.stage == Stage.RECEIVED


def test_detail_shows_owner_and_difficult_customer_guidance(client, point, staff_of):
    hotline = staff_of(Role.HOTLINE)
    kind = DifficultType.objects.get(code="furious")
    complaint = open_one(point, hotline.user, difficult_type=kind)
    client.force_login(staff_of(Role.FRONT_DESK).user)
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert kind.guidance in page
    assert "先处理心情" in page


def test_clarify_without_promise_is_refused_beside_the_field_keeping_what_was_typed(
    client, point, staff_of
):
    hotline = staff_of(Role.HOTLINE)
    complaint = open_one(point, hotline.user)
    client.force_login(hotline.user)
    response = client.post(
        reverse("complaints:act", args=[complaint.pk, "stage"]),
        {
            "version": complaint.version,
            "action": "clarify",
            "restatement": "复述的投诉内容",
            "customer_confirmed": "on",
        },
    )
    assert response.status_code == 200
    ((_move, form),) = response.context["steps"]
    assert "promised_reply_at" in form.errors
    page = response.content.decode()
    assert form.errors["promised_reply_at"][0] in page
    assert "复述的投诉内容" in page
    complaint.refresh_from_db()
    assert complaint.stage == Stage.RECEIVED
    promise = (timezone.localtime() + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        reverse("complaints:act", args=[complaint.pk, "stage"]),
        {
            "version": complaint.version,
            "action": "clarify",
            "restatement": "复述",
            "customer_confirmed": "on",
            "promised_reply_at": promise,
        },
    )
    complaint.refresh_from_db()
    assert complaint.stage == Stage.CLARIFIED


def test_offer_above_limit_waits_and_supervisor_approves_from_queue(client, point, staff_of):
    hotline = staff_of(Role.HOTLINE)
    supervisor = staff_of(Role.SUPERVISOR)
    complaint = open_one(point, hotline.user)
    client.force_login(hotline.user)
    client.post(
        reverse("complaints:act", args=[complaint.pk, "offer"]),
        {"version": complaint.version, "amount": "50", "description": "赠送钢化膜"},
    )
    offer = complaint.offers.get()
    assert offer.status == OfferStatus.PENDING
    assert client.post(reverse("complaints:offer_decide", args=[offer.pk]), {}).status_code == 403
    client.force_login(supervisor.user)
    assert "赠送钢化膜" in client.get(reverse("complaints:queue")).content.decode()
    client.post(
        reverse("complaints:offer_decide", args=[offer.pk]),
        {"decision": "approve", "next": "queue"},
    )
    offer.refresh_from_db()
    assert offer.status == OfferStatus.APPROVED


def test_queue_counts_overdue_first_and_constant_queries(
    client, point, staff_of, django_assert_max_num_queries
):
    hotline = staff_of(Role.HOTLINE)
    supervisor = staff_of(Role.SUPERVISOR)
    for _ in range(5):
        open_one(point, hotline.user)
    late = open_one(point, hotline.user)
    Complaint.objects.filter(pk=late.pk).update(overdue_since=timezone.now())
    client.force_login(supervisor.user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("complaints:queue"))
    assert response.context["counts"]["total"] == 6
    assert response.context["counts"]["overdue"] == 1
    assert next(iter(response.context["page"])).pk == late.pk
    for _ in range(20):
        open_one(point, hotline.user)
    with django_assert_max_num_queries(20):
        client.get(reverse("complaints:queue"))
    filtered = client.get(reverse("complaints:queue"), {"overdue": "true"})
    assert [c.pk for c in filtered.context["page"]] == [late.pk]


def test_bulk_reassignment_transfers_each_and_audits(client, point, staff_of):
    hotline = staff_of(Role.HOTLINE)
    colleague = staff_of(Role.FRONT_DESK)
    supervisor = staff_of(Role.SUPERVISOR)
    ones = [open_one(point, hotline.user) for _ in range(3)]
    client.force_login(supervisor.user)
    client.post(
        reverse("complaints:bulk_reassign"),
        {"ids": [c.pk for c in ones[:2]], "owner": colleague.user.pk},
    )
    owners = dict(Complaint.objects.values_list("pk", "owner_id"))
    assert owners[ones[0].pk] == owners[ones[1].pk] == colleague.user.pk
    assert owners[ones[2].pk] == hotline.user.pk
    from servicedesk.models import AuditLog

    assert AuditLog.objects.filter(action="complaint.reassigned").count() == 2


def test_only_who_may_reassign_in_bulk_sees_the_checkboxes_and_the_form(client, point, staff_of):
    from tests.factories import make_staff

    open_one(point, staff_of(Role.HOTLINE).user)
    bulk = reverse("complaints:bulk_reassign")
    client.force_login(staff_of(Role.SUPERVISOR).user)
    page = client.get(reverse("complaints:queue")).content.decode()
    assert bulk in page and 'name="ids"' in page
    client.force_login(make_staff(Role.REGIONAL_CENTER, region=point.region).user)
    response = client.get(reverse("complaints:queue"))
    page = response.content.decode()
    assert response.status_code == 200
    assert bulk not in page and 'name="ids"' not in page


def test_front_desk_cannot_open_the_supervisor_queue(client, staff_of):
    client.force_login(staff_of(Role.FRONT_DESK).user)
    assert client.get(reverse("complaints:queue")).status_code == 403


def test_amount_decimal_is_exact(point, staff_of):
    supervisor = staff_of(Role.SUPERVISOR)
    complaint = open_one(point, supervisor.user)
    offer = services.offer_compensation(
        complaint=complaint, actor=supervisor.user, amount=Decimal("199.99"), description="x"
    )
    assert offer.status == OfferStatus.APPROVED
