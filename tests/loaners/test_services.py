"""rules#loaners through the services: lending against a signature, taking back, and the
handover that will not let the device go home while the customer holds a loaner without a
reason."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from loaners.models import Loan, Loaner, LoanerStatus
from loaners.services import loan_lend, loan_return, loaner_create, loaner_retire
from repairs.models import TicketEvent, TicketStatus
from servicedesk.models import Role
from servicedesk.statemachine import TransitionRefused
from tests.factories import CustomerFactory, make_staff
from tests.loaners.conftest import LOANER_IMEI, PNG, in_days
from tests.opening import open_ticket
from tests.tickets import bring_to, move

pytestmark = pytest.mark.django_db

HANDOVER = {"tested_with_customer": True, "explanation_given": True, "signature_data_url": PNG}


def lend(loaner, customer, actor, ticket=None, **kwargs):
    return loan_lend(
        loaner=loaner,
        customer=customer,
        ticket=ticket,
        actor=actor,
        expected_back=kwargs.pop("expected_back", in_days(3)),
        signature_data_url=kwargs.pop("signature_data_url", PNG),
        **kwargs,
    )


def test_a_loaner_imei_must_pass_its_check_digit_and_be_unique_per_point(point, desk, loaner):
    with pytest.raises(ValidationError) as exc:
        loaner_create(point=point, actor=desk, model_name="X", imei="490154203237519")
    assert "imei" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        loaner_create(point=point, actor=desk, model_name="X", imei=LOANER_IMEI)
    assert "imei" in exc.value.message_dict


def test_a_lend_needs_the_customers_signature_and_saves_nothing_without_it(point, desk, loaner):
    customer = CustomerFactory(point=point)
    with pytest.raises(ValidationError) as exc:
        lend(loaner, customer, desk, signature_data_url="")
    assert "signature" in exc.value.message_dict
    loaner.refresh_from_db()
    assert loaner.status == LoanerStatus.AVAILABLE
    assert not Loan.objects.exists()


def test_a_lend_with_an_optional_deposit_marks_the_loaner_lent(point, desk, loaner):
    customer = CustomerFactory(point=point)
    loan = lend(loaner, customer, desk, deposit_taken=Decimal("300.00"))
    loaner.refresh_from_db()
    assert loaner.status == LoanerStatus.LENT
    assert loan.deposit_taken == Decimal("300.00")
    assert bytes(loan.signature_png).startswith(b"\x89PNG")
    assert (
        lend(
            Loaner.objects.create(point=point, model_name="B", imei="356938035643809"),
            CustomerFactory(point=point),
            desk,
        ).deposit_taken
        is None
    )


def test_a_lent_loaner_cannot_be_lent_again_until_it_is_back(point, desk, loaner):
    lend(loaner, CustomerFactory(point=point), desk)
    with pytest.raises(TransitionRefused):
        lend(loaner, CustomerFactory(point=point), desk)


def test_a_return_makes_the_loaner_available_and_records_who_and_its_condition(point, desk, loaner):
    loan = lend(loaner, CustomerFactory(point=point), desk)
    loan_return(loan=loan, actor=desk, condition_on_return="屏幕轻微划痕", note="押金已退")
    loaner.refresh_from_db()
    loan.refresh_from_db()
    assert loaner.status == LoanerStatus.AVAILABLE
    assert loaner.condition == "屏幕轻微划痕"
    assert loan.returned_by == desk and loan.return_note == "押金已退"
    with pytest.raises(TransitionRefused):
        loan_return(loan=loan, actor=desk)


def test_technicians_and_the_regional_center_cannot_lend(point, region, tech, loaner):
    regional = make_staff(Role.REGIONAL_CENTER, region=region).user
    for actor in (tech, regional):
        with pytest.raises((PermissionDenied, TransitionRefused)):
            lend(loaner, CustomerFactory(point=point), actor)


def test_another_points_customer_cannot_get_this_points_loaner(point, other_point, desk, loaner):
    with pytest.raises(PermissionDenied):
        lend(loaner, CustomerFactory(point=other_point), desk)


def test_an_expected_day_back_in_the_past_is_refused(point, desk, loaner):
    with pytest.raises(ValidationError) as exc:
        lend(loaner, CustomerFactory(point=point), desk, expected_back=in_days(-1))
    assert "expected_back" in exc.value.message_dict


def test_a_retired_loaner_is_not_lent(point, desk, loaner):
    loaner_retire(loaner=loaner, actor=desk, reason="屏幕损坏")
    with pytest.raises(TransitionRefused):
        lend(loaner, CustomerFactory(point=point), desk)


def test_handover_while_the_customer_holds_a_loaner_is_refused_without_a_reason(
    point, desk, tech, loaner
):
    ticket = bring_to(open_ticket(point, desk), "ready", desk=desk, tech=tech)
    lend(loaner, ticket.customer, desk, ticket=ticket)
    with pytest.raises(ValidationError) as exc:
        move(ticket, desk, "hand_over", **HANDOVER)
    assert "loaner_reason" in exc.value.message_dict
    assert LOANER_IMEI in " ".join(exc.value.message_dict["loaner_reason"])
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.READY


def test_handover_while_the_customer_holds_a_loaner_goes_through_with_a_reason_on_the_timeline(
    point, desk, tech, loaner
):
    ticket = bring_to(open_ticket(point, desk), "ready", desk=desk, tech=tech)
    lend(loaner, ticket.customer, desk, ticket=ticket)
    done = move(ticket, desk, "hand_over", loaner_reason="顾客明天送回备用机", **HANDOVER)
    assert done.status == TicketStatus.HANDED_OVER
    event = TicketEvent.objects.filter(ticket=ticket, action="hand_over").get()
    assert "顾客明天送回备用机" in event.note and LOANER_IMEI in event.note


def test_handover_after_the_loaner_came_back_needs_no_reason(point, desk, tech, loaner):
    ticket = bring_to(open_ticket(point, desk), "ready", desk=desk, tech=tech)
    loan = lend(loaner, ticket.customer, desk, ticket=ticket)
    loan_return(loan=loan, actor=desk)
    assert move(ticket, desk, "hand_over", **HANDOVER).status == TicketStatus.HANDED_OVER


@pytest.mark.services
def test_one_open_loan_per_loaner_when_two_desks_lend_it_at_once(transactional_db, point):
    desks = [make_staff(Role.FRONT_DESK, point=point).user for _ in range(4)]
    customers = [CustomerFactory(point=point) for _ in range(4)]
    loaner = Loaner.objects.create(point=point, model_name="备用机", imei=LOANER_IMEI)
    barrier, refused, errors = threading.Barrier(4), [], []

    def work(index):
        try:
            barrier.wait()
            lend(
                loaner,
                customers[index],
                desks[index],
                expected_back=in_days(3),
            )
        except TransitionRefused as exc:
            refused.append(exc)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert len(refused) == 3
    assert Loan.objects.filter(loaner=loaner, returned_at__isnull=True).count() == 1


def test_one_open_loan_per_customer_and_repair_record(point, desk, tech, loaner):
    ticket = open_ticket(point, desk)
    lend(loaner, ticket.customer, desk, ticket=ticket)
    second = Loaner.objects.create(point=point, model_name="B", imei="356938035643809")
    with pytest.raises(TransitionRefused):
        lend(second, ticket.customer, desk, ticket=ticket)


def test_no_loaner_for_a_repair_already_handed_over(point, desk, tech, loaner):
    ticket = bring_to(open_ticket(point, desk), "ready", desk=desk, tech=tech)
    move(ticket, desk, "hand_over", **HANDOVER)
    with pytest.raises(ValidationError) as exc:
        lend(loaner, ticket.customer, desk, ticket=ticket)
    assert "ticket" in exc.value.message_dict


def test_erasing_the_customer_erases_the_signature_and_keeps_the_loaners_history(
    point, desk, staff_of, loaner
):
    from intake.services.privacy import customer_erase

    customer = CustomerFactory(point=point)
    loan = lend(loaner, customer, desk)
    loan_return(loan=loan, actor=desk, note="押金已退给王先生")
    customer_erase(customer=customer, actor=staff_of(Role.SUPERVISOR).user, reason="顾客申请")
    loan.refresh_from_db()
    assert bytes(loan.signature_png) == b"" and loan.return_note == ""
    assert Loan.objects.filter(loaner=loaner).count() == 1
