"""Issue 9: ``generate_national`` fills PostgreSQL with data the application works on as on its
own: proportional sizes, the same rows for the same seed, ticket numbers that continue, pages
scoped to the point, and beat's scanners finding nothing the generator should have done."""

import datetime as dt
import io
import uuid
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Sum
from django.test import override_settings
from django.urls import reverse

from complaints.models import Complaint, Stage
from counter.models import CashUp, CashUpStatus, MoneyEntry, Payment
from devtools.national.network import ROLE_SLUGS
from devtools.national.sizes import Sizes
from followups.models import Callback
from followups.services import callbacks_dispatch
from intake.models import Channel, Customer, Visit
from intake.services.slips import slips_overdue
from repairs.models import RepairTicket, TicketSequence, TicketStatus
from reporting.exports import export_run
from reporting.models import ExportJob, ExportKind
from servicedesk.models import ServicePoint, StaffProfile

pytestmark = [pytest.mark.services, pytest.mark.django_db]

SCALE = 0.0005
NOW = dt.datetime.fromisoformat("2026-11-20T16:30:00+08:00")


def generate(seed: int = 7) -> str:
    out = io.StringIO()
    call_command(
        "generate_national",
        scale=SCALE,
        seed=seed,
        now=NOW.isoformat(),
        password="pw",
        check_keys=True,
        stdout=out,
    )
    return out.getvalue()


def fingerprint() -> str:
    """Key columns of every generated ticket, in ticket-number order (ids left out: they come
    from the database's sequences)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT md5(string_agg(
                concat_ws(':', t.number, t.status, d.imei, d.serial_number, c.phone,
                          t.created_at, t.handed_over_at, t.labor_fee, t.warranty_status),
                ',' ORDER BY t.number))
            FROM repairs_repairticket t
            JOIN intake_device d ON d.id = t.device_id
            JOIN intake_customer c ON c.id = t.customer_id
            """
        )
        return cursor.fetchone()[0]


def test_sizes_are_proportional_and_every_point_has_its_staff():
    output = generate()
    sizes = Sizes.for_scale(SCALE)
    assert RepairTicket.objects.count() == sizes.tickets == 500
    assert Visit.objects.filter(channel=Channel.HOTLINE).count() == sizes.calls == 250
    assert ServicePoint.objects.count() == sizes.points
    assert 30 <= Complaint.objects.count() <= 80  # about 100,000 per 1,000,000 tickets
    assert 600 <= Callback.objects.count() <= 1000  # about 1.8 callbacks per ticket
    assert set(RepairTicket.objects.values_list("status", flat=True)) >= {
        TicketStatus.HANDED_OVER,
        TicketStatus.RETURNED_UNREPAIRED,
    }
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    for code in ServicePoint.objects.values_list("code", flat=True):
        for slug in ROLE_SLUGS.values():
            assert f"{code.lower()}.{slug}" in usernames
    assert "repairs_repairticket" in output and "Done in" in output


def test_stock_and_consumption_are_generated_in_proportion():
    from django.db.models import F, Sum

    from parts.models import MovementKind, Part, PartLine, PartStock, StockMovement

    generate()
    # One stock row per part, holding what open tickets reserved; every part used once is one
    # consumption movement, with its ticket.
    assert PartStock.objects.count() == Part.objects.count()
    assert not PartStock.objects.filter(reserved__gt=F("on_hand")).exists()
    reserved = PartLine.objects.filter(consumed=0).aggregate(s=Sum("reserved"))["s"] or 0
    assert PartStock.objects.aggregate(s=Sum("reserved"))["s"] == reserved
    used = PartLine.objects.aggregate(s=Sum("consumed"))["s"]
    assert used and StockMovement.objects.filter(kind=MovementKind.CONSUME).count() == used


def test_defective_parts_and_return_batches_are_generated_in_proportion():
    from parts.models import DefectivePart, PartLine, ReturnBatch, ReturnBatchStatus

    generate()
    # One piece per part the brand wants back, consumed by a warranty repair.
    returned = (
        PartLine.objects.filter(part__must_return=True, consumed__gt=0)
        .exclude(ticket__warranty_status="out_of_warranty")
        .aggregate(s=Sum("consumed"))["s"]
    )
    assert returned and DefectivePart.objects.count() == returned
    # Earlier months go back in batches (one per point and month); this month's pieces wait.
    assert ReturnBatch.objects.filter(status=ReturnBatchStatus.RECEIVED).exists()
    assert ReturnBatch.objects.filter(status=ReturnBatchStatus.SHIPPED).exists()
    month = NOW.replace(day=1, hour=0, minute=0)
    assert not DefectivePart.objects.filter(batch__isnull=True, at__lt=month - dt.timedelta(days=1))
    assert DefectivePart.objects.filter(batch__isnull=False).exists()
    assert not ReturnBatch.objects.filter(pieces__isnull=True).exists()


def test_the_same_seed_gives_the_same_rows():
    saved = transaction.savepoint()
    generate(seed=7)
    first = fingerprint()
    transaction.savepoint_rollback(saved)
    assert not RepairTicket.objects.exists()
    generate(seed=7)
    assert fingerprint() == first
    transaction.savepoint_rollback(saved)
    generate(seed=8)
    assert fingerprint() != first


def test_a_failure_half_way_leaves_nothing_behind(monkeypatch):
    from devtools.national import simulate

    run = simulate.PointSim.run
    calls = []

    def fail_on_the_third_point(self):
        calls.append(self.plan.code)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        run(self)

    monkeypatch.setattr(simulate.PointSim, "run", fail_on_the_third_point)
    with pytest.raises(RuntimeError, match="disk full"):
        generate()
    assert not RepairTicket.objects.exists()
    assert not ServicePoint.objects.exists()
    assert not get_user_model().objects.exists()


def test_sqlite_is_refused(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        generate()


def test_a_database_with_tickets_is_refused_without_force():
    generate()
    with pytest.raises(CommandError, match="already has"):
        generate()


def test_the_next_intake_continues_the_points_ticket_numbers(client):
    generate()
    point = ServicePoint.objects.get(code="GD001")
    generated = RepairTicket.objects.filter(point=point).count()
    assert TicketSequence.objects.get(point=point).last_value == generated
    client.force_login(get_user_model().objects.get(username="gd001.frontdesk"))
    customer = Customer.objects.filter(point=point).first()
    response = client.post(
        reverse("repairs:ticket_open", args=[customer.pk]),
        {
            "token": str(uuid.uuid4()),
            "model_name": "X400",
            "imei": "490154203237518",
            "purchase_date": "2026-10-01",
            "proof_of_purchase": "invoice",
            "fault_description": "屏幕不亮",
            "customer_waits": "0",
            "contact_phone": "13812345678",
            "backup_warning_given": "on",
        },
    )
    assert response.status_code == 302
    ticket = RepairTicket.objects.get(point=point, sequence=generated + 1)
    assert ticket.number == f"GD001-{generated + 1:06d}"
    assert response["Location"] == reverse("repairs:ticket_detail", args=[ticket.pk])


def test_a_handed_over_ticket_renders_for_its_point_and_is_not_found_for_another(client):
    generate()
    ticket = RepairTicket.objects.filter(
        point__code="GD001", status=TicketStatus.HANDED_OVER
    ).first()
    client.force_login(get_user_model().objects.get(username="gd001.frontdesk"))
    response = client.get(reverse("repairs:ticket_detail", args=[ticket.pk]))
    assert response.status_code == 200
    assert ticket.number in response.content.decode()
    client.force_login(get_user_model().objects.get(username="js001.frontdesk"))
    assert client.get(reverse("repairs:ticket_detail", args=[ticket.pk])).status_code == 404


def test_beats_scanners_find_nothing_left_undone():
    """The data is as beat leaves it: every due callback queued, every missed window and promise
    marked, every overdue slip reminded (up to the last few minutes before "now")."""
    generate()
    earlier = NOW - dt.timedelta(minutes=10)
    assert callbacks_dispatch(now=earlier).queued == 0
    assert callbacks_dispatch(now=earlier).overdue == 0
    assert not Complaint.objects.filter(
        stage__in=[Stage.RECEIVED, Stage.CLARIFIED, Stage.PROPOSED],
        promised_reply_at__lte=earlier,
        overdue_since__isnull=True,
    ).exists()
    assert not slips_overdue(now=earlier).filter(overdue_reminded_at__isnull=True).exists()


def test_money_entries_sum_to_the_payments_and_past_days_are_cashed_up():
    """Every handover's payment has its counter money entry (net of change, the same amount),
    the methods follow the counter's mix, and no entry of a day before "now" is left open: each
    belongs to its desk user's confirmed cash-up of that day, whose totals match."""
    generate()
    payments = Payment.objects.aggregate(owed=Sum("amount_due"), received=Sum("amount_received"))
    entries = MoneyEntry.objects.aggregate(
        taken=Sum("amount"), net=Sum(F("amount") - F("change")), n=Count("pk")
    )
    assert entries["n"] == Payment.objects.count() > 0
    assert entries["net"] == payments["owed"]
    assert entries["taken"] == payments["received"]
    mismatched = Payment.objects.exclude(
        Exists(
            MoneyEntry.objects.filter(
                ticket=OuterRef("ticket"),
                amount=OuterRef("amount_received"),
                change=OuterRef("change_given"),
                by=OuterRef("received_by"),
                at=OuterRef("received_at"),
            )
        )
    )
    assert not mismatched.exists()
    today = NOW.date()
    assert not MoneyEntry.objects.filter(
        cash_up__isnull=True, at__lt=dt.datetime.combine(today, dt.time.min, tzinfo=NOW.tzinfo)
    ).exists()
    assert not CashUp.objects.exclude(status=CashUpStatus.CONFIRMED).exists()
    for cash_up in CashUp.objects.order_by("pk")[:50]:
        counted = cash_up.entries.aggregate(net=Sum(F("amount") - F("change")))["net"]
        assert sum(Decimal(v) for v in cash_up.totals.values()) == counted
        assert cash_up.entries.exclude(by=cash_up.user).count() == 0
        assert cash_up.expected_cash == cash_up.counted_cash
    codes = Counter(MoneyEntry.objects.values_list("method__code", flat=True))
    assert codes["wechat"] > codes["cash"] and set(codes) <= {"wechat", "alipay", "cash", "card"}


def test_a_monthly_export_of_a_generated_point(tmp_path):
    generate()
    point = ServicePoint.objects.get(code="GD001")
    with override_settings(EXPORTS_ROOT=str(tmp_path)):
        job = ExportJob.objects.create(
            point=point,
            kind=ExportKind.MONTHLY,
            date_from=dt.date(2026, 10, 1),
            date_to=dt.date(2026, 10, 31),
        )
        job = export_run(job_id=job.pk)
    expected = RepairTicket.objects.filter(
        point=point,
        created_at__gte=dt.datetime(2026, 10, 1, tzinfo=NOW.tzinfo),
        created_at__lt=dt.datetime(2026, 11, 1, tzinfo=NOW.tzinfo),
    ).count()
    assert job.rows_total == expected > 0
    assert StaffProfile.objects.filter(point=point).count() >= 6


def test_some_devices_travel_between_points_and_their_history_shows_elsewhere():
    """Nationwide warranty: the same IMEI at two or three points, and a point that has such a
    device sees the other points' finished repairs through the device history."""
    from django.db.models import Count

    from intake.models import Device
    from repairs.selectors import device_facts_across_points

    generate()
    travelled = (
        Device.objects.exclude(imei="")
        .values("imei")
        .annotate(points=Count("point_id", distinct=True))
        .filter(points__gt=1)
    )
    assert travelled.exists()
    assert max(row["points"] for row in travelled) <= 3
    shown = 0
    for row in travelled:
        for device in Device.objects.filter(imei=row["imei"]).select_related("point"):
            desk = get_user_model().objects.get(username=f"{device.point.code.lower()}.frontdesk")
            history = device_facts_across_points(
                user=desk, imei=row["imei"], serial="", point=device.point, purpose="device_page"
            )
            assert all(f.point_code != device.point.code for f in history.elsewhere)
            shown += len(history.elsewhere)
    assert shown


def test_every_point_has_a_few_loaners_and_their_loans_follow_the_rules(client):
    """Loaner phones: a few per point; one open loan per loaner, a lent loaner is the one with an
    open loan; loans only for repairs of days, to the ticket's own customer; the pages render."""
    from django.db.models import Count, F, Q

    from loaners.models import Loan, Loaner, LoanerStatus

    generate()
    per_point = Loaner.objects.values("point_id").annotate(n=Count("pk"))
    assert per_point.count() == ServicePoint.objects.count() > 0
    assert all(2 <= row["n"] <= 4 for row in per_point)
    assert Loan.objects.exists()
    open_loans = Loan.objects.filter(returned_at__isnull=True)
    assert set(open_loans.values_list("loaner_id", flat=True)) == set(
        Loaner.objects.filter(status=LoanerStatus.LENT).values_list("pk", flat=True)
    )
    assert not Loan.objects.exclude(customer_id=F("ticket__customer_id")).exists()
    assert not Loan.objects.exclude(point_id=F("ticket__point_id")).exists()
    assert not Loan.objects.filter(Q(returned_at__lt=F("lent_at"))).exists()
    loaner = Loaner.objects.filter(loans__isnull=False).select_related("point").first()
    desk = get_user_model().objects.get(username=f"{loaner.point.code.lower()}.frontdesk")
    client.force_login(desk)
    assert client.get(reverse("loaners:list")).status_code == 200
    page = client.get(reverse("loaners:detail", args=[loaner.pk]))
    assert page.status_code == 200 and 'data-event="lend"' in page.content.decode()
