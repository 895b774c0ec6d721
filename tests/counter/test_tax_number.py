"""rules#payment: the taxpayer number of a company invoice is a unified social credit code
(GB 32100-2015, 18 characters with its check character) or a legacy 15/17/20-digit number."""

import pytest
from django.urls import reverse

from counter.models import Payment
from counter.taxnumber import tax_number_problem
from tests.counter.test_counter_money import _ready, handover_body, people  # noqa: F401


@pytest.mark.parametrize(
    "number",
    [
        "91350100M000100Y43",
        "91110108551385082Q",
        "９１３５０１００Ｍ０００１００Ｙ４３",  # full-width from the IME
        "110108551385082",  # legacy, 15 digits
        "11010855138508212",  # 17
        "11010855138508212345",  # 20
        "",
    ],
)
def test_a_credit_code_or_a_legacy_number_is_accepted(number):
    assert tax_number_problem(number) is None


@pytest.mark.parametrize(
    ("number", "says"),
    [
        ("91350100M000100Y44", "校验码"),  # one character mistyped
        ("91350100M000100I43", "I"),  # not a character of the code
        ("1234567", "7"),
        ("1101085513850821", "16"),
    ],
)
def test_a_malformed_tax_number_is_refused_with_what_is_wrong(number, says):
    problem = tax_number_problem(number)
    assert problem and says in problem


@pytest.mark.django_db
def test_the_handover_refuses_a_malformed_tax_number_beside_its_field(client, point, people):  # noqa: F811
    ticket = _ready(point, people)
    client.force_login(people["desk"].user)
    body = handover_body(ticket, method_0="cash", amount_received="205.50") | {
        "invoice_title": "某某科技有限公司",
        "invoice_tax_number": "91350100M000100Y44",
        "invoice_number": "12345678",
    }
    body.pop("invoice_not_requested")
    url = reverse("repairs:ticket_action", args=[ticket.pk])
    response = client.post(url, body)
    assert response.status_code == 200
    page = response.content.decode()
    field = page[page.index('name="invoice_tax_number"') :]
    assert "校验码不符" in field[:600]
    assert 'value="91350100M000100Y44"' in page
    assert not Payment.objects.filter(ticket=ticket).exists()
    assert client.post(url, body | {"invoice_tax_number": "91350100M000100Y43"}).status_code == 302
    assert Payment.objects.get(ticket=ticket).invoice_tax_number == "91350100M000100Y43"
