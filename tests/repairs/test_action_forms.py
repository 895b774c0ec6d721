"""The ticket page's action forms: bounded fields, money typed as staff type it, and a refusal
that comes back as field errors with everything that was posted. Plain tests, so they run on
whichever database the suite runs on (SQLite locally, PostgreSQL in CI)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse

from counter.models import Payment
from repairs.models import SatisfactionCard, TicketStatus
from servicedesk import inputs
from servicedesk.models import Role
from tests import tickets, urlwalk

pytestmark = pytest.mark.django_db

#: Once a 500 on PostgreSQL and a stored value that broke the ticket page on SQLite; a number
#: in full-width digits; an exponent.
BAD_AMOUNTS = ["44294534656271632", "١٢٣", "2.09e2"]


@pytest.fixture
def desk(staff_of):
    return staff_of(Role.FRONT_DESK).user


@pytest.fixture
def supervisor(staff_of):
    return staff_of(Role.SUPERVISOR).user


def post(client, ticket, body):
    return client.post(reverse("repairs:ticket_action", args=[ticket.pk]), body)


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
def test_a_paid_handover_with_an_impossible_amount_is_a_field_error_and_saves_nothing(
    amount, client, point, desk, supervisor
):
    ticket, body = tickets.ticket_ready_for(
        "hand_over_paid", point=point, desk=desk, actor=supervisor
    )
    client.force_login(desk)
    before = urlwalk.db_state()
    response = post(client, ticket, body | {"amount_received": amount})
    assert response.status_code == 200
    assert list(response.context["errors"]) == ["amount_received"]
    assert not urlwalk.changed_tables(before, urlwalk.db_state())
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.READY
    assert not Payment.objects.filter(ticket=ticket).exists()


def test_the_same_paid_handover_with_a_plain_amount_goes_through(client, point, desk, supervisor):
    ticket, body = tickets.ticket_ready_for(
        "hand_over_paid", point=point, desk=desk, actor=supervisor
    )
    client.force_login(desk)
    assert post(client, ticket, body | {"amount_received": "500.5"}).status_code == 302
    payment = Payment.objects.get(ticket=ticket)
    assert payment.amount_received == Decimal("500.50")
    assert payment.change_given == payment.amount_received - payment.amount_due


def test_a_refused_handover_shows_everything_that_was_posted(client, point, desk, supervisor):
    ticket, body = tickets.ticket_ready_for(
        "hand_over_paid", point=point, desk=desk, actor=supervisor
    )
    client.force_login(desk)
    body = body | {
        "amount_received": "１２.３４５",
        "invoice_number": "INV-7",
        "satisfaction_declined": "",
        "satisfaction_rating": "4",
        "satisfaction_comment": "很满意",
    }
    page = post(client, ticket, body).content.decode()
    assert 'name="amount_received" inputmode="decimal" value="１２.３４５"' in page
    assert 'value="INV-7"' in page
    assert f'value="{tickets.PNG}"' in page  # the drawn signature, drawn again by the page
    assert 'id="tw-hand_over" checked' in page
    assert 'id="eg" checked' in page
    assert 'value="4" id="sr4" checked' in page
    assert 'value="很满意"' in page
    assert not SatisfactionCard.objects.filter(ticket=ticket).exists()


def test_a_refused_diagnosis_keeps_its_part_lines(client, point, desk, staff_of):
    from parts.models import Part

    part = Part.objects.create(point=point, code="P1", name="屏幕", price=Decimal("100"))
    tech = staff_of(Role.TECHNICIAN).user
    ticket, body = tickets.ticket_ready_for("diagnose", point=point, desk=desk, actor=tech)
    client.force_login(tech)
    body = body | {
        "fault_confirmed": "",
        "part_1": part.pk,
        "quantity_1": "2",
        "labor_fee": "2.09e2",
    }
    response = post(client, ticket, body)
    assert set(response.context["errors"]) == {"fault_confirmed", "labor_fee"}
    page = response.content.decode()
    assert f'<option value="{part.pk}" selected>' in page
    assert 'name="quantity_1" type="number" min="1" max="99" value="2"' in page
    assert 'value="2.09e2"' in page
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.DIAGNOSING


@pytest.mark.parametrize(
    "typed, expected",
    [("120", Decimal("120")), ("120.5", Decimal("120.5")), ("0.01", Decimal("0.01")), ("", None)],
)
def test_money_is_ascii_digits_with_an_optional_point(typed, expected):
    field = inputs.MoneyField(required=False)
    assert field.clean(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [*BAD_AMOUNTS, "-1", "1.234", "NaN", "Infinity", "1,000", "¥12", " ", "1e3", "١٢٣"],
)
def test_money_refuses_what_no_one_types_as_an_amount(typed):
    field = inputs.MoneyField(required=True)
    with pytest.raises(forms.ValidationError):
        field.clean(typed)


def test_the_retest_pass_and_fail_buttons_do_not_look_alike(client, point, desk, staff_of):
    from tests.opening import open_ticket

    tech = staff_of(Role.TECHNICIAN).user
    ticket = tickets.bring_to(open_ticket(point, desk), "quality_check", desk=desk, tech=tech)
    client.force_login(desk)
    page = client.get(reverse("repairs:ticket_detail", args=[ticket.pk])).content.decode()

    def button(action):
        form = page.split(f'data-action="{action}"', 1)[1].split("</form>", 1)[0]
        return form.split('<button type="submit" class="', 1)[1].split('"', 1)[0]

    assert "btn-success" in button("pass_qa")
    assert "btn-outline-danger" in button("fail_qa")
