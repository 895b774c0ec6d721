"""rules#sanbao: 三包 return and exchange as flows of their own (choice, replacement or refund,
defective stock, certificate, callbacks, monthly export)."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from followups.models import Callback
from parts.models import DefectiveDevice, DefectiveStatus
from repairs.actions import TransitionError
from repairs.models import RepairTicket, SanbaoChoice, SanbaoDecision, TicketStatus
from reporting import monthly_export
from servicedesk.models import Role
from tests.factories import make_staff
from tests.opening import VALID_IMEI, open_ticket
from tests.tickets import PNG, REPLACEMENT_IMEI, move

pytestmark = pytest.mark.django_db

EXCHANGE = {
    "replacement_model": "X100 Pro",
    "replacement_imei": REPLACEMENT_IMEI,
    "signature_data_url": PNG,
}
RETURN = {"refund_reference": "TK-20261205-01", "signature_data_url": PNG}


@pytest.fixture
def people(staff_of):
    return {
        "desk": staff_of(Role.FRONT_DESK).user,
        "tech": staff_of(Role.TECHNICIAN).user,
    }


def diagnosed(point, people, *, day, now=None, **kwargs):
    """A ticket opened ``day`` days after the purchase, its fault confirmed by the technician."""
    ticket = open_ticket(point, people["desk"], purchase_days_ago=day, now=now, **kwargs)
    move(ticket, people["tech"], "start_diagnosis")
    move(ticket, people["tech"], "diagnose", fault_confirmed="主板供电异常，无法开机")
    ticket.refresh_from_db()
    return ticket


def test_exchange_on_day_20_with_a_confirmed_fault_goes_through(point, people):
    ticket = diagnosed(point, people, day=20)
    done = move(ticket, people["desk"], "exchange_device", **EXCHANGE)
    assert done.status == TicketStatus.EXCHANGED
    assert not done.is_open
    decision = SanbaoDecision.objects.get(ticket=ticket)
    assert decision.choice == SanbaoChoice.EXCHANGE
    assert decision.replacement_imei == REPLACEMENT_IMEI
    assert decision.replacement_model == "X100 Pro"
    assert decision.decided_by == people["desk"]
    assert decision.signature_png
    assert decision.reason == ticket.warranty_reason_text
    stock = DefectiveDevice.objects.get(ticket=ticket)
    assert (stock.point, stock.device, stock.status) == (
        point,
        ticket.device,
        DefectiveStatus.IN_STOCK,
    )
    assert done.handed_over_at is not None


def test_exchange_on_day_40_is_refused_and_changes_nothing(point, people):
    ticket = diagnosed(point, people, day=40)
    with pytest.raises(TransitionError):
        move(ticket, people["desk"], "exchange_device", **EXCHANGE)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REPAIRING
    assert not SanbaoDecision.objects.exists() and not DefectiveDevice.objects.exists()


def test_exchange_on_day_40_goes_through_when_the_repeat_rule_entitles_it(point, people):
    now = timezone.now()
    # Bought 40 days ago, repaired twice in warranty since (handed over 30 and 15 days ago).
    for days in (30, 15):
        earlier = open_ticket(
            point,
            people["desk"],
            purchase_days_ago=40 - days - 2,
            now=now - dt.timedelta(days=days + 2),
        )
        RepairTicket.objects.filter(pk=earlier.pk).update(  # status-write-ok: test history
            status=TicketStatus.HANDED_OVER, handed_over_at=now - dt.timedelta(days=days)
        )
    ticket = diagnosed(point, people, day=40)
    assert ticket.exchange_entitled
    done = move(ticket, people["desk"], "exchange_device", **EXCHANGE)
    assert done.status == TicketStatus.EXCHANGED
    assert SanbaoDecision.objects.get(ticket=ticket).reason == ticket.exchange_reason


def test_a_return_on_day_20_is_refused_outside_the_return_period(point, people):
    ticket = diagnosed(point, people, day=20)
    with pytest.raises(TransitionError):
        move(ticket, people["desk"], "return_device", **RETURN)
    assert RepairTicket.objects.get(pk=ticket.pk).status == TicketStatus.REPAIRING


def test_return_or_exchange_is_refused_without_a_confirmed_fault(point, people):
    ticket = diagnosed(point, people, day=3)
    # A ticket whose fault is not confirmed (as a technician would leave it, never by the form).
    RepairTicket.objects.filter(pk=ticket.pk).update(fault_confirmed="")
    for action, payload in (("exchange_device", EXCHANGE), ("return_device", RETURN)):
        with pytest.raises(TransitionError):
            move(ticket, people["desk"], action, **payload)
    assert RepairTicket.objects.get(pk=ticket.pk).status == TicketStatus.REPAIRING


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.HOTLINE, Role.CALLBACK_CLERK])
def test_return_or_exchange_is_refused_for_roles_that_may_not_decide(role, point, people, staff_of):
    ticket = diagnosed(point, people, day=3)
    actor = staff_of(role).user
    for action, payload in (("exchange_device", EXCHANGE), ("return_device", RETURN)):
        with pytest.raises((TransitionError, PermissionDenied)):
            move(ticket, actor, action, **payload)
    assert RepairTicket.objects.get(pk=ticket.pk).status == TicketStatus.REPAIRING


def test_a_return_records_the_refund_reference(point, people):
    ticket = diagnosed(point, people, day=5)
    done = move(ticket, people["desk"], "return_device", **RETURN)
    assert done.status == TicketStatus.RETURNED
    decision = SanbaoDecision.objects.get(ticket=ticket)
    assert (decision.choice, decision.refund_reference) == (SanbaoChoice.RETURN, "TK-20261205-01")
    assert DefectiveDevice.objects.filter(ticket=ticket, device=ticket.device).exists()


def test_a_return_needs_the_refund_reference_and_the_signature(point, people):
    ticket = diagnosed(point, people, day=5)
    with pytest.raises(ValidationError) as exc:
        move(ticket, people["desk"], "return_device")
    assert {"refund_reference", "signature"} <= set(exc.value.message_dict)


@pytest.mark.parametrize(
    "imei",
    ["356938035643808", "12345", VALID_IMEI, ""],
    ids=["check-digit", "short", "faulty-device", "empty"],
)
def test_an_exchange_needs_a_valid_replacement_imei(imei, point, people):
    ticket = diagnosed(point, people, day=20)
    with pytest.raises(ValidationError) as exc:
        move(ticket, people["desk"], "exchange_device", **EXCHANGE | {"replacement_imei": imei})
    assert list(exc.value.message_dict) == ["replacement_imei"]
    assert not SanbaoDecision.objects.exists()


def test_an_exchange_schedules_the_callbacks_of_a_completed_service(point, people):
    point.callback_sample_rate = 1
    point.save()
    ticket = diagnosed(point, people, day=20)
    move(ticket, people["desk"], "exchange_device", **EXCHANGE)
    assert Callback.objects.filter(ticket=ticket).count() == 2


def test_a_return_hands_nothing_back_and_schedules_no_callback(point, people):
    point.callback_sample_rate = 1
    point.save()
    ticket = diagnosed(point, people, day=5)
    done = move(ticket, people["desk"], "return_device", **RETURN)
    assert done.handed_over_at is None
    assert not Callback.objects.filter(ticket=ticket).exists()


def test_an_exchanged_device_is_not_a_repair_for_the_repeat_rule(point, people):
    ticket = diagnosed(point, people, day=20)
    move(ticket, people["desk"], "exchange_device", **EXCHANGE)
    again = open_ticket(point, people["desk"])
    assert again.repeat_count == 0


def test_the_monthly_export_says_returned_and_exchanged(point, people):
    exchanged = diagnosed(point, people, day=20)
    move(exchanged, people["desk"], "exchange_device", **EXCHANGE)
    returned = diagnosed(point, people, day=5)
    today = timezone.localdate()
    move(returned, people["desk"], "return_device", **RETURN)
    result = [c.key for c in monthly_export.COLUMNS].index("result")
    handle = io.StringIO()
    monthly_export.write_rows(handle, point=point, date_from=today, date_to=today)
    copied = {row[0]: row[result] for row in csv.reader(io.StringIO(handle.getvalue()))}
    assert copied == {exchanged.number: "换货", returned.number: "退货"}
    portable = monthly_export.rows(
        monthly_export.tickets_for(point=point, date_from=today, date_to=today),
        monthly_export.ZoneInfo(point.time_zone),
    )
    assert {row[0]: row[result] for row in portable} == copied


# --- the ticket page and the certificate ---------------------------------------------------

EXCHANGE_POST = {
    "action": "exchange_device",
    "replacement_model": "X100 Pro",
    "replacement_imei": "3569 3803 5643 809",
    "signature": PNG,
}


def test_the_desk_is_offered_only_what_the_period_allows(client, point, people):
    client.force_login(people["desk"])
    day20 = diagnosed(point, people, day=20)
    page = client.get(reverse("repairs:ticket_detail", args=[day20.pk])).content.decode()
    assert 'value="exchange_device"' in page and 'value="return_device"' not in page
    day5 = diagnosed(point, people, day=5)
    page = client.get(reverse("repairs:ticket_detail", args=[day5.pk])).content.decode()
    assert 'value="exchange_device"' in page and 'value="return_device"' in page
    day40 = diagnosed(point, people, day=40)
    page = client.get(reverse("repairs:ticket_detail", args=[day40.pk])).content.decode()
    assert "exchange_device" not in page and "return_device" not in page


DECIDES = {Role.FRONT_DESK, Role.SUPERVISOR, Role.SERVICE_MANAGER, Role.ADMIN}


@pytest.mark.parametrize("role", list(Role))
def test_exchange_from_the_ticket_page_by_role(role, client, point, people, staff_of):
    ticket = diagnosed(point, people, day=20)
    client.force_login(staff_of(role).user)
    response = client.post(
        reverse("repairs:ticket_action", args=[ticket.pk]),
        EXCHANGE_POST | {"version": ticket.version},
    )
    ticket.refresh_from_db()
    if role in DECIDES:
        assert response.status_code == 302
        assert ticket.status == TicketStatus.EXCHANGED
        assert ticket.sanbao.replacement_imei == REPLACEMENT_IMEI
    else:
        assert response.status_code in (302, 403)
        assert ticket.status == TicketStatus.REPAIRING
        assert not SanbaoDecision.objects.exists()


def test_a_refused_exchange_shows_everything_that_was_posted(client, point, people):
    ticket = diagnosed(point, people, day=20)
    client.force_login(people["desk"])
    response = client.post(
        reverse("repairs:ticket_action", args=[ticket.pk]),
        EXCHANGE_POST | {"version": ticket.version, "replacement_imei": "356938035643808"},
    )
    assert response.status_code == 200
    assert list(response.context["errors"]) == ["replacement_imei"]
    page = response.content.decode()
    assert 'value="356938035643808"' in page and PNG in page
    assert RepairTicket.objects.get(pk=ticket.pk).status == TicketStatus.REPAIRING


def test_the_certificate_prints_point_ticket_device_fault_decision_and_signatures(
    client, point, people
):
    ticket = diagnosed(point, people, day=20)
    url = reverse("repairs:ticket_print", args=[ticket.pk, "sanbao-certificate"])
    client.force_login(people["desk"])
    assert client.get(url).status_code == 404, "no certificate before the decision"
    move(ticket, people["desk"], "exchange_device", **EXCHANGE)
    ticket.refresh_from_db()
    page = client.get(url).content.decode()
    for text in (
        "退换货证明",
        point.name,
        point.code,
        ticket.number,
        ticket.device.model_name,
        VALID_IMEI,
        f"{ticket.purchase_date:%Y-%m-%d}",
        "主板供电异常，无法开机",
        ticket.sanbao.get_choice_display(),
        ticket.sanbao.reason,
        REPLACEMENT_IMEI,
    ):
        assert str(text) in page, text
    assert page.count("____") >= 2, "the customer's and the point's signature lines"
    detail = client.get(reverse("repairs:ticket_detail", args=[ticket.pk])).content.decode()
    assert url in detail


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_another_points_certificate_and_ticket_are_a_404_for_every_role(
    role, client, point, other_point, people
):
    ticket = diagnosed(point, people, day=20)
    move(ticket, people["desk"], "exchange_device", **EXCHANGE)
    client.force_login(make_staff(role, point=other_point, region=other_point.region).user)
    for url in (
        reverse("repairs:ticket_print", args=[ticket.pk, "sanbao-certificate"]),
        reverse("repairs:ticket_detail", args=[ticket.pk]),
    ):
        assert client.get(url).status_code == 404, url
    version = RepairTicket.objects.get(pk=ticket.pk).version
    response = client.post(
        reverse("repairs:ticket_action", args=[ticket.pk]),
        EXCHANGE_POST | {"version": version},
    )
    assert response.status_code in (403, 404)
    assert SanbaoDecision.objects.count() == 1


def test_the_customers_data_export_and_erasure_include_the_sanbao_signature(
    point, people, staff_of
):
    from intake.services.privacy import customer_data_export, customer_erase

    ticket = diagnosed(point, people, day=20)
    move(ticket, people["desk"], "exchange_device", **EXCHANGE)
    supervisor = staff_of(Role.SUPERVISOR).user
    exported = customer_data_export(customer=ticket.customer, actor=supervisor)
    (record,) = [t for t in exported["repair_tickets"] if t["number"] == ticket.number]
    assert record["sanbao"]["replacement_imei"] == REPLACEMENT_IMEI
    assert record["sanbao"]["signature"]
    customer_erase(customer=ticket.customer, actor=supervisor, reason="顾客要求删除个人信息")
    assert SanbaoDecision.objects.get(ticket=ticket).signature_png is None


def test_an_exchange_with_a_loaner_still_out_needs_a_reason(point, people):
    from loaners.services import loan_lend, loaner_create

    ticket = diagnosed(point, people, day=20)
    loaner = loaner_create(
        point=point, actor=people["desk"], model_name="备用机 A", imei="868912034567815"
    )
    loan_lend(
        loaner=loaner,
        customer=ticket.customer,
        actor=people["desk"],
        expected_back=timezone.localdate() + dt.timedelta(days=3),
        signature_data_url=PNG,
        ticket=ticket,
    )
    with pytest.raises(ValidationError) as exc:
        move(ticket, people["desk"], "exchange_device", **EXCHANGE | {"replacement_imei": ""})
    assert {"loaner_reason", "replacement_imei"} <= set(exc.value.message_dict)
    done = move(ticket, people["desk"], "exchange_device", **EXCHANGE, loaner_reason="明天归还")
    assert done.status == TicketStatus.EXCHANGED
    assert "明天归还" in done.events.get(action="exchange_device").note


def test_the_replacement_is_the_customers_device_from_the_exchange_day(point, people):
    from intake.models import Device

    ticket = diagnosed(point, people, day=20)
    move(ticket, people["desk"], "exchange_device", **EXCHANGE)
    new = Device.objects.get(point=point, imei=REPLACEMENT_IMEI)
    assert new.customer == ticket.customer
    assert new.purchase_date == timezone.localdate()
    assert SanbaoDecision.objects.get(ticket=ticket).replacement_device == new


def test_an_exchange_refuses_an_imei_of_another_customers_device(point, people):
    other = open_ticket(point, people["desk"], imei=REPLACEMENT_IMEI)
    ticket = diagnosed(point, people, day=20)
    assert other.customer != ticket.customer
    with pytest.raises(ValidationError) as exc:
        move(ticket, people["desk"], "exchange_device", **EXCHANGE)
    assert list(exc.value.message_dict) == ["replacement_imei"]


# --- from which states the choice belongs (rules#sanbao) -----------------------------------


def test_the_choice_is_offered_while_waiting_for_parts_and_ends_the_wait(client, point, people):
    from decimal import Decimal

    from parts.models import Part, PartStock
    from repairs.actions import PartLineInput

    screen = Part.objects.create(point=point, code="SCR-9", name="屏幕", price=Decimal("500"))
    ticket = open_ticket(point, people["desk"], purchase_days_ago=20)
    move(ticket, people["tech"], "start_diagnosis")
    move(
        ticket,
        people["tech"],
        "diagnose",
        fault_confirmed="屏幕无显示",
        parts=[PartLineInput(screen.pk, 1)],
        parts_expected_on=timezone.localdate() + dt.timedelta(days=3),
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_PARTS
    client.force_login(people["desk"])
    page = client.get(reverse("repairs:ticket_detail", args=[ticket.pk])).content.decode()
    assert 'value="exchange_device"' in page
    done = move(ticket, people["desk"], "exchange_device", **EXCHANGE)
    assert done.status == TicketStatus.EXCHANGED
    assert done.waiting_parts_since is None
    assert PartStock.objects.get(part=screen).reserved == 0


def test_the_choice_is_not_offered_while_a_quote_waits_for_the_customer(client, point, people):
    # Entitled by the repeat rule, but out of warranty: the paid quote waits for consent.
    ticket = diagnosed(point, people, day=500)
    RepairTicket.objects.filter(pk=ticket.pk).update(exchange_entitled=True)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AWAITING_APPROVAL
    client.force_login(people["desk"])
    page = client.get(reverse("repairs:ticket_detail", args=[ticket.pk])).content.decode()
    assert "exchange_device" not in page and "return_device" not in page
    with pytest.raises(TransitionError):
        move(ticket, people["desk"], "exchange_device", **EXCHANGE)


@pytest.mark.parametrize(
    "status",
    [
        TicketStatus.REGISTERED,
        TicketStatus.DIAGNOSING,
        TicketStatus.AWAITING_APPROVAL,
        TicketStatus.QUALITY_CHECK,
        TicketStatus.READY,
    ],
)
def test_the_choice_belongs_between_the_confirmed_fault_and_the_repair_done(status):
    from repairs import transitions

    for action in transitions.SANBAO_ACTIONS:
        assert transitions.find(status, action) is None
    for source in (TicketStatus.REPAIRING, TicketStatus.WAITING_PARTS):
        assert all(transitions.find(source, a) for a in transitions.SANBAO_ACTIONS)
