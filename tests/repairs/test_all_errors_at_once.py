"""All errors at once (UX: one submit tells everything that is wrong): a form refused for its
own fields also shows what the service would refuse in the same data, each beside its field,
and a refusal that is judged from a field the form refused waits for that field."""

from __future__ import annotations

import pytest
from django.urls import reverse

from counter.models import Payment
from repairs.models import TicketStatus
from servicedesk.models import Role
from tests import tickets

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(staff_of):
    return staff_of(Role.FRONT_DESK).user


@pytest.fixture
def supervisor(staff_of):
    return staff_of(Role.SUPERVISOR).user


def post(client, ticket, body):
    return client.post(reverse("repairs:ticket_action", args=[ticket.pk]), body)


def errors_of(response) -> dict[str, list[str]]:
    assert response.status_code == 200
    return {name: [str(e) for e in texts] for name, texts in response.context["errors"].items()}


def test_a_paid_handover_unexplained_and_short_shows_both_refusals(client, point, desk, supervisor):
    ticket, body = tickets.ticket_ready_for(
        "hand_over_paid", point=point, desk=desk, actor=supervisor
    )
    client.force_login(desk)
    body = body | {"amount_received": "50"}
    del body["explanation_given"]
    errors = errors_of(post(client, ticket, body))
    assert set(errors) == {"explanation_given", "amount_received"}
    assert errors["amount_received"] == ["实收金额不能少于 ¥80.00。"]
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.READY
    assert not Payment.objects.filter(ticket=ticket).exists()


def test_the_amount_rule_waits_for_a_payment_row_the_form_refused(client, point, desk, supervisor):
    ticket, body = tickets.ticket_ready_for(
        "hand_over_paid", point=point, desk=desk, actor=supervisor
    )
    client.force_login(desk)
    body = body | {"amount_received": "50", "method_1": "cash", "amount_1": "3.333"}
    del body["explanation_given"]
    errors = errors_of(post(client, ticket, body))
    # The total is not known while the second row's amount is refused.
    assert set(errors) == {"explanation_given", "amount_1"}


def test_an_unrepaired_return_shows_the_forms_and_the_services_refusals(
    client, point, desk, supervisor
):
    ticket, body = tickets.ticket_ready_for(
        "return_unrepaired", point=point, desk=desk, actor=supervisor
    )
    client.force_login(desk)
    body = body | {"satisfaction_declined": "", "satisfaction_rating": "9", "signature": ""}
    del body["tested_with_customer"]
    errors = errors_of(post(client, ticket, body))
    assert set(errors) == {"tested_with_customer", "satisfaction_rating", "signature"}


def test_a_quote_approval_with_a_bad_deposit_also_asks_how_the_customer_decided(
    client, point, desk, supervisor
):
    ticket, body = tickets.ticket_ready_for(
        "approve_quote", point=point, desk=desk, actor=supervisor
    )
    client.force_login(desk)
    body = body | {"consent_kind": "", "deposit_amount": "12.345", "deposit_method": "cash"}
    errors = errors_of(post(client, ticket, body))
    assert set(errors) == {"consent_kind", "deposit_amount"}
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AWAITING_APPROVAL


def test_a_sanbao_exchange_with_a_bad_imei_also_asks_for_the_model_and_the_signature(
    client, point, desk, supervisor
):
    ticket, body = tickets.ticket_ready_for(
        "exchange_device", point=point, desk=desk, actor=supervisor
    )
    client.force_login(desk)
    body = body | {"replacement_model": "", "replacement_imei": "3" * 40, "signature": ""}
    errors = errors_of(post(client, ticket, body))
    assert set(errors) == {"replacement_imei", "replacement_model", "signature"}
    ticket.refresh_from_db()
    assert ticket.status != TicketStatus.EXCHANGED


def test_a_refused_form_for_an_action_the_role_cannot_take_gets_no_service_checks(
    client, point, desk, supervisor, staff_of
):
    ticket, body = tickets.ticket_ready_for(
        "hand_over_paid", point=point, desk=desk, actor=supervisor
    )
    client.force_login(staff_of(Role.TECHNICIAN).user)
    body = body | {"amount_received": "50"}
    del body["explanation_given"]
    assert set(errors_of(post(client, ticket, body))) == {"explanation_given"}
