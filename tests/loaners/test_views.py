"""The loaner pages by role: the counter and its supervisors lend and take back, technicians
read, the regional center reads only; a refused lend keeps what was typed and drawn."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from loaners.models import Loan, LoanerStatus
from loaners.services import loan_lend
from repairs.models import RepairTicket
from servicedesk.models import Role
from tests.factories import CustomerFactory, make_staff
from tests.loaners.conftest import LOANER_IMEI, PNG, in_days
from tests.opening import open_ticket
from tests.tickets import bring_to

pytestmark = pytest.mark.django_db


def lend_body(loaner, customer, **changes):
    return {
        "loaner": loaner.pk,
        "customer": customer.pk,
        "ticket": "",
        "expected_back": in_days(3).isoformat(),
        "deposit_taken": "",
        "signature": PNG,
    } | changes


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.SUPERVISOR, Role.SERVICE_MANAGER])
def test_the_counter_and_supervisors_lend_and_take_back(role, point, staff_of, client, loaner):
    client.force_login(staff_of(role).user)
    customer = CustomerFactory(point=point)
    response = client.post(reverse("loaners:lend"), lend_body(loaner, customer))
    assert response.status_code == 302
    loan = Loan.objects.get(loaner=loaner)
    response = client.post(
        reverse("loaners:return", args=[loan.pk]), {"condition_on_return": "良好", "note": ""}
    )
    assert response.status_code == 302
    loaner.refresh_from_db()
    assert loaner.status == LoanerStatus.AVAILABLE


def test_technicians_read_the_loaners_but_cannot_lend(point, tech, client, loaner):
    client.force_login(tech)
    assert client.get(reverse("loaners:list")).status_code == 200
    assert client.get(reverse("loaners:detail", args=[loaner.pk])).status_code == 200
    customer = CustomerFactory(point=point)
    assert client.post(reverse("loaners:lend"), lend_body(loaner, customer)).status_code == 403
    assert not Loan.objects.exists()


def test_the_regional_center_reads_only(point, region, client, loaner):
    client.force_login(make_staff(Role.REGIONAL_CENTER, region=region).user)
    assert client.get(reverse("loaners:list")).status_code == 200
    assert client.get(reverse("loaners:detail", args=[loaner.pk])).status_code == 200
    customer = CustomerFactory(point=point)
    assert client.post(reverse("loaners:lend"), lend_body(loaner, customer)).status_code == 403
    assert not Loan.objects.exists()


def test_hotline_and_callback_clerks_do_not_see_loaners(staff_of, client):
    for role in (Role.HOTLINE, Role.CALLBACK_CLERK):
        client.force_login(staff_of(role).user)
        assert client.get(reverse("loaners:list")).status_code == 403


def test_the_loaners_history_shows_the_lend_and_the_return(point, desk, client, loaner):
    customer = CustomerFactory(point=point, name="王备用")
    loan = loan_lend(
        loaner=loaner,
        customer=customer,
        actor=desk,
        expected_back=in_days(2),
        signature_data_url=PNG,
    )
    client.force_login(desk)
    client.post(reverse("loaners:return", args=[loan.pk]), {"condition_on_return": "屏幕划痕"})
    page = client.get(reverse("loaners:detail", args=[loaner.pk])).content.decode()
    history = page[page.index('id="loaner-history"') :]
    assert history.count('data-event="lend"') == 1
    assert history.count('data-event="return"') == 1
    assert "王备用" in history and "屏幕划痕" in history


def test_a_refused_lend_keeps_the_customer_the_loaner_and_the_drawn_signature(
    point, desk, client, loaner
):
    client.force_login(desk)
    customer = CustomerFactory(point=point, name="李等待")
    body = lend_body(loaner, customer, expected_back="", deposit_taken="三百")
    response = client.post(reverse("loaners:lend"), body)
    assert response.status_code == 200
    form = response.context["form"]
    assert {"expected_back", "deposit_taken"} <= set(form.errors)
    html = response.content.decode()
    assert PNG in html and "李等待" in html
    assert f'value="{loaner.pk}" selected' in html
    assert not Loan.objects.exists()


def test_an_empty_signature_pad_is_marked_with_the_other_errors(point, desk, client, loaner):
    client.force_login(desk)
    body = lend_body(loaner, CustomerFactory(point=point), expected_back="", signature="")
    form = client.post(reverse("loaners:lend"), body).context["form"]
    assert {"expected_back", "signature"} <= set(form.errors)


def test_a_lend_without_a_loaner_also_refuses_a_day_back_beyond_the_loans_days(
    point, desk, client, loaner
):
    client.force_login(desk)
    body = lend_body(loaner, CustomerFactory(point=point), expected_back=in_days(90).isoformat())
    body["loaner"] = ""
    form = client.post(reverse("loaners:lend"), body).context["form"]
    assert set(form.errors) == {"loaner", "expected_back"}
    assert not Loan.objects.exists()


def test_the_lend_page_finds_the_customer_by_phone(point, desk, client, loaner):
    customer = CustomerFactory(point=point, name="赵电话")
    client.force_login(desk)
    page = client.get(reverse("loaners:lend"), {"q": customer.phone}).content.decode()
    assert f"?customer={customer.pk}" in page


def test_overdue_loans_are_flagged_on_the_list(point, desk, client, loaner, time_machine):
    time_machine.move_to("2026-12-01 10:00:00+08:00", tick=False)
    loan_lend(
        loaner=loaner,
        customer=CustomerFactory(point=point),
        actor=desk,
        expected_back=in_days(1),
        signature_data_url=PNG,
    )
    client.force_login(desk)
    assert "data-overdue" not in client.get(reverse("loaners:list")).content.decode()
    time_machine.shift(3 * 24 * 3600)
    client.force_login(desk)  # the session timed out meanwhile
    assert "data-overdue" in client.get(reverse("loaners:list")).content.decode()


def test_the_ticket_page_warns_of_the_loaner_and_links_its_return(
    point, desk, tech, client, loaner
):
    ticket = bring_to(open_ticket(point, desk), "ready", desk=desk, tech=tech)
    client.force_login(desk)
    page = client.get(reverse("repairs:ticket_detail", args=[ticket.pk])).content.decode()
    assert f"{reverse('loaners:lend')}?ticket={ticket.pk}" in page
    assert 'name="loaner_reason"' not in page
    loan = loan_lend(
        loaner=loaner,
        customer=ticket.customer,
        ticket=ticket,
        actor=desk,
        expected_back=in_days(2),
        signature_data_url=PNG,
    )
    page = client.get(reverse("repairs:ticket_detail", args=[ticket.pk])).content.decode()
    assert "data-loaner-warning" in page and LOANER_IMEI in page
    assert reverse("loaners:return", args=[loan.pk]) in page
    assert 'name="loaner_reason"' in page


def test_a_handover_refused_for_the_loaner_shows_the_reason_field_with_its_error(
    point, desk, tech, client, loaner
):
    from tests.tickets import ticket_ready_for

    supervisor = make_staff(Role.SUPERVISOR, point=point).user
    ticket, body = ticket_ready_for("hand_over", point=point, desk=desk, actor=supervisor)
    ticket.refresh_from_db()
    loan_lend(
        loaner=loaner,
        customer=ticket.customer,
        ticket=ticket,
        actor=desk,
        expected_back=in_days(2),
        signature_data_url=PNG,
    )
    client.force_login(desk)
    response = client.post(reverse("repairs:ticket_action", args=[ticket.pk]), body)
    assert response.status_code == 200
    html = response.content.decode()
    assert "loaner_reason" in response.context["action_forms"][0].form.errors
    assert PNG in html
    body["loaner_reason"] = "顾客明天送回"
    response = client.post(reverse("repairs:ticket_action", args=[ticket.pk]), body)
    assert response.status_code == 302


def test_a_retired_loaner_leaves_the_lend_form_and_a_reason_is_required(
    point, desk, client, loaner
):
    client.force_login(desk)
    url = reverse("loaners:retire", args=[loaner.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["retire_form"].errors
    assert client.post(url, {"reason": "屏幕损坏，报废"}).status_code == 302
    loaner.refresh_from_db()
    assert loaner.status == LoanerStatus.RETIRED
    lend_page = client.get(reverse("loaners:lend"))
    assert loaner not in lend_page.context["form"].fields["loaner"].queryset


def test_the_regional_center_sees_which_point_each_loaner_is_at(region, client, loaner):
    client.force_login(make_staff(Role.REGIONAL_CENTER, region=region).user)
    page = client.get(reverse("loaners:list"))
    assert page.context["several_points"]
    assert loaner.point.code in page.content.decode()


@pytest.mark.parametrize("closed", ["exchanged", "returned", "returned_unrepaired"])
def test_a_closed_repair_record_offers_no_loaner_and_the_lend_is_refused(
    closed, point, desk, client, loaner
):
    ticket = open_ticket(point, desk)
    RepairTicket.objects.filter(pk=ticket.pk).update(status=closed)
    client.force_login(desk)
    page = client.get(reverse("repairs:ticket_detail", args=[ticket.pk])).content.decode()
    assert f"{reverse('loaners:lend')}?ticket={ticket.pk}" not in page
    body = lend_body(loaner, ticket.customer, ticket=ticket.pk)
    response = client.post(reverse("loaners:lend"), body)
    assert response.status_code == 200
    errors = response.context["form"].errors
    shown = errors.get("ticket", []) + errors.get("__all__", [])
    assert any("已结束" in message for message in shown)
    assert not Loan.objects.exists()


def test_the_lend_form_names_each_loaners_condition_and_deposit_and_fills_in_the_promise(
    point, desk, client, loaner
):
    ticket = open_ticket(point, desk)
    promised = timezone.now() + dt.timedelta(days=4)
    RepairTicket.objects.filter(pk=ticket.pk).update(estimated_ready_at=promised)
    client.force_login(desk)
    url = reverse("loaners:lend")
    with translation.override("zh-hans"):
        response = client.get(url, {"ticket": ticket.pk, "loaner": loaner.pk})
    page = response.content.decode()
    form = response.context["form"]
    assert "外观良好" in page and "¥300.00" in page and 'data-deposit="300.00"' in page
    assert "---------" not in page
    assert form["expected_back"].value() == timezone.localtime(promised).date()
    assert form["deposit_taken"].value() == loaner.deposit_amount
