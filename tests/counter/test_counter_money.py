"""rules#payment: how the customer paid (several methods, change from cash only), deposits and
refunds within authority, the receipt, and the desk user's daily cash-up (日结)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from counter import services as money
from counter.models import CashUp, CashUpStatus, MoneyEntry, MoneyKind, Payment
from repairs.models import TicketStatus
from servicedesk.models import Role
from servicedesk.statemachine import TransitionRefused
from tests.opening import open_ticket
from tests.tickets import PNG, move

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def people(staff_of):
    return {
        "desk": staff_of(Role.FRONT_DESK),
        "tech": staff_of(Role.TECHNICIAN),
        "supervisor": staff_of(Role.SUPERVISOR),
    }


def _quoted(point, people, labor="205.50"):
    ticket = open_ticket(point, people["desk"].user, purchase_days_ago=500)
    move(ticket, people["tech"].user, "start_diagnosis")
    move(ticket, people["tech"].user, "diagnose", fault_confirmed="主板故障", labor_fee=D(labor))
    ticket.refresh_from_db()
    return ticket


def _ready(point, people, labor="205.50"):
    ticket = _quoted(point, people, labor)
    move(ticket, people["desk"].user, "approve_quote", consent_kind="verbal")
    move(ticket, people["tech"].user, "complete_repair", repair_method="更换主板")
    move(ticket, people["desk"].user, "pass_qa")
    ticket.refresh_from_db()
    return ticket


def _post(client, url, data):
    return client.post(url, data)


def handover_body(ticket, **payments):
    return {
        "action": "hand_over",
        "version": ticket.version,
        "tested_with_customer": "on",
        "explanation_given": "on",
        "signature": PNG,
        "satisfaction_declined": "on",
        "invoice_not_requested": "on",
        **payments,
    }


def test_a_repair_paid_by_wechat_and_cash_gives_change_from_the_cash_only(client, point, people):
    ticket = _ready(point, people)
    client.force_login(people["desk"].user)
    response = client.post(
        reverse("repairs:ticket_action", args=[ticket.pk]),
        handover_body(
            ticket,
            method_0="wechat",
            amount_received="100",
            reference_0="4200001234202612050001",
            method_1="cash",
            amount_1="120",
        ),
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.HANDED_OVER
    entries = {e.method.code: e for e in MoneyEntry.objects.filter(ticket=ticket)}
    assert entries["wechat"].amount == D("100") and entries["wechat"].change == 0
    assert entries["cash"].amount == D("120") and entries["cash"].change == D("14.50")
    payment = Payment.objects.get(ticket=ticket)
    assert (payment.amount_due, payment.amount_received, payment.change_given) == (
        D("205.50"),
        D("220.00"),
        D("14.50"),
    )

    receipt = client.get(reverse("repairs:ticket_print", args=[ticket.pk, "receipt"]))
    text = receipt.content.decode()
    assert "微信支付" in text and "4200001234202612050001" in text
    assert "现金" in text and "¥14.50" in text and "¥205.50" in text
    assert ticket.number in text and "/repairs/status/" in text

    sheet = client.get(reverse("repairs:cash_up")).context["sheets"][0]
    assert sheet.figures.by_method == {"微信支付": D("100.00"), "现金": D("105.50")}
    assert sheet.figures.expected_cash == D("105.50")


def test_card_and_app_payments_cannot_exceed_what_is_due(client, point, people):
    ticket = _ready(point, people)
    client.force_login(people["desk"].user)
    response = client.post(
        reverse("repairs:ticket_action", args=[ticket.pk]),
        handover_body(ticket, method_0="wechat", amount_received="300", reference_0="42000001"),
    )
    assert response.status_code == 200
    assert "只有现金可以找零" in response.content.decode()
    assert not MoneyEntry.objects.filter(ticket=ticket).exists()


def test_a_non_cash_payment_needs_its_transaction_number_beside_its_row(client, point, people):
    ticket = _ready(point, people)
    client.force_login(people["desk"].user)
    response = client.post(
        reverse("repairs:ticket_action", args=[ticket.pk]),
        handover_body(ticket, method_0="alipay", amount_received="205.50"),
    )
    assert list(response.context["errors"]) == ["reference_0"]
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.READY


def test_a_deposit_at_approval_counts_toward_the_amount_due(client, point, people):
    ticket = _quoted(point, people)
    client.force_login(people["desk"].user)
    client.post(
        reverse("repairs:ticket_action", args=[ticket.pk]),
        {
            "action": "approve_quote",
            "version": ticket.version,
            "consent_kind": "verbal",
            "deposit_method": "cash",
            "deposit_amount": "100",
        },
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REPAIRING
    assert money.held(ticket) == D("100")
    move(ticket, people["tech"].user, "complete_repair", repair_method="更换主板")
    move(ticket, people["desk"].user, "pass_qa")
    ticket.refresh_from_db()
    page = client.get(reverse("repairs:ticket_detail", args=[ticket.pk]))
    assert page.context["to_pay"] == D("105.50")
    client.post(
        reverse("repairs:ticket_action", args=[ticket.pk]),
        handover_body(ticket, method_0="cash", amount_received="110"),
    )
    payment = Payment.objects.get(ticket=ticket)
    assert (payment.amount_received, payment.change_given) == (D("210.00"), D("4.50"))


def test_a_refused_quotes_deposit_is_refunded_by_the_supervisor_with_a_reason(
    client, point, people
):
    ticket = _quoted(point, people)
    desk, supervisor = people["desk"].user, people["supervisor"].user
    money.take_deposit(
        ticket=ticket,
        actor=desk,
        payment=money.PaymentInput(method_id=_method("cash"), amount=D("50")),
        now=timezone.now(),
    )
    move(ticket, desk, "refuse_quote", consent_kind="verbal")
    ticket.refresh_from_db()

    # The desk's authority is ¥0 by default: refused beside the amount, nothing changes.
    client.force_login(desk)
    url = reverse("repairs:ticket_refund", args=[ticket.pk])
    body = {"version": ticket.version, "amount": "50", "method": "cash", "reason": "顾客拒绝报价"}
    response = client.post(url, body)
    assert response.status_code == 200
    assert "组长" in str(response.context["refund_form"].errors["amount"])
    assert money.held(ticket) == D("50")

    client.force_login(supervisor)
    assert client.post(url, body | {"reason": ""}).context["refund_form"].errors["reason"]
    assert client.post(url, body).status_code == 302
    refund = MoneyEntry.objects.get(ticket=ticket, kind=MoneyKind.REFUND)
    assert (refund.amount, refund.reason, refund.approved_by) == (
        D("50"),
        "顾客拒绝报价",
        supervisor,
    )
    assert money.held(ticket) == 0
    # The same form sent again is stale: one refund.
    assert client.post(url, body).status_code == 200
    assert MoneyEntry.objects.filter(ticket=ticket, kind=MoneyKind.REFUND).count() == 1
    from servicedesk.models import AuditLog

    assert AuditLog.objects.filter(action="money.refunded", actor=supervisor).count() == 1


def test_a_desk_refund_within_the_points_authority_goes_through(point, people):
    point.refund_authority_desk = D("20")
    point.save()
    ticket = _quoted(point, people)
    desk = people["desk"].user
    money.take_deposit(
        ticket=ticket,
        actor=desk,
        payment=money.PaymentInput(method_id=_method("cash"), amount=D("50")),
        now=timezone.now(),
    )
    ticket.refresh_from_db()
    with pytest.raises(ValidationError):
        money.money_refund(
            ticket=ticket, actor=desk, method_id=_method("cash"), amount=D("30"),
            reason="多收", version=ticket.version,
        )  # fmt: skip
    entry = money.money_refund(
        ticket=ticket, actor=desk, method_id=_method("cash"), amount=D("20"),
        reason="多收", version=ticket.version,
    )  # fmt: skip
    assert entry.approved_by is None


def test_a_difference_without_a_note_is_refused_and_a_confirmed_cash_up_cannot_change(
    client, point, people
):
    ticket = _ready(point, people)
    desk, supervisor = people["desk"].user, people["supervisor"].user
    client.force_login(desk)
    client.post(
        reverse("repairs:ticket_action", args=[ticket.pk]),
        handover_body(ticket, method_0="cash", amount_received="205.50"),
    )
    day = timezone.localdate()
    response = client.post(
        reverse("repairs:cash_up_submit"), {"day": day.isoformat(), "counted_cash": "200"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    assert response.context["form"]["counted_cash"].value() == "200"
    assert not CashUp.objects.exists()

    response = client.post(
        reverse("repairs:cash_up_submit"),
        {"day": day.isoformat(), "counted_cash": "200", "note": "找零时多找了5.50"},
    )
    assert response.status_code == 302
    cash_up = CashUp.objects.get(user=desk, day=day)
    assert (cash_up.expected_cash, cash_up.difference) == (D("205.50"), D("-5.50"))
    assert MoneyEntry.objects.get(ticket=ticket).cash_up == cash_up

    client.force_login(desk)
    assert (
        client.post(
            reverse("repairs:cash_up_confirm", args=[cash_up.pk]), {"version": cash_up.version}
        ).status_code
        == 403
    )
    client.force_login(supervisor)
    client.post(reverse("repairs:cash_up_confirm", args=[cash_up.pk]), {"version": cash_up.version})
    cash_up.refresh_from_db()
    assert (cash_up.status, cash_up.confirmed_by) == (CashUpStatus.CONFIRMED, supervisor)

    with pytest.raises(ValidationError):
        money.cash_up_submit(user=desk, point=point, day=day, counted_cash=D("205.50"))
    with pytest.raises(TransitionRefused):
        money.cash_up_confirm(cash_up=cash_up, actor=supervisor)
    client.force_login(desk)
    response = client.post(
        reverse("repairs:cash_up_submit"), {"day": day.isoformat(), "counted_cash": "205.50"}
    )
    assert "已确认" in str(response.context["form"].errors)
    cash_up.refresh_from_db()
    assert cash_up.counted_cash == D("200.00")


def test_the_supervisor_sees_every_desk_users_day(client, point, people, staff_of):
    other_desk = staff_of(Role.FRONT_DESK).user
    for user in (people["desk"].user, other_desk):
        ticket = _ready(point, people, labor="10")
        client.force_login(user)
        client.post(
            reverse("repairs:ticket_action", args=[ticket.pk]),
            handover_body(ticket, method_0="cash", amount_received="10"),
        )
    client.force_login(people["supervisor"].user)
    sheets = client.get(reverse("repairs:cash_up")).context["sheets"]
    assert {s.user for s in sheets} == {people["desk"].user, other_desk}


def _method(code):
    from counter.models import PaymentMethod

    return PaymentMethod.objects.get(code=code).pk


def test_staff_without_a_point_of_their_own_have_no_cash_up_page(client, point):
    """A cash-up is one point's counter: an administrator (of no point) is refused (403), not
    given a server error."""
    from tests.factories import make_staff

    admin = make_staff(Role.ADMIN)
    client.force_login(admin.user)
    assert client.get(reverse("repairs:cash_up")).status_code == 403
    day = timezone.localdate().isoformat()
    response = client.post(reverse("repairs:cash_up_submit"), {"day": day, "counted_cash": "0"})
    assert response.status_code == 403
    assert not CashUp.objects.exists()


def _paid_today(client, point, people):
    ticket = _ready(point, people, labor="80")
    client.force_login(people["desk"].user)
    client.post(
        reverse("repairs:ticket_action", args=[ticket.pk]),
        handover_body(ticket, method_0="cash", amount_received="80"),
    )
    return MoneyEntry.objects.get(ticket=ticket)


@pytest.mark.parametrize(
    "day",
    [
        "2099-12-31",  # once swept every open payment into a cash-up dated 2099
        "9999-12-31",  # once a server error
        "0001-01-01",
        "1899-12-31",
        "tomorrow",
    ],
)
def test_a_cash_up_is_never_for_a_later_day_or_out_of_bounds(day, client, point, people):
    entry = _paid_today(client, point, people)
    today = timezone.localdate(timezone.now(), point.zone)
    typed = (today + dt.timedelta(days=1)).isoformat() if day == "tomorrow" else day
    response = client.post(reverse("repairs:cash_up_submit"), {"day": typed, "counted_cash": "80"})
    assert response.status_code == 200
    assert response.context["form"].errors["day"]
    page = response.content.decode()
    assert 'data-testid="cash-up-day-error"' in page, "the error sits beside the date box"
    assert f'value="{typed}"' in page, "what was typed stays in the date box"
    assert not CashUp.objects.exists()
    entry.refresh_from_db()
    assert entry.cash_up is None


def test_an_earlier_day_is_counted_only_while_it_still_has_open_entries(client, point, people):
    entry = _paid_today(client, point, people)
    today = timezone.localdate(timezone.now(), point.zone)
    week_ago = today - dt.timedelta(days=7)
    with pytest.raises(ValidationError) as refused:
        money.cash_up_submit(user=people["desk"].user, point=point, day=week_ago, counted_cash=D(0))
    assert "day" in refused.value.message_dict
    # Yesterday's money not yet counted is counted on yesterday's sheet.
    MoneyEntry.objects.filter(pk=entry.pk).update(at=entry.at - dt.timedelta(days=1))
    yesterday = today - dt.timedelta(days=1)
    cash_up = money.cash_up_submit(
        user=people["desk"].user, point=point, day=yesterday, counted_cash=D("80")
    )
    assert cash_up.day == yesterday and cash_up.expected_cash == D("80.00")
    # Its recount stays possible while the supervisor has not confirmed it.
    again = money.cash_up_submit(
        user=people["desk"].user, point=point, day=yesterday, counted_cash=D("79"), note="少一元"
    )
    assert again.pk == cash_up.pk and again.counted_cash == D("79.00")


def test_full_width_digits_pay_at_the_handover_and_find_the_ticket_at_pickup(client, point, people):
    ticket = _ready(point, people, labor="80")
    client.force_login(people["desk"].user)
    full_width = ticket.number.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    response = client.get(reverse("repairs:pickup"), {"number": full_width})
    assert response.status_code == 302 and response.url == reverse(
        "repairs:ticket_detail", args=[ticket.pk]
    )
    client.post(
        reverse("repairs:ticket_action", args=[ticket.pk]),
        handover_body(ticket, method_0="cash", amount_received="１００"),
    )
    entry = MoneyEntry.objects.get(ticket=ticket)
    assert (entry.amount, entry.change) == (D("100.00"), D("20.00"))


def test_a_wechat_deposit_sits_under_wechat_not_under_cash(client, point, people):
    """Issue: the sheet listed "of which deposits" once, after the last method (cash), so a
    WeChat deposit read as cash. Each method's row carries its own deposits and refunds."""
    ticket = _quoted(point, people)
    desk = people["desk"].user
    money.take_deposit(
        ticket=ticket,
        actor=desk,
        payment=money.PaymentInput(method_id=_method("wechat"), amount=D("100"), reference="42"),
        now=timezone.now(),
    )
    paid = _paid_today(client, point, people)
    assert paid.method.code == "cash"
    figures = money.figures(list(MoneyEntry.objects.select_related("method")))
    rows = {m.name: m for m in figures.methods}
    assert (rows["微信支付"].deposits, rows["微信支付"].payments) == (D("100"), D("0"))
    assert (rows["现金"].deposits, rows["现金"].payments) == (D("0"), D("80"))
    client.force_login(desk)
    page = client.get(reverse("repairs:cash_up")).content.decode()
    table = page[page.index('data-testid="cash-up-totals"') :]
    table = table[: table.index("</table>")]
    wechat, cash = table.index("微信支付"), table.index("现金")
    deposit_row = table.index('data-testid="method-deposits"')
    # The deposit row follows WeChat's row, before the next method's.
    assert min(wechat, cash) < deposit_row
    assert (wechat < deposit_row < cash) if wechat < cash else (deposit_row > wechat)
    assert "¥100.00" in table[deposit_row : deposit_row + 300]


def test_nobody_confirms_their_own_cash_up_and_the_point_may_let_the_manager(
    client, point, people, staff_of
):
    """rules#payment, separation of duties: a supervisor's own count waits for another
    supervisor; the service manager confirms it only where the point's setting allows."""
    supervisor = people["supervisor"].user
    other = staff_of(Role.SUPERVISOR).user
    manager = staff_of(Role.SERVICE_MANAGER).user
    day = timezone.localdate()
    cash_up = money.cash_up_submit(user=supervisor, point=point, day=day, counted_cash=D("0"))
    client.force_login(supervisor)
    url = reverse("repairs:cash_up_confirm", args=[cash_up.pk])
    client.post(url, {"version": cash_up.version})
    cash_up.refresh_from_db()
    assert cash_up.status == CashUpStatus.SUBMITTED
    with pytest.raises(TransitionRefused):
        money.cash_up_confirm(cash_up=cash_up, actor=supervisor)
    with pytest.raises(TransitionRefused):
        money.cash_up_confirm(cash_up=cash_up, actor=manager)
    point.manager_confirms_cash_ups = True
    point.save()
    assert money.cash_up_confirm(cash_up=cash_up, actor=manager).confirmed_by == manager

    desk_count = money.cash_up_submit(
        user=people["desk"].user, point=point, day=day, counted_cash=D("0")
    )
    assert money.cash_up_confirm(cash_up=desk_count, actor=other).confirmed_by == other


def test_the_supervisor_sees_the_whole_points_day_by_method(client, point, people, staff_of):
    other_desk = staff_of(Role.FRONT_DESK).user
    for user in (people["desk"].user, other_desk):
        ticket = _ready(point, people, labor="1000")
        client.force_login(user)
        client.post(
            reverse("repairs:ticket_action", args=[ticket.pk]),
            handover_body(ticket, method_0="cash", amount_received="1000"),
        )
    client.force_login(people["supervisor"].user)
    response = client.get(reverse("repairs:cash_up"))
    assert response.context["point_day"].by_method == {"现金": D("2000.00")}
    assert "¥2,000.00" in response.content.decode()


def test_the_supervisors_home_lists_the_cash_ups_waiting_but_not_their_own(client, point, people):
    day = timezone.localdate()
    desk, supervisor = people["desk"].user, people["supervisor"].user
    money.cash_up_submit(user=desk, point=point, day=day, counted_cash=D("0"))
    money.cash_up_submit(user=supervisor, point=point, day=day, counted_cash=D("0"))
    client.force_login(supervisor)
    page = client.get(reverse("home")).content.decode()
    card = page[page.index("待确认的日结") :]
    card = card[: card.index("</section>") if "</section>" in card else 2000]
    assert people["desk"].display_name in card
    assert people["supervisor"].display_name not in card
