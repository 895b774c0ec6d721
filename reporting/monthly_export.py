"""The repair-record export to the regional service center (rules#export).

``COLUMNS`` is the documented, stable column list: English key, Chinese header, and how the value
is read, once for PostgreSQL (a SQL expression, streamed by ``COPY … TO STDOUT``, near the
database's own speed and in constant memory) and once for other databases (a ``values_list`` path
read through a server-side cursor). Both give the same text; the export tests run on both.
Text cells that Excel could run as a formula are neutralised with a leading ``'``.
A ticket belongs to the export of the month of its intake (records are entered the same day).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import DecimalField, Exists, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from repairs.models import RepairTicket, TicketStatus, WarrantyStatus
from servicedesk.csvfiles import csv_safe
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
    """SQL for a text cell, neutralised like ``servicedesk.csvfiles.csv_safe``."""
    value = f"COALESCE({expression}, '')"
    return f"CASE WHEN {value} ~ '^[=+@\\t\\r\\n-]' THEN '''' || {value} ELSE {value} END"


def _sql_time(expression: str) -> str:
    return f"COALESCE(to_char({expression} AT TIME ZONE %(tz)s, 'YYYY-MM-DD HH24:MI'), '')"


_WARRANTY_SQL = (
    "CASE t.warranty_status "
    + " ".join(f"WHEN '{key.value}' THEN '{label}'" for key, label in WARRANTY_LABELS.items())
    + " ELSE t.warranty_status END"
)


_RESULT_SQL = (
    "CASE t.status "
    + " ".join(f"WHEN '{key.value}' THEN '{label}'" for key, label in RESULT_LABELS.items())
    + " ELSE '' END"
)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    sql: str
    source: str  # a values_list() path for the portable reader
    render: Callable[[object, ZoneInfo], object] | None = None


COLUMNS: list[Column] = [
    Column("ticket_number", "维修单号", _sql_text("t.number"), "number"),
    Column("point_code", "网点编码", _sql_text("p.code"), "point__code"),
    Column("intake_at", "接机时间", _sql_time("t.created_at"), "created_at", _datetime),
    Column("ready_at", "修好时间", _sql_time("t.ready_at"), "ready_at", _datetime),
    Column(
        "handed_over_at", "交机时间", _sql_time("t.handed_over_at"), "handed_over_at", _datetime
    ),
    Column("model", "机型", _sql_text("d.model_name"), "device__model_name"),
    Column(
        "imei",
        "IMEI/序列号",
        _sql_text("COALESCE(NULLIF(d.imei, ''), d.serial_number)"),
        "device__imei",
    ),
    Column(
        "warranty_status",
        "保修判定",
        _WARRANTY_SQL,
        "warranty_status",
        lambda v, _tz: WARRANTY_LABELS.get(v, v),  # type: ignore[call-overload]
    ),
    Column(
        "warranty_reason", "判定原因", _sql_text("t.warranty_reason_text"), "warranty_reason_text"
    ),
    Column("fault_described", "故障现象", _sql_text("t.fault_description"), "fault_description"),
    Column("fault_confirmed", "故障确认", _sql_text("t.fault_confirmed"), "fault_confirmed"),
    Column("repair_method", "维修措施", _sql_text("t.repair_method"), "repair_method"),
    Column("labor_fee", "工时费", "to_char(t.labor_fee, 'FM999999990.00')", "labor_fee", _money),
    Column(
        "parts",
        "更换配件",
        _sql_text(
            "(SELECT string_agg(pl.name || ' x' || pl.quantity, '; ' ORDER BY pl.id)"
            " FROM repairs_partline pl WHERE pl.ticket_id = t.id)"
        ),
        "parts_summary",
    ),
    Column(
        "parts_fee",
        "配件费",
        "to_char(COALESCE((SELECT sum(pl.unit_price * pl.quantity) FROM repairs_partline pl"
        " WHERE pl.ticket_id = t.id), 0), 'FM999999990.00')",
        "parts_fee",
        _money,
    ),
    Column(
        "technician",
        "维修工程师",
        _sql_text("sp.display_name"),
        "technician__staff_profile__display_name",
    ),
    Column(
        "satisfaction",
        "满意度评分",
        "COALESCE((SELECT sc.rating::text FROM repairs_satisfactioncard sc"
        " WHERE sc.ticket_id = t.id), '')",
        "satisfaction__rating",
    ),
    Column(
        "complaint",
        "投诉",
        "CASE WHEN EXISTS (SELECT 1 FROM complaints_complaint c WHERE c.ticket_id = t.id)"
        " THEN 1 ELSE 0 END",
        "has_complaint",
        _flag,
    ),
    Column(
        "repeat_repair",
        "返修",
        # Back within the window after a repair at any point (nationwide warranty).
        "CASE WHEN t.repeat_count > 0 THEN 1 ELSE 0 END",
        "repeat_count",
        _flag,
    ),
    Column(
        "result",
        "处理结果",
        _RESULT_SQL,
        "status",
        lambda v, _tz: RESULT_LABELS.get(v, ""),  # type: ignore[call-overload]
    ),
]

_FROM = """
FROM repairs_repairticket t
JOIN servicedesk_servicepoint p ON p.id = t.point_id
JOIN intake_device d ON d.id = t.device_id
LEFT JOIN servicedesk_staffprofile sp ON sp.user_id = t.technician_id
WHERE t.point_id = %(point)s AND t.created_at >= %(start)s AND t.created_at < %(end)s
ORDER BY t.created_at, t.id
"""


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


def select_sql() -> str:
    return "SELECT " + ", ".join(column.sql for column in COLUMNS) + _FROM


def write_rows(handle, *, point: ServicePoint, date_from: dt.date, date_to: dt.date) -> int:
    """Append the data rows (no header) to an open text file, in constant memory; returns the
    number of rows written."""
    tz, start, end = _bounds(point, date_from, date_to)
    if connection.vendor == "postgresql":
        params = {"point": point.pk, "start": start, "end": end, "tz": point.time_zone}
        handle.flush()
        with connection.cursor() as cursor:
            query = cursor.mogrify(select_sql(), params).decode()
            cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", handle)
            return cursor.rowcount
    writer = csv.writer(handle, lineterminator="\n")
    written = 0
    for row in rows(tickets_for(point=point, date_from=date_from, date_to=date_to), tz):
        writer.writerow([csv_safe(cell) for cell in row])
        written += 1
    return written


def rows(queryset: QuerySet, tz: ZoneInfo, chunk_size: int = 2000) -> Iterator[list]:
    """Ticket rows in ``COLUMNS`` order from a server-side cursor (the portable reader); part
    lines are fetched once per chunk of tickets."""
    from parts.models import PartLine

    fee = (
        PartLine.objects.filter(ticket=OuterRef("pk"))
        .values("ticket")
        .annotate(s=Sum(F("unit_price") * F("quantity")))
        .values("s")
    )
    from complaints.models import Complaint

    queryset = queryset.annotate(
        parts_fee=Coalesce(Subquery(fee), Value(Decimal("0")), output_field=DecimalField()),
        parts_summary=Value(""),
        has_complaint=Exists(Complaint.objects.filter(ticket=OuterRef("pk"))),
    )
    paths = [column.source for column in COLUMNS]
    imei = next(i for i, c in enumerate(COLUMNS) if c.key == "imei")
    parts = next(i for i, c in enumerate(COLUMNS) if c.key == "parts")
    chunk: list = []
    stream = (
        queryset.order_by("created_at", "id")
        .values_list(*paths, "device__serial_number", "pk")
        .iterator(chunk_size=chunk_size)
    )
    for values in stream:
        chunk.append(values)
        if len(chunk) >= chunk_size:
            yield from _render_chunk(chunk, tz, imei, parts)
            chunk = []
    if chunk:
        yield from _render_chunk(chunk, tz, imei, parts)


def _render_chunk(chunk: list, tz: ZoneInfo, imei: int, parts: int) -> Iterator[list]:
    from parts.models import PartLine

    lines: dict[int, list[str]] = {}
    for ticket_id, name, quantity in (
        PartLine.objects.filter(ticket_id__in=[values[-1] for values in chunk])
        .order_by("id")
        .values_list("ticket_id", "name", "quantity")
    ):
        lines.setdefault(ticket_id, []).append(f"{name} x{quantity}")
    for values in chunk:
        row = [
            column.render(value, tz) if column.render else ("" if value is None else value)
            for column, value in zip(COLUMNS, values, strict=False)
        ]
        if not row[imei]:
            row[imei] = values[-2]
        row[parts] = "; ".join(lines.get(values[-1], []))
        yield row
