"""rules#loaners: overdue loaners are the supervisor's to chase, on the supervisor's home."""

import pytest
from django.urls import reverse

from loaners.services import loan_lend
from servicedesk.models import Role
from tests.factories import CustomerFactory
from tests.loaners.conftest import PNG, in_days
from tests.opening import open_ticket
from tests.tickets import bring_to, move

pytestmark = pytest.mark.django_db


def home_cards(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return {card.key: card for card in response.context["cards"]}


def test_a_loaner_past_its_day_is_on_the_supervisors_home(
    point, desk, staff_of, client, loaner, time_machine
):
    time_machine.move_to("2026-12-01 10:00:00+08:00", tick=False)
    customer = CustomerFactory(point=point, name="钱逾期")
    loan_lend(
        loaner=loaner,
        customer=customer,
        actor=desk,
        expected_back=in_days(1),
        signature_data_url=PNG,
    )
    supervisor = staff_of(Role.SUPERVISOR).user
    assert home_cards(client, supervisor)["overdue_loaners"].count == 0
    time_machine.shift(2 * 24 * 3600)
    card = home_cards(client, supervisor)["overdue_loaners"]
    assert card.count == 1
    assert card.items[0].url == reverse("loaners:detail", args=[loaner.pk])
    assert "钱逾期" in card.items[0].detail


def test_a_loaner_still_out_after_the_handover_is_overdue_at_once(
    point, desk, tech, staff_of, client, loaner
):
    ticket = bring_to(open_ticket(point, desk), "ready", desk=desk, tech=tech)
    loan_lend(
        loaner=loaner,
        customer=ticket.customer,
        ticket=ticket,
        actor=desk,
        expected_back=in_days(5),
        signature_data_url=PNG,
    )
    move(
        ticket,
        desk,
        "hand_over",
        tested_with_customer=True,
        explanation_given=True,
        signature_data_url=PNG,
        loaner_reason="顾客下午送回",
    )
    card = home_cards(client, staff_of(Role.SUPERVISOR).user)["overdue_loaners"]
    assert card.count == 1
