"""The monthly warranty claim (保内维修结算) and the month's counter money on the manager's page."""

import csv
import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from counter.models import CashUp, CashUpStatus, MoneyEntry, MoneyKind, PaymentMethod
from parts.models import Part, PartLine
from repairs.actions import PartLineInput
from repairs.models import RepairTicket, RepairType, WarrantyStatus
from reporting import claim
from reporting.exports import export_run, job_path, monthly_exports_due
from reporting.models import ExportJob, ExportKind
from servicedesk.models import AuditLog, Role
from tests.factories import ServicePointFactory, in_stock, make_staff
from tests.followups.conftest import handed_over_ticket
from tests.opening import open_ticket
from tests.tickets import FULL, walk_to_handover

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
OCTOBER = dt.datetime(2026, 10, 12, 10, 0, tzinfo=TZ)
NOVEMBER_1ST = dt.datetime(2026, 11, 1, 2, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def exports_root(settings, tmp_path):
    settings.EXPORTS_ROOT = tmp_path / "exports"
    return settings.EXPORTS_ROOT


@pytest.fixture
def price_list(point):
    return {
        "screen": RepairType.objects.create(
            point=point, code="SCR", name="更换屏幕", labor_fee=Decimal("80.00")
        ),
        "battery": RepairType.objects.create(
            point=point, code="BAT", name="更换电池", labor_fee=Decimal("50.00")
        ),
        "display": in_stock(
            Part.objects.create(
                point=point, code="P-SCR", name="X100 屏幕总成", price=Decimal("620.50")
            )
        ),
        "cell": in_stock(
            Part.objects.create(point=point, code="P-BAT", name="X100 电池", price=Decimal("99.90"))
        ),
    }


def repaired(point, staff_of, repair_type, parts, *, now=OCTOBER, purchase_days_ago=100):
    """An in-warranty ticket taken through the real transitions and handed over at ``now``."""
    desk, tech = staff_of(Role.FRONT_DESK).user, staff_of(Role.TECHNICIAN).user
    ticket = open_ticket(
        point,
        desk,
        imei="",
        serial=f"CLM{RepairTicket.objects.count():05d}",
        purchase_days_ago=purchase_days_ago,
        now=now - dt.timedelta(hours=3),
    )
    payload = FULL | {
        "repair_type_id": repair_type.pk,
        "parts": [PartLineInput(part_id=part.pk, quantity=quantity) for part, quantity in parts],
    }
    return walk_to_handover(ticket, desk=desk, tech=tech, payload=payload, now=now)


def claim_file(point):
    monthly_exports_due(now=NOVEMBER_1ST)
    job = ExportJob.objects.get(point=point, kind=ExportKind.CLAIM)
    assert (job.date_from, job.date_to) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    export_run(job_id=job.pk)
    job.refresh_from_db()
    raw = job_path(job).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM so Excel reads Chinese correctly"
    return job, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_claim_sums_labor_and_parts_per_repair_type_and_matches_the_tickets(
    point, staff_of, price_list
):
    screen, battery = price_list["screen"], price_list["battery"]
    display, cell = price_list["display"], price_list["cell"]
    claimed = [
        repaired(point, staff_of, screen, [(display, 1)]),
        repaired(point, staff_of, screen, [(display, 1), (cell, 2)]),
        repaired(point, staff_of, battery, [(cell, 1)]),
        repaired(point, staff_of, battery, []),
    ]
    # Not claimed: handed over in another month, and a paid (out-of-warranty) repair.
    repaired(point, staff_of, screen, [(display, 1)], now=OCTOBER + dt.timedelta(days=25))
    paid = repaired(point, staff_of, screen, [(display, 1)])
    RepairTicket.objects.filter(pk=paid.pk).update(warranty_status=WarrantyStatus.OUT_OF_WARRANTY)

    expected: dict[str, list] = defaultdict(lambda: [0, Decimal("0"), Decimal("0")])
    for ticket in RepairTicket.objects.filter(pk__in=[t.pk for t in claimed]):
        line = expected[ticket.repair_type.code]
        line[0] += 1
        line[1] += ticket.labor_fee
        line[2] += sum((p.unit_price * p.quantity for p in ticket.part_lines.all()), Decimal(0))
    assert expected["SCR"] == [2, Decimal("160.00"), Decimal("1440.80")]

    _job, rows = claim_file(point)
    assert rows[0] == [title for _key, title in claim.COLUMNS]
    found = {
        row[2]: [int(row[4]), Decimal(row[5]), Decimal(row[6]), Decimal(row[7])] for row in rows[1:]
    }
    assert set(found) == {"BAT", "SCR"}
    for code, (count, labor, parts) in expected.items():
        assert found[code] == [count, labor, parts, labor + parts]
    assert all(row[:2] == ["BJ01", "2026-10"] for row in rows[1:])
    assert AuditLog.objects.filter(action="export.written").count() == 1


def test_returns_and_exchanges_are_claimed_as_rows_of_their_own_without_repair_labor(
    point, price_list
):
    """Even a ticket whose planned repair's labor is still recorded (a record made before the
    三包 decision dropped it) is claimed as the return or exchange it was."""
    numbers = {}
    for state in ("returned", "exchanged", "returned_unrepaired"):
        ticket = handed_over_ticket(point, handed_over_at=OCTOBER)
        RepairTicket.objects.filter(pk=ticket.pk).update(  # status-write-ok: claim fixture
            status=state, repair_type=price_list["battery"], labor_fee=Decimal("50.00")
        )
        numbers[state] = ticket.number
    lines = claim.claim_lines(
        point=point, date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31)
    )
    assert [(line.kind, line.ticket_number, line.tickets, line.labor) for line in lines] == [
        ("exchange", numbers["exchanged"], 1, Decimal("0")),
        ("return", numbers["returned"], 1, Decimal("0")),
    ]


def test_a_return_is_claimed_in_the_month_of_its_decision(point, price_list, staff_of):
    """A returned device stays at the point: no handover time, the 三包 decision's month."""
    from repairs.models import SanbaoChoice, SanbaoDecision

    desk = staff_of(Role.FRONT_DESK).user
    for decided in (OCTOBER, OCTOBER + dt.timedelta(days=30)):
        ticket = open_ticket(point, desk, purchase_days_ago=5)
        RepairTicket.objects.filter(pk=ticket.pk).update(  # status-write-ok: claim fixture
            status="returned", repair_type=price_list["screen"], labor_fee=Decimal("80.00")
        )
        SanbaoDecision.objects.create(
            ticket=ticket,
            choice=SanbaoChoice.RETURN,
            reason="7 天内性能故障",
            refund_reference="TK-001",
            decided_by=desk,
            decided_at=decided,
        )
    (line,) = claim.claim_lines(
        point=point, date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31)
    )
    assert (line.kind, line.tickets, line.labor) == ("return", 1, Decimal("0"))


@pytest.mark.reliability(
    "CSV formula injection",
    "a repair type named =cmd in the monthly warranty claim",
)
def test_a_repair_type_that_looks_like_a_formula_is_neutralised_in_the_claim(point):
    hostile = RepairType.objects.create(
        point=point, code="@X", name="=cmd|' /C calc'!A0", labor_fee=Decimal("10")
    )
    ticket = handed_over_ticket(point, handed_over_at=OCTOBER)
    RepairTicket.objects.filter(pk=ticket.pk).update(repair_type=hostile, labor_fee=10)
    PartLine.objects.create(
        ticket=ticket, name="-螺丝", quantity=3, consumed=3, unit_price=Decimal("0.50")
    )
    _job, rows = claim_file(point)
    (row,) = rows[1:]
    assert row[2:4] == ["'@X", "'=cmd|' /C calc'!A0"]
    assert row[4:8] == ["1", "10.00", "1.50", "11.50"], "numbers stay plain numbers"


def test_regional_center_sees_its_regions_claims_and_nothing_else(
    client, point, other_point, price_list
):
    sibling = ServicePointFactory(region=point.region, code="BJ02")
    for where in (point, sibling, other_point):
        ticket = handed_over_ticket(where, handed_over_at=OCTOBER)
        RepairTicket.objects.filter(pk=ticket.pk).update(labor_fee=Decimal("33.00"))
    for job_id in monthly_exports_due(now=NOVEMBER_1ST):
        export_run(job_id=job_id)
    regional = make_staff(Role.REGIONAL_CENTER, region=point.region)
    client.force_login(regional.user)
    url = reverse("reporting:claim")
    response = client.get(url, {"point": sibling.pk, "month": "2026-10"})
    assert response.status_code == 200
    assert response.context["point"] == sibling
    assert response.context["total"].labor == Decimal("33.00")
    job = response.context["job"]
    assert job.kind == ExportKind.CLAIM and job.point == sibling
    assert client.post(reverse("reporting:export_download", args=[job.pk])).status_code == 200
    # Another region's point is not a choice: the page shows one of the region's own points.
    response = client.get(url, {"point": other_point.pk, "month": "2026-10"})
    assert response.context["point"] in (point, sibling)
    assert response.context["form"].errors
    theirs = ExportJob.objects.get(point=other_point, kind=ExportKind.CLAIM)
    assert client.post(reverse("reporting:export_download", args=[theirs.pk])).status_code == 404


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.TECHNICIAN, Role.HOTLINE])
def test_desk_roles_do_not_see_the_claim(role, client, staff_of):
    client.force_login(staff_of(role).user)
    assert client.get(reverse("reporting:claim")).status_code == 403


def money(ticket, method, kind, amount, change="0", *, by, at=OCTOBER, cash_up=None):
    return MoneyEntry.objects.create(
        ticket=ticket,
        method=PaymentMethod.objects.get(code=method),
        kind=kind,
        amount=Decimal(amount),
        change=Decimal(change),
        by=by,
        at=at,
        cash_up=cash_up,
    )


def test_the_months_money_is_net_of_change_and_refunds_per_method(point, staff_of):
    desk = staff_of(Role.FRONT_DESK).user
    ticket = handed_over_ticket(point, handed_over_at=OCTOBER)
    money(ticket, "cash", MoneyKind.PAYMENT, "200.00", "19.50", by=desk)
    money(ticket, "cash", MoneyKind.DEPOSIT, "50.00", by=desk)
    money(ticket, "cash", MoneyKind.REFUND, "30.00", by=desk)
    money(ticket, "wechat", MoneyKind.PAYMENT, "99.90", by=desk)
    money(ticket, "alipay", MoneyKind.PAYMENT, "10.00", by=desk, at=NOVEMBER_1ST)  # next month
    methods = {
        m.name: (m.payments, m.refunds, m.net)
        for m in claim.money_by_method(
            point=point, date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31)
        )
    }
    cash = PaymentMethod.objects.get(code="cash").name
    wechat = PaymentMethod.objects.get(code="wechat").name
    assert methods == {
        cash: (Decimal("230.50"), Decimal("30.00"), Decimal("200.50")),
        wechat: (Decimal("99.90"), Decimal("0"), Decimal("99.90")),
    }


def test_the_page_shows_the_claim_money_and_cash_ups_in_few_queries(
    client, point, staff_of, price_list, django_assert_max_num_queries
):
    desk = staff_of(Role.FRONT_DESK)
    manager = staff_of(Role.SERVICE_MANAGER)
    for _ in range(3):
        ticket = repaired(point, staff_of, price_list["screen"], [(price_list["display"], 1)])
        money(ticket, "card", MoneyKind.PAYMENT, "10.00", by=desk.user)
    for day, status, counted in (
        (dt.date(2026, 10, 12), CashUpStatus.CONFIRMED, "100.00"),
        (dt.date(2026, 10, 13), CashUpStatus.CONFIRMED, "95.00"),
        (dt.date(2026, 10, 14), CashUpStatus.SUBMITTED, "100.00"),
    ):
        CashUp.objects.create(
            point=point,
            user=desk.user,
            day=day,
            status=status,
            expected_cash=Decimal("100.00"),
            counted_cash=Decimal(counted),
            note="少了五元" if counted != "100.00" else "",
        )
    client.force_login(manager.user)
    with django_assert_max_num_queries(20):  # the 三包 rows: two more, whatever their number
        response = client.get(reverse("reporting:claim"), {"month": "2026-10"})
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["total"].tickets == 3
    assert response.context["total"].labor == Decimal("240.00")
    assert response.context["total"].parts == Decimal("1861.50")
    assert response.context["money_total"].net == Decimal("30.00")
    cash_ups = response.context["cash_ups"]
    assert (cash_ups.confirmed, cash_ups.waiting, cash_ups.with_difference) == (2, 1, 1)
    assert cash_ups.difference == Decimal("-5.00")
    assert "少了五元" in page and "¥2,101.50" in page


def test_a_month_that_is_not_a_month_is_refused_and_the_default_shown(client, staff_of):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    response = client.get(reverse("reporting:claim"), {"month": "2026-13"})
    assert response.status_code == 200
    assert response.context["form"].errors["month"]


@pytest.mark.parametrize(
    "month",
    [
        "0000-01",  # no year 0: once a server error
        "٠٠٠٠-01",  # Arabic-Indic digits: once a server error
        "２０２６-１２",  # full-width digits: once taken as December
        "1899-12",
        "2100-01",
        "2026-1",
    ],
)
def test_a_month_is_ascii_digits_in_a_bounded_year_or_refused_with_a_message(
    month, client, staff_of
):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, 0, tzinfo=TZ), tick=False):
        response = client.get(reverse("reporting:claim"), {"month": month})
    assert response.status_code == 200
    assert response.context["form"].errors["month"]
    assert response.context["month"] == dt.date(2026, 12, 1), "the open month is shown instead"
    assert response.context["form"]["month"].value() == month, "what was typed stays in the box"


def test_the_claim_opens_on_the_points_current_month_whose_records_are_still_open(
    client, point, staff_of
):
    client.force_login(staff_of(Role.SERVICE_MANAGER).user)
    # 2026-11-30 17:30 UTC is already 1 December in Beijing.
    with time_machine.travel(dt.datetime(2026, 11, 30, 17, 30, tzinfo=dt.UTC), tick=False):
        response = client.get(reverse("reporting:claim"))
    assert response.status_code == 200
    assert response.context["month"] == dt.date(2026, 12, 1)
    assert response.context["form"]["month"].value() == "2026-12"


def test_a_month_with_a_repair_an_exchange_and_a_return_claims_three_rows_of_three_kinds(
    point, staff_of
):
    """rules#warranty-claim: a 三包 exchange or return is claimed as what it was (its own row,
    the faulty device's IMEI, no repair labor, no part never fitted), and the monthly export's
    rows say the same on the database's own path (COPY on PostgreSQL) and the portable one."""
    from parts.models import PartStock
    from repairs.models import TicketStatus
    from reporting import monthly_export
    from tests.tickets import PNG, REPLACEMENT_IMEI, move

    desk, tech = staff_of(Role.FRONT_DESK).user, staff_of(Role.TECHNICIAN).user
    port = RepairType.objects.create(
        point=point, code="PORT", name="更换尾插（充电口）", labor_fee=Decimal("60.00")
    )
    plug = in_stock(
        Part.objects.create(point=point, code="P-PORT", name="X100 尾插小板", price=Decimal("45"))
    )
    repaired_ticket = repaired(point, staff_of, port, [(plug, 1)])

    def diagnosed(imei, days, on_hand):
        PartStock.objects.filter(point=point, part=plug).update(on_hand=on_hand, reserved=0)
        ticket = open_ticket(
            point, desk, imei=imei, purchase_days_ago=days, now=OCTOBER - dt.timedelta(hours=3)
        )
        move(ticket, tech, "start_diagnosis", now=OCTOBER - dt.timedelta(hours=2))
        move(
            ticket,
            tech,
            "diagnose",
            now=OCTOBER - dt.timedelta(hours=1),
            fault_confirmed="尾插接触不良，无法充电（性能故障）",
            repair_type_id=port.pk,
            parts=[PartLineInput(part_id=plug.pk, quantity=1)],
            parts_expected_on=OCTOBER.date() + dt.timedelta(days=3),
        )
        return RepairTicket.objects.get(pk=ticket.pk)

    exchanged = diagnosed("490154203237518", 20, on_hand=1)  # the part reserved
    assert exchanged.part_lines.get().reserved == 1
    move(
        exchanged,
        desk,
        "exchange_device",
        now=OCTOBER,
        replacement_model="X100 Pro",
        replacement_imei=REPLACEMENT_IMEI,
        signature_data_url=PNG,
    )
    returned = diagnosed("353918054210014", 5, on_hand=0)  # the part short
    assert returned.status == TicketStatus.WAITING_PARTS
    move(
        returned,
        desk,
        "return_device",
        now=OCTOBER,
        refund_reference="TK-001",
        signature_data_url=PNG,
    )

    # The exchange gave its reserved part back; neither keeps the repair's labor or parts.
    assert PartStock.objects.get(point=point, part=plug).reserved == 0
    for ticket in (exchanged, returned):
        ticket.refresh_from_db()
        assert (ticket.labor_fee, ticket.repair_type, ticket.part_lines.count()) == (
            Decimal("0"),
            None,
            0,
        )

    lines = claim.claim_lines(
        point=point, date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31)
    )
    assert [
        (line.kind, line.name, line.ticket_number, line.imei, line.tickets, line.labor, line.parts)
        for line in lines
    ] == [
        ("repair", "更换尾插（充电口）", "", "", 1, Decimal("60.00"), Decimal("45.00")),
        (
            "exchange",
            "三包换货",
            exchanged.number,
            "490154203237518",
            1,
            Decimal("0"),
            Decimal("0"),
        ),
        ("return", "三包退货", returned.number, "353918054210014", 1, Decimal("0"), Decimal("0")),
    ]
    _job, rows = claim_file(point)
    assert [row[2:] for row in rows[1:]] == [
        ["PORT", "更换尾插（充电口）", "1", "60.00", "45.00", "105.00", "维修", "", ""],
        [
            "",
            "三包换货",
            "1",
            "0.00",
            "0.00",
            "0.00",
            "三包换货",
            exchanged.number,
            "490154203237518",
        ],
        [
            "",
            "三包退货",
            "1",
            "0.00",
            "0.00",
            "0.00",
            "三包退货",
            returned.number,
            "353918054210014",
        ],
    ]

    keys = [column.key for column in monthly_export.COLUMNS]
    wanted = ["imei", "labor_fee", "parts", "parts_fee", "result"]
    handle = io.StringIO()
    october = {"date_from": dt.date(2026, 10, 1), "date_to": dt.date(2026, 10, 31)}
    monthly_export.write_rows(handle, point=point, **october)
    written = {
        row[0]: [row[keys.index(key)] for key in wanted]
        for row in csv.reader(io.StringIO(handle.getvalue()))
    }
    assert written == {
        repaired_ticket.number: [
            repaired_ticket.device.serial_number,
            "60.00",
            "X100 尾插小板 x1",
            "45.00",
            "修复交机",
        ],
        exchanged.number: ["490154203237518", "0.00", "", "0.00", "换货"],
        returned.number: ["353918054210014", "0.00", "", "0.00", "退货"],
    }
    portable = monthly_export.rows(
        monthly_export.tickets_for(point=point, **october), ZoneInfo(point.time_zone)
    )
    assert {row[0]: [str(row[keys.index(key)]) for key in wanted] for row in portable} == written
