"""The monthly warranty claim (保内维修结算, rules#warranty-claim) and the month's counter money.

Each month a point claims from the brand the labor (per repair type) and the parts of its
in-warranty repairs, returns and exchanges. A ticket belongs to the claim of the month in which
it was handed back (``handed_over_at``, in the point's time; a return, whose device stays at the
point, in the month of its 三包 decision), in any state of ``CLAIMABLE``, with
any warranty decision but out of warranty. The claim file is written by the same export jobs as
the monthly repair records (``reporting.exports``, kind ``claim``), through the same Excel-safe
writer; the manager's page shows the same figures from ``claim_lines``.

A return or an exchange is claimed as what it was, one row per ticket with the faulty device's
IMEI, never under the repair type its diagnosis had planned; only the parts actually fitted
(taken from the stock at "repair done") are claimed.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from counter.models import CashUp, CashUpStatus, MoneyEntry, MoneyKind
from parts.models import PartLine
from repairs.models import RepairTicket, TicketStatus, WarrantyStatus
from reporting.monthly_export import _bounds
from servicedesk.csvfiles import csv_safe
from servicedesk.models import ServicePoint

ZERO = Decimal("0.00")

#: The states of a ticket the brand pays for: handed over after a repair, and the 三包 returns and
#: exchanges (named as strings: their states are added by the return-and-exchange work, and the
#: claim picks them up as soon as tickets reach them).
CLAIMABLE: frozenset[str] = frozenset({TicketStatus.HANDED_OVER.value, "returned", "exchanged"})

#: The claim file's documented, stable columns (docs/monthly-export.md): key and Chinese header.
COLUMNS: list[tuple[str, str]] = [
    ("point_code", "网点编码"),
    ("month", "结算月份"),
    ("repair_type_code", "维修类型编码"),
    ("repair_type", "维修类型"),
    ("tickets", "单数"),
    ("labor_fee", "工时费合计"),
    ("parts_fee", "配件费合计"),
    ("total", "合计"),
    ("kind", "类别"),
    ("ticket_number", "维修单号"),
    ("imei", "故障机IMEI/序列号"),
]

#: What a claim row is: repairs grouped by repair type; each 三包 exchange and return on its own.
REPAIR, EXCHANGE, RETURN = "repair", "exchange", "return"
#: The claim file's words for each kind (the file is in Chinese whatever the screen's language).
KIND_WORDS: dict[str, str] = {REPAIR: "维修", EXCHANGE: "三包换货", RETURN: "三包退货"}
#: The page's words for each kind.
KIND_LABELS = {REPAIR: _("Repair"), EXCHANGE: _("三包 exchange"), RETURN: _("三包 return")}
KIND_OF_STATUS = {TicketStatus.EXCHANGED.value: EXCHANGE, TicketStatus.RETURNED.value: RETURN}


@dataclass
class ClaimLine:
    """One row of the month's claim: a repair type's tickets, their labor and their parts; or
    one 三包 exchange or return (its ticket and the faulty device's IMEI, no repair labor)."""

    code: str
    name: str
    tickets: int = 0
    labor: Decimal = ZERO
    parts: Decimal = ZERO
    kind: str = REPAIR
    ticket_id: int | None = None
    ticket_number: str = ""
    imei: str = ""

    @property
    def total(self) -> Decimal:
        return self.labor + self.parts

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def fitted_lines() -> QuerySet:
    """The part lines whose parts were actually fitted (taken from the stock at "repair done"):
    a part reserved by a diagnosis whose repair never happened is not claimed."""
    return PartLine.objects.filter(consumed__gt=0)


FITTED_VALUE = F("unit_price") * F("consumed")


def month_range(month: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of ``month``'s month."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def tickets_for(*, point: ServicePoint, date_from: dt.date, date_to: dt.date) -> QuerySet:
    """The point's claimable tickets handed back on ``date_from``..``date_to`` (local dates)."""
    _tz, start, end = _bounds(point, date_from, date_to)
    handed_back = Q(status__in=CLAIMABLE, handed_over_at__gte=start, handed_over_at__lt=end)
    # A returned device stays at the point (the customer is refunded): it is claimed in the
    # month of the 三包 decision.
    returned = Q(
        status=TicketStatus.RETURNED,
        handed_over_at__isnull=True,
        sanbao__decided_at__gte=start,
        sanbao__decided_at__lt=end,
    )
    return (
        RepairTicket.objects.filter(handed_back | returned, point=point)
        .exclude(warranty_status=WarrantyStatus.OUT_OF_WARRANTY)
        .order_by()
    )


def claim_lines(*, point: ServicePoint, date_from: dt.date, date_to: dt.date) -> list[ClaimLine]:
    """rules#warranty-claim: per repair type, the count, labor and parts of the claimable
    repairs, ordered by repair type code, tickets without a repair type last; then each 三包
    exchange and return as a row of its own (no repair labor, the faulty device's IMEI). Summed
    in SQL: four queries whatever the month's size."""
    tickets = tickets_for(point=point, date_from=date_from, date_to=date_to)
    sanbao_states = list(KIND_OF_STATUS)
    repairs = tickets.exclude(status__in=sanbao_states)
    lines: dict[int | None, ClaimLine] = {}
    labor = (
        repairs.values("repair_type", "repair_type__code", "repair_type__name")
        .annotate(n=Count("pk"), labor=Sum("labor_fee"))
        .order_by()
    )
    for row in labor:
        lines[row["repair_type"]] = ClaimLine(
            code=row["repair_type__code"] or "",
            name=row["repair_type__name"] or "",
            tickets=row["n"],
            labor=row["labor"] or ZERO,
        )
    parts = (
        fitted_lines()
        .filter(ticket__in=repairs.values("pk"))
        .values("ticket__repair_type")
        .annotate(parts=Sum(FITTED_VALUE))
        .order_by()
    )
    for row in parts:
        lines[row["ticket__repair_type"]].parts = row["parts"] or ZERO
    repaired = sorted(lines.values(), key=lambda line: (not line.code, line.code, line.name))
    sanbao = {
        row["pk"]: ClaimLine(
            code="",
            name=KIND_WORDS[KIND_OF_STATUS[row["status"]]],
            tickets=1,
            kind=KIND_OF_STATUS[row["status"]],
            ticket_id=row["pk"],
            ticket_number=row["number"],
            imei=row["faulty"] or "",
        )
        for row in tickets.filter(status__in=sanbao_states)
        .annotate(faulty=Coalesce(NullIf("device__imei", Value("")), "device__serial_number"))
        .values("pk", "number", "status", "faulty")
        .order_by("number")
    }
    if sanbao:
        for row in (
            fitted_lines()
            .filter(ticket__in=list(sanbao))
            .values("ticket")
            .annotate(parts=Sum(FITTED_VALUE))
            .order_by()
        ):
            sanbao[row["ticket"]].parts = row["parts"] or ZERO
    order = {EXCHANGE: 0, RETURN: 1}
    return repaired + sorted(
        sanbao.values(), key=lambda line: (order[line.kind], line.ticket_number)
    )


def claim_total(lines: list[ClaimLine]) -> ClaimLine:
    total = ClaimLine(code="", name="")
    for line in lines:
        total.tickets += line.tickets
        total.labor += line.labor
        total.parts += line.parts
    return total


def header() -> list[str]:
    return [title for _key, title in COLUMNS]


def write_rows(handle: TextIO, *, point: ServicePoint, date_from: dt.date, date_to: dt.date) -> int:
    """Append the claim's rows (no header) to an open text file; returns the number written.
    Text cells are neutralised (``csv_safe``), money stays plain numbers with 2 places."""
    writer = csv.writer(handle, lineterminator="\n")
    month = f"{date_from:%Y-%m}"
    written = 0
    for line in claim_lines(point=point, date_from=date_from, date_to=date_to):
        writer.writerow(
            [
                csv_safe(point.code),
                month,
                csv_safe(line.code),
                csv_safe(line.name),
                line.tickets,
                f"{line.labor:.2f}",
                f"{line.parts:.2f}",
                f"{line.total:.2f}",
                KIND_WORDS[line.kind],
                csv_safe(line.ticket_number),
                csv_safe(line.imei),
            ]
        )
        written += 1
    return written


@dataclass
class MethodTotal:
    """The month's counter money of one payment method (rules#payment)."""

    name: str
    payments: Decimal = ZERO  # payments and deposits, net of the change given
    refunds: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.payments - self.refunds


@dataclass
class CashUpSummary:
    confirmed: int = 0
    waiting: int = 0
    with_difference: int = 0
    difference: Decimal = ZERO
    differing: list[CashUp] = field(default_factory=list)


def money_by_method(
    *, point: ServicePoint, date_from: dt.date, date_to: dt.date
) -> list[MethodTotal]:
    """The month's totals per method: what was taken (net of change) less what was refunded;
    one query."""
    _tz, start, end = _bounds(point, date_from, date_to)
    totals: dict[str, MethodTotal] = {}
    rows = (
        MoneyEntry.objects.filter(ticket__point=point, at__gte=start, at__lt=end)
        .values("method__position", "method__code", "method__name", "kind")
        .annotate(amount=Sum("amount"), change=Sum("change"))
        .order_by("method__position", "method__code", "kind")
    )
    for row in rows:
        total = totals.setdefault(row["method__code"], MethodTotal(name=row["method__name"]))
        if row["kind"] == MoneyKind.REFUND:
            total.refunds += row["amount"]
        else:
            total.payments += row["amount"] - row["change"]
    return list(totals.values())


def money_total(methods: list[MethodTotal]) -> MethodTotal:
    total = MethodTotal(name="")
    for method in methods:
        total.payments += method.payments
        total.refunds += method.refunds
    return total


def cash_ups_of_month(
    *, point: ServicePoint, date_from: dt.date, date_to: dt.date, shown: int = 20
) -> CashUpSummary:
    """The month's daily cash-ups: confirmed, waiting for the supervisor, and those whose counted
    cash differs from what the entries say (the first ``shown`` of them listed); two queries."""
    cash_ups = CashUp.objects.filter(point=point, day__gte=date_from, day__lte=date_to)
    differs = ~Q(counted_cash=F("expected_cash"))
    figures = cash_ups.aggregate(
        confirmed=Count("pk", filter=Q(status=CashUpStatus.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=CashUpStatus.SUBMITTED)),
        with_difference=Count("pk", filter=differs),
        difference=Sum(F("counted_cash") - F("expected_cash")),
    )
    summary = CashUpSummary(
        confirmed=figures["confirmed"],
        waiting=figures["waiting"],
        with_difference=figures["with_difference"],
        difference=figures["difference"] or ZERO,
    )
    if summary.with_difference:
        summary.differing = list(
            cash_ups.filter(differs)
            .select_related("user__staff_profile")
            .order_by("day", "pk")[:shown]
        )
    return summary
