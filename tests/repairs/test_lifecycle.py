"""DOMAIN 2 steps 4–6 through the lifecycle service: quotes, money, QA, notification, handover."""

import base64
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from counter.models import Payment
from followups.models import Callback, CallbackDecision
from parts.models import Part
from repairs.actions import (
    DiagnoseInput,
    PartLineInput,
    TransitionError,
    amount_due,
    parts_total,
    ticket_diagnose,
)
from repairs.models import Quote, QuoteDecision, RepairType, SatisfactionCard, TicketStatus
from repairs.signatures import make_png
from servicedesk.models import Notification, NotificationStatus, Role
from servicedesk.outbox import notifications_send
from tests.factories import in_stock
from tests.opening import open_ticket
from tests.tickets import move

pytestmark = pytest.mark.django_db
PNG = "data:image/png;base64," + base64.b64encode(make_png(200, 60)).decode()


@pytest.fixture
def people(staff_of):
    return {
        "desk": staff_of(Role.FRONT_DESK).user,
        "tech": staff_of(Role.TECHNICIAN).user,
    }


@pytest.fixture
def price_list(point):
    return {
        "screen": RepairType.objects.create(
            point=point, code="SCREEN", name="换屏", labor_fee=Decimal("80.00")
        ),
        "glass": in_stock(
            Part.objects.create(point=point, code="P1", name="屏幕总成", price=Decimal("620.50"))
        ),
        "screw": in_stock(
            Part.objects.create(point=point, code="P2", name="螺丝", price=Decimal("0.35"))
        ),
    }


def diagnosed_out_of_warranty(point, people, price_list, **ticket_kwargs):
    ticket = open_ticket(point, people["desk"], purchase_days_ago=500, **ticket_kwargs)
    move(ticket, people["tech"], "start_diagnosis")
    return move(
        ticket,
        people["tech"],
        "diagnose",
        fault_confirmed="屏幕排线断裂",
        repair_type_id=price_list["screen"].pk,
        parts=[PartLineInput(price_list["glass"].pk, 1), PartLineInput(price_list["screw"].pk, 4)],
    )


def test_out_of_warranty_waits_for_quote_approval_with_totals_from_lines(point, people, price_list):
    ticket = diagnosed_out_of_warranty(point, people, price_list)
    assert ticket.status == TicketStatus.AWAITING_APPROVAL
    assert parts_total(ticket) == Decimal("621.90")  # 620.50 + 4 × 0.35
    assert amount_due(ticket) == Decimal("701.90")  # + labor 80.00
    assert Quote.objects.get(ticket=ticket).decision == QuoteDecision.PENDING


def test_no_repair_out_of_warranty_without_an_approval(point, people, price_list):
    ticket = diagnosed_out_of_warranty(point, people, price_list)
    with pytest.raises(TransitionError):
        move(ticket, people["tech"], "complete_repair", repair_method="换屏")
    with pytest.raises(ValidationError):
        move(ticket, people["desk"], "approve_quote")  # no consent recorded
    approved = move(ticket, people["desk"], "approve_quote", consent_kind="verbal")
    assert approved.status == TicketStatus.REPAIRING
    quote = Quote.objects.get(ticket=ticket)
    assert quote.verbal_called_by == people["desk"] and quote.verbal_called_at is not None


def test_labor_fee_off_the_list_needs_a_reason(point, people, price_list):
    ticket = open_ticket(point, people["desk"], purchase_days_ago=500)
    move(ticket, people["tech"], "start_diagnosis")
    with pytest.raises(ValidationError) as exc:
        move(
            ticket,
            people["tech"],
            "diagnose",
            fault_confirmed="x",
            repair_type_id=price_list["screen"].pk,
            labor_fee=Decimal("120"),
        )
    assert "labor_change_reason" in exc.value.message_dict


def test_water_damage_needs_the_customers_signed_acknowledgement(point, people, price_list):
    ticket = diagnosed_out_of_warranty(point, people, price_list, water_damage=True)
    with pytest.raises(ValidationError) as exc:
        move(ticket, people["desk"], "approve_quote", consent_kind="verbal")
    assert "damage_acknowledged" in exc.value.message_dict
    with pytest.raises(ValidationError):
        move(
            ticket,
            people["desk"],
            "approve_quote",
            consent_kind="signature",
            signature_data_url="data:image/png;base64,bm90IGEgcG5n",
            damage_acknowledged=True,
        )
    done = move(
        ticket,
        people["desk"],
        "approve_quote",
        consent_kind="signature",
        signature_data_url=PNG,
        damage_acknowledged=True,
    )
    assert done.status == TicketStatus.REPAIRING
    assert bytes(Quote.objects.get(ticket=ticket).signature_png).startswith(b"\x89PNG")


def test_refused_quote_returns_the_device_unrepaired(point, people, price_list):
    ticket = diagnosed_out_of_warranty(point, people, price_list)
    move(ticket, people["desk"], "refuse_quote", consent_kind="verbal")
    back = move(
        ticket,
        people["desk"],
        "return_unrepaired",
        tested_with_customer=True,
        signature_data_url=PNG,
    )
    assert back.status == TicketStatus.RETURNED_UNREPAIRED and not Payment.objects.exists()


def test_failed_retest_goes_back_to_repair_with_the_reason(point, people):
    ticket = open_ticket(point, people["desk"])
    move(ticket, people["tech"], "start_diagnosis")
    move(ticket, people["tech"], "diagnose", fault_confirmed="电池老化")
    move(ticket, people["tech"], "complete_repair", repair_method="更换电池")
    with pytest.raises(ValidationError):
        move(ticket, people["desk"], "fail_qa")
    back = move(ticket, people["desk"], "fail_qa", reason="充电到80%自动关机")
    assert back.status == TicketStatus.REPAIRING
    assert back.events.last().note == "充电到80%自动关机"


def test_ready_for_pickup_puts_a_message_in_the_outbox_and_celery_sends_it(point, people):
    ticket = open_ticket(point, people["desk"])
    move(ticket, people["tech"], "start_diagnosis")
    move(ticket, people["tech"], "diagnose", fault_confirmed="电池老化")
    move(ticket, people["tech"], "complete_repair", repair_method="更换电池")
    ready = move(ticket, people["desk"], "pass_qa")
    assert ready.status == TicketStatus.READY and ready.ready_at
    message = Notification.objects.get(ticket=ticket)
    assert ticket.number in message.text and message.to == ticket.contact_phone
    assert notifications_send() == 1
    message.refresh_from_db()
    assert message.status == NotificationStatus.SENT and message.attempts == 1


def test_paid_handover_records_payment_change_and_satisfaction_and_schedules_callbacks(
    point, people, price_list
):
    point.callback_sample_rate = Decimal("1")
    point.save()
    ticket = diagnosed_out_of_warranty(point, people, price_list)
    move(ticket, people["desk"], "approve_quote", consent_kind="verbal")
    move(ticket, people["tech"], "complete_repair", repair_method="更换屏幕总成")
    move(ticket, people["desk"], "pass_qa")
    with pytest.raises(ValidationError) as exc:
        move(
            ticket,
            people["desk"],
            "hand_over",
            tested_with_customer=True,
            explanation_given=True,
            signature_data_url=PNG,
            amount_received=Decimal("700.00"),
            invoice_number="",
        )
    assert {"amount_received", "invoice_number"} <= set(exc.value.message_dict)
    done = move(
        ticket,
        people["desk"],
        "hand_over",
        tested_with_customer=True,
        explanation_given=True,
        signature_data_url=PNG,
        amount_received=Decimal("800.00"),
        invoice_number="No.12345678",
        satisfaction_rating=4,
        satisfaction_comment="师傅很耐心",
    )
    assert done.status == TicketStatus.HANDED_OVER and done.handed_over_at
    payment = Payment.objects.get(ticket=ticket)
    assert (payment.amount_due, payment.change_given) == (Decimal("701.90"), Decimal("98.10"))
    assert SatisfactionCard.objects.get(ticket=ticket).rating == 4
    assert CallbackDecision.objects.get(ticket=ticket).selected
    assert Callback.objects.filter(ticket=ticket).count() == 2


@pytest.mark.reliability(
    "Lost update (two people on one ticket)",
    "a form older than the ticket is submitted: refused, nothing changed",
)
def test_a_stale_form_is_refused_and_changes_nothing(point, people):
    ticket = open_ticket(point, people["desk"])
    stale = ticket.version
    move(ticket, people["tech"], "start_diagnosis")
    with pytest.raises(TransitionError):
        ticket_diagnose(
            ticket=ticket,
            actor=people["tech"],
            version=stale,
            data=DiagnoseInput(fault_confirmed="x"),
        )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DIAGNOSING


def test_handover_needs_the_customers_pickup_signature(point, people):
    ticket = open_ticket(point, people["desk"])
    move(ticket, people["tech"], "start_diagnosis")
    move(ticket, people["tech"], "diagnose", fault_confirmed="电池老化")
    move(ticket, people["tech"], "complete_repair", repair_method="更换电池")
    move(ticket, people["desk"], "pass_qa")
    with pytest.raises(ValidationError) as exc:
        move(ticket, people["desk"], "hand_over", tested_with_customer=True, explanation_given=True)
    assert "signature" in exc.value.message_dict
    done = move(
        ticket,
        people["desk"],
        "hand_over",
        tested_with_customer=True,
        explanation_given=True,
        signature_data_url=PNG,
    )
    assert bytes(done.pickup_signature_png).startswith(b"\x89PNG")


def test_refused_quote_fee_follows_the_points_rule(point, people, price_list):
    point.refused_quote_fee = Decimal("30.00")
    point.save()
    ticket = diagnosed_out_of_warranty(point, people, price_list)
    move(ticket, people["desk"], "refuse_quote", consent_kind="verbal")
    with pytest.raises(ValidationError) as exc:
        move(
            ticket,
            people["desk"],
            "return_unrepaired",
            tested_with_customer=True,
            signature_data_url=PNG,
        )
    assert "amount_received" in exc.value.message_dict
    move(
        ticket,
        people["desk"],
        "return_unrepaired",
        tested_with_customer=True,
        signature_data_url=PNG,
        amount_received=Decimal("50"),
        invoice_number="FP-9",
    )
    payment = Payment.objects.get(ticket=ticket)
    assert (payment.amount_due, payment.change_given) == (Decimal("30.00"), Decimal("20.00"))
