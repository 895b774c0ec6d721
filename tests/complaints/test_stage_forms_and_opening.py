"""The complaint page's steps (each stage's own form, the stage bar, local times) and opening a
complaint (the customer found by search, the repair record linked, the promised reply required)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from complaints import services, transitions
from complaints.commands import STAGE_COMMANDS
from complaints.models import Complaint, Stage
from followups.services import callback_schedule_for_complaint
from intake.models import Visit
from servicedesk.models import Role
from tests.factories import CustomerFactory, make_staff
from tests.opening import open_ticket

pytestmark = pytest.mark.django_db

# 18:13 UTC is 02:13 the next day in Shanghai.
CALL_AT = dt.datetime(2026, 3, 1, 18, 13, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai


#: Measured ceilings, the same at 1 and at 20 rows (tests/test_page_queries.py style).
COMPLAINT_PAGE = 7
CUSTOMER_SEARCH = 5
COMPLAINT_FORM = 6


def local_input(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def hotline(staff_of):
    return staff_of(Role.HOTLINE).user


def open_one(point, user, **kw):
    kw.setdefault("customer", CustomerFactory(point=point))
    kw.setdefault("promised_reply_at", timezone.now() + dt.timedelta(hours=4))
    return services.complaint_open(
        point=point, actor=user, channel="hotline", source="call", summary="屏幕闪烁", **kw
    )


def step(client, complaint, action, **data):
    complaint.refresh_from_db()
    return client.post(
        reverse("complaints:act", args=[complaint.pk, "stage"]),
        {"version": complaint.version, "action": action, **data},
    )


# --- the promised reply (rules#complaints) -----------------------------------------------------


def test_opening_an_unresolved_complaint_without_a_promised_reply_is_refused_on_that_field(
    point, hotline
):
    with pytest.raises(ValidationError) as exc:
        services.complaint_open(
            point=point,
            actor=hotline,
            customer=CustomerFactory(point=point),
            channel="hotline",
            source="call",
            summary="维修后仍然无法充电",
        )
    assert list(exc.value.message_dict) == ["promised_reply_at"]
    assert not Complaint.objects.exists()


def test_the_complaint_form_without_a_promised_reply_shows_the_error_beside_it_and_keeps_the_rest(
    client, point, hotline
):
    customer = CustomerFactory(point=point, name="王小明")
    client.force_login(hotline)
    response = client.post(
        reverse("complaints:new"),
        {
            "customer": customer.pk,
            "channel": "hotline",
            "source": "call",
            "severity": "high",
            "summary": "维修后仍然无法充电",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["promised_reply_at"]
    page = response.content.decode()
    assert "维修后仍然无法充电" in page
    assert f'value="{customer.pk}" id="pick-customer-{customer.pk}" checked' in page
    assert not Complaint.objects.exists()


# --- the customer found by search, the repair record linked -----------------------------------


def test_customer_search_finds_by_the_last_four_digits_and_never_another_points_customer(
    client, point, other_point, hotline
):
    mine = CustomerFactory(point=point, name="王小明", phone="+8613812345678")
    CustomerFactory(point=other_point, name="王小明", phone="+8613912345678")
    CustomerFactory(point=point, name="李四", phone="+8613800000000")
    client.force_login(hotline)
    response = client.post(reverse("complaints:customer_search"), {"q": "5678"})
    assert response.status_code == 200
    assert [c.pk for c, _ in response.context["picks"]] == [mine.pk]
    response = client.post(reverse("complaints:customer_search"), {"q": "王小"})
    assert [c.pk for c, _ in response.context["picks"]] == [mine.pk]
    page = response.content.decode()
    assert "13812345678" not in page  # the phone is shown masked


def test_customer_search_offers_the_customers_latest_repair_records(client, point, staff_of):
    desk = staff_of(Role.FRONT_DESK).user
    customer = CustomerFactory(point=point, phone="+8613812340001")
    tickets = [open_ticket(point, desk, customer) for _ in range(7)]
    client.force_login(desk)
    response = client.post(reverse("complaints:customer_search"), {"q": "0001"})
    ((found, offered),) = response.context["picks"]
    assert found == customer
    assert [t.pk for t in offered] == [t.pk for t in reversed(tickets)][:5]
    assert tickets[-1].number in response.content.decode()


def test_a_complaint_opened_from_a_repair_record_links_it_and_its_customer(client, point, staff_of):
    desk = staff_of(Role.FRONT_DESK).user
    customer = CustomerFactory(point=point)
    ticket = open_ticket(point, desk, customer)
    client.force_login(desk)
    page = client.get(reverse("complaints:new") + f"?ticket={ticket.pk}").content.decode()
    assert f'value="{customer.pk}" id="pick-customer-{customer.pk}" checked' in page
    assert f'value="{ticket.pk}" id="pick-ticket-{ticket.pk}" checked' in page
    response = client.post(
        reverse("complaints:new"),
        {
            "customer": customer.pk,
            "ticket": ticket.pk,
            "channel": "walk_in",
            "source": "visit",
            "severity": "normal",
            "summary": "修好后又坏了",
            "promised_reply_at": local_input(timezone.now() + dt.timedelta(hours=3)),
        },
    )
    complaint = Complaint.objects.get()
    assert response.url == complaint.get_absolute_url()
    assert complaint.ticket == ticket and complaint.customer == customer


def test_a_complaint_opened_from_a_callback_comes_with_its_customer_and_links_it(
    client, point, staff_of
):
    clerk = staff_of(Role.CALLBACK_CLERK).user
    customer = CustomerFactory(point=point)
    callback = callback_schedule_for_complaint(
        point=point, customer=customer, resolved_at=timezone.now() - dt.timedelta(days=1)
    )
    client.force_login(clerk)
    url = reverse("complaints:new") + f"?callback={callback.pk}"
    page = client.get(url).content.decode()
    assert f'value="{customer.pk}" id="pick-customer-{customer.pk}" checked' in page
    assert f'name="callback" value="{callback.pk}"' in page
    response = client.post(
        reverse("complaints:new"),
        {
            "callback": callback.pk,
            "customer": customer.pk,
            "channel": "callback",
            "source": "callback",
            "severity": "normal",
            "summary": "回访时仍不满意",
            "promised_reply_at": local_input(timezone.now() + dt.timedelta(hours=3)),
        },
    )
    complaint = Complaint.objects.get()
    assert response.url == complaint.get_absolute_url()
    assert (complaint.callback, complaint.customer) == (callback, customer)
    assert client.get(url).url == complaint.get_absolute_url()  # one complaint per callback


def test_another_customers_repair_record_is_refused_beside_the_pick(client, point, staff_of):
    desk = staff_of(Role.FRONT_DESK).user
    customer = CustomerFactory(point=point)
    someone_elses = open_ticket(point, desk, CustomerFactory(point=point))
    client.force_login(desk)
    response = client.post(
        reverse("complaints:new"),
        {
            "customer": customer.pk,
            "ticket": someone_elses.pk,
            "channel": "walk_in",
            "source": "visit",
            "severity": "normal",
            "summary": "修好后又坏了",
            "promised_reply_at": local_input(timezone.now() + dt.timedelta(hours=3)),
        },
    )
    assert response.status_code == 200
    assert "ticket" in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_another_points_repair_record_cannot_start_a_complaint(
    client, point, other_point, staff_of
):
    foreign_desk = make_staff(Role.FRONT_DESK, point=other_point).user
    ticket = open_ticket(other_point, foreign_desk, CustomerFactory(point=other_point))
    client.force_login(staff_of(Role.FRONT_DESK).user)
    assert client.get(reverse("complaints:new") + f"?ticket={ticket.pk}").status_code == 404


def test_the_complaint_form_lists_no_customers_until_searched(client, point, hotline):
    for n in range(3):
        CustomerFactory(point=point, name=f"客户{n}")
    client.force_login(hotline)
    response = client.get(reverse("complaints:new"))
    assert response.context["picks"] == []
    assert "客户1" not in response.content.decode()


# --- each stage's own form --------------------------------------------------------------------


def test_each_stage_offers_only_its_own_fields(client, point, hotline):
    complaint = open_one(point, hotline)
    client.force_login(hotline)
    fields = {
        move.action: set(form.fields)
        for move, form in client.get(complaint.get_absolute_url()).context["steps"]
    }
    assert fields == {
        "clarify": {"version", "note", "restatement", "customer_confirmed", "promised_reply_at"}
    }
    services.complaint_clarify(
        complaint=complaint,
        actor=hotline,
        data=services.ClarifyInput(
            restatement="复述",
            customer_confirmed=True,
            promised_reply_at=timezone.now() + dt.timedelta(hours=4),
        ),
    )
    services.complaint_propose(
        complaint=complaint,
        actor=hotline,
        data=services.ProposeInput(
            options=("免费更换屏幕", "退款"),
            promised_reply_at=timezone.now() + dt.timedelta(hours=4),
        ),
    )
    fields = {
        move.action: set(form.fields)
        for move, form in client.get(complaint.get_absolute_url()).context["steps"]
    }
    assert fields == {
        "propose": {"version", "note", "options", "promised_reply_at"},
        "resolve": {"version", "note", "chosen_option", "resolution"},
    }


def test_every_step_of_the_transition_table_has_its_command():
    """The machine's rows are the table of commands, each with its command, one per action."""
    from complaints.commands import TRANSITIONS, StageCommand

    assert transitions.MACHINE.transitions == tuple(TRANSITIONS)
    assert all(isinstance(move.command, StageCommand) for move in TRANSITIONS)
    assert {move.action for move in transitions.MACHINE.transitions} == set(STAGE_COMMANDS)
    assert all(move.command == STAGE_COMMANDS[move.action] for move in TRANSITIONS)


def test_a_colleague_who_may_not_move_the_complaint_is_offered_no_step(
    client, point, hotline, staff_of
):
    complaint = open_one(point, hotline)
    client.force_login(staff_of(Role.FRONT_DESK).user)
    assert client.get(complaint.get_absolute_url()).context["steps"] == []
    client.force_login(staff_of(Role.SUPERVISOR).user)
    assert [m.action for m, _ in client.get(complaint.get_absolute_url()).context["steps"]] == [
        "clarify"
    ]


def test_a_proposal_posted_with_the_clarification_is_refused_not_dropped(client, point, hotline):
    complaint = open_one(point, hotline)
    client.force_login(hotline)
    response = step(
        client,
        complaint,
        "clarify",
        restatement="您是说屏幕闪烁",
        customer_confirmed="on",
        promised_reply_at=local_input(timezone.now() + dt.timedelta(hours=4)),
        options="免费更换屏幕",
        chosen_option="免费更换屏幕",
    )
    assert response.status_code == 200
    ((_, form),) = response.context["steps"]
    assert len(form.non_field_errors()) == 2
    page = response.content.decode()
    assert "免费更换屏幕" in page and "您是说屏幕闪烁" in page
    complaint.refresh_from_db()
    assert complaint.stage == Stage.RECEIVED and complaint.options == []


def test_resolving_records_the_chosen_option_and_the_outcome(client, point, hotline):
    complaint = open_one(point, hotline)
    client.force_login(hotline)
    promise = local_input(timezone.now() + dt.timedelta(hours=4))
    step(client, complaint, "clarify", restatement="复述", customer_confirmed="on",
         promised_reply_at=promise)  # fmt: skip
    step(client, complaint, "propose", options="免费更换屏幕\n退款", promised_reply_at=promise)
    response = step(client, complaint, "resolve", resolution="已更换屏幕")
    assert response.status_code == 200
    assert "chosen_option" in response.context["steps"][1][1].errors
    assert "已更换屏幕" in response.content.decode()
    response = step(client, complaint, "resolve", chosen_option="退款", resolution="已退款")
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.stage == Stage.RESOLVED
    assert (complaint.chosen_option, complaint.resolution) == ("退款", "已退款")


def test_a_stage_change_leaving_it_unresolved_without_a_promise_is_refused_on_that_field(
    client, point, hotline
):
    complaint = open_one(point, hotline)
    client.force_login(hotline)
    promise = local_input(timezone.now() + dt.timedelta(hours=4))
    step(client, complaint, "clarify", restatement="复述", customer_confirmed="on",
         promised_reply_at=promise)  # fmt: skip
    response = step(client, complaint, "propose", options="免费更换屏幕")
    ((_, form),) = response.context["steps"]
    assert list(form.errors) == ["promised_reply_at"]
    assert "免费更换屏幕" in response.content.decode()


# --- the stage bar and local times ------------------------------------------------------------


def test_the_stage_bar_marks_the_current_stage_and_when_each_was_done(client, point, hotline):
    with time_machine.travel(NOW, tick=False):
        complaint = open_one(point, hotline)
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        services.complaint_clarify(
            complaint=complaint,
            actor=hotline,
            data=services.ClarifyInput(
                restatement="复述",
                customer_confirmed=True,
                promised_reply_at=NOW + dt.timedelta(hours=5),
            ),
        )
        client.force_login(hotline)
        response = client.get(complaint.get_absolute_url())
    bar = response.context["stage_bar"]
    assert [s["stage"] for s in bar] == list(Stage)
    assert [s["state"] for s in bar] == ["done", "current"] + ["ahead"] * 4
    page = response.content.decode()
    assert "2026-03-02 09:00" in page and "2026-03-02 10:00" in page


def test_the_complaint_page_shows_its_calls_time_in_the_points_time_zone(client, point, hotline):
    customer = CustomerFactory(point=point)
    call = Visit.objects.create(
        point=point,
        channel="hotline",
        purpose="complaint",
        customer=customer,
        arrived_at=CALL_AT,
        created_by=hotline,
    )
    with time_machine.travel(NOW, tick=False):
        complaint = open_one(point, hotline, customer=customer, visit=call)
        client.force_login(hotline)
        page = client.get(complaint.get_absolute_url()).content.decode()
    assert "2026-03-02 02:13" in page
    assert "18:13" not in page


@pytest.mark.parametrize("rows", [1, 20])
def test_the_complaint_page_keeps_its_query_count(
    rows, client, point, hotline, django_assert_max_num_queries
):
    complaint = open_one(point, hotline)
    for _ in range(rows):
        services.log_contact(
            complaint=complaint,
            actor=hotline,
            note="已告知进展",
            promised_reply_at=timezone.now() + dt.timedelta(hours=4),
        )
    client.force_login(hotline)
    url = complaint.get_absolute_url()
    assert client.get(url).status_code == 200
    with django_assert_max_num_queries(COMPLAINT_PAGE):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [1, 20])
def test_the_complaint_form_from_a_repair_record_keeps_its_query_count(
    rows, client, point, staff_of, django_assert_max_num_queries
):
    desk = staff_of(Role.FRONT_DESK).user
    customer = CustomerFactory(point=point)
    tickets = [open_ticket(point, desk, customer) for _ in range(rows)]
    client.force_login(desk)
    url = reverse("complaints:new") + f"?ticket={tickets[0].pk}"
    assert client.get(url).status_code == 200
    with django_assert_max_num_queries(COMPLAINT_FORM):
        response = client.get(url)
    ((_, offered),) = response.context["picks"]
    assert len(offered) == min(rows, 5)


@pytest.mark.parametrize("rows", [1, 20])
def test_the_customer_search_keeps_its_query_count(
    rows, client, point, staff_of, django_assert_max_num_queries
):
    desk = staff_of(Role.FRONT_DESK).user
    for n in range(rows):
        customer = CustomerFactory(point=point, name=f"王小明{n}")
        open_ticket(point, desk, customer)
    client.force_login(desk)
    url = reverse("complaints:customer_search")
    assert client.post(url, {"q": "王小明"}).status_code == 200
    with django_assert_max_num_queries(CUSTOMER_SEARCH):
        response = client.post(url, {"q": "王小明"})
    assert len(response.context["picks"]) == min(rows, 8)


def test_a_refused_contact_comes_back_as_typed_with_the_error_beside_the_field(
    client, point, hotline
):
    complaint = open_one(point, hotline)
    client.force_login(hotline)
    response = client.post(
        reverse("complaints:act", args=[complaint.pk, "contact"]),
        {"version": complaint.version, "note": "已告知客户进展"},
    )
    assert response.status_code == 200
    assert list(response.context["contact_form"].errors) == ["promised_reply_at"]
    assert "已告知客户进展" in response.content.decode()
    assert complaint.contacts.count() == 1


def test_the_ticket_page_lists_the_repairs_complaints_and_opens_one_with_the_ticket(
    client, point, staff_of, hotline
):
    desk = staff_of(Role.FRONT_DESK).user
    ticket = open_ticket(point, desk)
    complaint = open_one(point, hotline, customer=ticket.customer, ticket=ticket)
    client.force_login(desk)
    page = client.get(reverse("repairs:ticket_detail", args=[ticket.pk])).content.decode()
    assert complaint.get_absolute_url() in page and "屏幕闪烁" in page
    assert f"{reverse('complaints:new')}?ticket={ticket.pk}" in page
    client.force_login(staff_of(Role.TECHNICIAN).user)
    page = client.get(reverse("repairs:ticket_detail", args=[ticket.pk])).content.decode()
    assert f"{reverse('complaints:new')}?ticket=" not in page
