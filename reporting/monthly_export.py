"""The repair-record export to the regional service center (rules#export).

``COLUMNS`` is the documented, stable column list: English key, Chinese header, what the cell
reads (a path or an expression of one ORM query) and its kind (text, time, money, flag, …). From
them come both readers: on PostgreSQL the query's SQL, each cell made text by its kind, is
streamed by ``COPY … TO STDOUT`` (near the database's own speed, in constant memory); on other
databases the same query is read through a server-side cursor and each kind renders its cell in
Python. Both give the same text; the export tests run on both. Text cells that Excel could run as
a formula are neutralised with a leading ``'`` (the one rule of ``servicedesk.csvfiles``).
A ticket belongs to the export of the month of its intake (records are entered the same day).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    Exists,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, NullIf

from repairs.models import RepairTicket, TicketStatus, WarrantyStatus
from servicedesk.csvfiles import FORMULA_STARTS, csv_safe
from servicedesk.models import ServicePoint


def _datetime(value, tz: ZoneInfo):
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""


def _money(value, _tz):
    return f"{value:.2f}" if value is not None else ""


def _flag(value, _tz):
    return 1 if value else 0


WARRANTY_LABELS: dict[WarrantyStatus, str] = {
    WarrantyStatus.RETURN: "保内（可退换修）",
    WarrantyStatus.EXCHANGE: "保内（可换修）",
    WarrantyStatus.FREE_REPAIR: "保内（免费维修）",
    WarrantyStatus.OUT_OF_WARRANTY: "保外",
}


#: How the record ended (rules#export): the documented values of the ``result`` column; empty
#: while the device is still at the point.
RESULT_LABELS: dict[TicketStatus, str] = {
    TicketStatus.HANDED_OVER: "修复交机",
    TicketStatus.RETURNED_UNREPAIRED: "未修退回",
    TicketStatus.RETURNED: "退货",
    TicketStatus.EXCHANGED: "换货",
}


def _sql_text(expression: str) -> str:
    """SQL for a text cell, neutralised by the rule of ``servicedesk.csvfiles.csv_safe`` (its
    ``FORMULA_STARTS``; PostgreSQL text never holds NUL)."""
    escaped = {"\t": "\\t", "\r": "\\r", "\n": "\\n"}
    starts = [c for c in FORMULA_STARTS if c not in ("\0", "-")]
    pattern = "^[" + "".join(escaped.get(c, c) for c in starts) + "-]"
    value = f"COALESCE({expression}, '')"
    return f"CASE WHEN {value} ~ '{pattern}' THEN '''' || {value} ELSE {value} END"


@dataclass(frozen=True)
class Kind:
    """How a column's value becomes its cell: the same text in SQL (the COPY path) and in Python
    (the portable path)."""

    #: (the column's expression, the point's zone as an SQL literal) -> the cell's SQL
    sql: Callable[[str, str], str]
    python: Callable[[Any, ZoneInfo], object]


TEXT = Kind(lambda c, _tz: _sql_text(c), lambda value, _tz: "" if value is None else value)
TIME = Kind(
    lambda c, tz: f"COALESCE(to_char({c} AT TIME ZONE {tz}, 'YYYY-MM-DD HH24:MI'), '')",
    _datetime,
)
MONEY = Kind(lambda c, _tz: f"to_char({c}, 'FM999999990.00')", _money)
FLAG = Kind(lambda c, _tz: f"CASE WHEN ({c})::int > 0 THEN 1 ELSE 0 END", _flag)
NUMBER = Kind(lambda c, _tz: f"COALESCE(({c})::text, '')", TEXT.python)


def labels(words: Mapping[Any, str], *, unknown_as_is: bool) -> Kind:
    """A code shown as its documented words; an unknown code as itself, or empty."""
    cases = " ".join(f"WHEN '{key}' THEN '{label}'" for key, label in words.items())
    return Kind(
        lambda c, _tz: f"CASE {c} {cases} ELSE {c if unknown_as_is else repr('')} END",
        lambda value, _tz: words.get(value, value if unknown_as_is else ""),
    )


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    #: What the cell reads, once for every database: a path from the ticket, or a function
    #: returning an expression (built when the export runs).
    value: str | Callable[[], Any]
    kind: Kind = TEXT


def _fitted_lines() -> QuerySet:
    """The part lines actually fitted (taken from the stock at "repair done"): a part that a
    diagnosis reserved for a repair that never happened (a 三包 return or exchange, a refused
    quote) is no replaced part."""
    from parts.models import PartLine

    return PartLine.objects.filter(consumed__gt=0)


def _labor_fee() -> Case:
    """A 三包 return or exchange replaced the repair: no repair labor, whatever the diagnosis
    had planned."""
    return Case(
        When(status__in=SANBAO_STATES, then=Value(Decimal("0"))),
        default=F("labor_fee"),
        output_field=DecimalField(),
    )


SANBAO_STATES = (TicketStatus.RETURNED, TicketStatus.EXCHANGED)


def _parts_fee() -> Coalesce:
    total = Subquery(
        _fitted_lines()
        .filter(ticket=OuterRef("pk"))
        .values("ticket")
        .annotate(s=Sum(F("unit_price") * F("consumed")))
        .values("s")
    )
    return Coalesce(total, Value(Decimal("0")), output_field=DecimalField())


def _parts_summary() -> Subquery | Value:
    """``name xN; …`` in line order. PostgreSQL aggregates it in the query; elsewhere the rows
    are read without it and ``rows`` fills it in, once per chunk of tickets."""
    if connection.vendor != "postgresql":
        return Value("")
    from django.contrib.postgres.aggregates import StringAgg

    line = Concat("name", Value(" x"), Cast("consumed", CharField()), output_field=CharField())
    return Subquery(
        _fitted_lines()
        .filter(ticket=OuterRef("pk"))
        .values("ticket")
        .annotate(s=StringAgg(line, "; ", order_by="id"))
        .values("s")
    )


def _has_complaint() -> Exists:
    from complaints.models import Complaint

    return Exists(Complaint.objects.filter(ticket=OuterRef("pk")))


def _imei_or_serial() -> Coalesce:
    return Coalesce(NullIf("device__imei", Value("")), "device__serial_number")


COLUMNS: list[Column] = [
    Column("ticket_number", "维修单号", "number"),
    Column("point_code", "网点编码", "point__code"),
    Column("intake_at", "接机时间", "created_at", TIME),
    Column("ready_at", "修好时间", "ready_at", TIME),
    Column("handed_over_at", "交机时间", "handed_over_at", TIME),
    Column("model", "机型", "device__model_name"),
    Column("imei", "IMEI/序列号", _imei_or_serial),
    Column(
        "warranty_status",
        "保修判定",
        "warranty_status",
        labels(WARRANTY_LABELS, unknown_as_is=True),
    ),
    Column("warranty_reason", "判定原因", "warranty_reason_text"),
    Column("fault_described", "故障现象", "fault_description"),
    Column("fault_confirmed", "故障确认", "fault_confirmed"),
    Column("repair_method", "维修措施", "repair_method"),
    Column("labor_fee", "工时费", _labor_fee, MONEY),
    Column("parts", "更换配件", _parts_summary),
    Column("parts_fee", "配件费", _parts_fee, MONEY),
    Column("technician", "维修工程师", "technician__staff_profile__display_name"),
    Column("satisfaction", "满意度评分", "satisfaction__rating", NUMBER),
    Column("complaint", "投诉", _has_complaint, FLAG),
    # Back within the window after a repair at any point (nationwide warranty).
    Column("repeat_repair", "返修", "repeat_count", FLAG),
    Column("result", "处理结果", "status", labels(RESULT_LABELS, unknown_as_is=False)),
]


def _bounds(point: ServicePoint, date_from: dt.date, date_to: dt.date):
    tz = ZoneInfo(point.time_zone)
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return tz, start, end


def tickets_for(*, point: ServicePoint, date_from: dt.date, date_to: dt.date) -> QuerySet:
    """The point's tickets with intake on ``date_from``..``date_to`` (local dates, inclusive)."""
    _tz, start, end = _bounds(point, date_from, date_to)
    return RepairTicket.objects.filter(point=point, created_at__gte=start, created_at__lt=end)


def header() -> list[str]:
    return [column.header for column in COLUMNS]


#: The query's name of each column's cell.
CELLS = [f"c{i}" for i in range(len(COLUMNS))]


def _cells(queryset: QuerySet) -> QuerySet:
    """The export's one query: a cell per column (``c0``, ``c1``, …), in the export's order."""
    expressions = {
        name: F(column.value) if isinstance(column.value, str) else column.value()
        for name, column in zip(CELLS, COLUMNS, strict=True)
    }
    return queryset.annotate(**expressions).order_by("created_at", "id")


def copy_sql(*, point: ServicePoint, date_from: dt.date, date_to: dt.date) -> str:
    """The PostgreSQL SELECT that ``COPY … TO STDOUT`` streams: the export's query, each cell
    made text by its column's kind, the parameters inlined."""
    queryset = _cells(tickets_for(point=point, date_from=date_from, date_to=date_to))
    inner, params = queryset.values_list(*CELLS, "created_at", "id").query.sql_with_params()
    with connection.cursor() as cursor:
        inner = cursor.mogrify(inner, params).decode()
        zone = cursor.mogrify("%s", [point.time_zone]).decode()
    cells = ", ".join(
        column.kind.sql(f"q.{name}", zone) for name, column in zip(CELLS, COLUMNS, strict=True)
    )
    # The inner query's order does not carry through the outer SELECT: stated again.
    return f"SELECT {cells} FROM ({inner}) q ORDER BY q.created_at, q.id"  # noqa: S608


def write_rows(handle, *, point: ServicePoint, date_from: dt.date, date_to: dt.date) -> int:
    """Append the data rows (no header) to an open text file, in constant memory; returns the
    number of rows written."""
    if connection.vendor == "postgresql":
        query = copy_sql(point=point, date_from=date_from, date_to=date_to)
        handle.flush()
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", handle)
            return cursor.rowcount
    writer = csv.writer(handle, lineterminator="\n")
    written = 0
    queryset = tickets_for(point=point, date_from=date_from, date_to=date_to)
    for row in rows(queryset, ZoneInfo(point.time_zone)):
        writer.writerow([csv_safe(cell) for cell in row])
        written += 1
    return written


def rows(queryset: QuerySet, tz: ZoneInfo, chunk_size: int = 2000) -> Iterator[list]:
    """Ticket rows in ``COLUMNS`` order from a server-side cursor (the portable reader), each
    cell made by its column's kind; part lines are fetched once per chunk of tickets."""
    chunk: list = []
    for values in _cells(queryset).values_list(*CELLS, "pk").iterator(chunk_size=chunk_size):
        chunk.append(values)
        if len(chunk) >= chunk_size:
            yield from _render_chunk(chunk, tz)
            chunk = []
    if chunk:
        yield from _render_chunk(chunk, tz)


PARTS = next(i for i, column in enumerate(COLUMNS) if column.key == "parts")


def _render_chunk(chunk: list, tz: ZoneInfo) -> Iterator[list]:
    summarised = connection.vendor == "postgresql"  # by the query itself
    lines: dict[int, list[str]] = {}
    if not summarised:
        for ticket_id, name, quantity in (
            _fitted_lines()
            .filter(ticket_id__in=[values[-1] for values in chunk])
            .order_by("id")
            .values_list("ticket_id", "name", "consumed")
        ):
            lines.setdefault(ticket_id, []).append(f"{name} x{quantity}")
    for values in chunk:
        row = [
            column.kind.python(value, tz) for column, value in zip(COLUMNS, values, strict=False)
        ]
        if not summarised:
            row[PARTS] = "; ".join(lines.get(values[-1], []))
        yield row
