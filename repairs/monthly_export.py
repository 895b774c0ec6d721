"""The repair-record export to the regional service center (DOMAIN 8).

``COLUMNS`` is the documented, stable column list: English key, Chinese header, and how the value
is read. Rows are read with a server-side cursor (``iterator``) and written as they come, so memory
stays flat whatever the number of tickets. A ticket belongs to the export of the month of its
intake (every record is entered the same day it is opened).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from repairs.models import RepairTicket, WarrantyStatus
from servicedesk.models import ServicePoint


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    source: str  # a values_list() path
    render: Callable[[object, ZoneInfo], object] | None = None


def _datetime(value, tz: ZoneInfo):
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""


def _money(value, _tz):
    return f"{value:.2f}" if value is not None else ""


def _flag(value, _tz):
    return 1 if value else 0


WARRANTY_LABELS = {
    WarrantyStatus.RETURN: "保内（可退换修）",
    WarrantyStatus.EXCHANGE: "保内（可换修）",
    WarrantyStatus.FREE_REPAIR: "保内（免费维修）",
    WarrantyStatus.OUT_OF_WARRANTY: "保外",
}

COLUMNS: list[Column] = [
    Column("ticket_number", "维修单号", "number"),
    Column("point_code", "网点编码", "point__code"),
    Column("intake_at", "接机时间", "created_at", _datetime),
    Column("ready_at", "修好时间", "ready_at", _datetime),
    Column("handed_over_at", "交机时间", "handed_over_at", _datetime),
    Column("model", "机型", "device__model_name"),
    Column("imei", "IMEI/序列号", "device__imei"),
    Column(
        "warranty_status", "保修判定", "warranty_status", lambda v, _tz: WARRANTY_LABELS.get(v, v)
    ),
    Column("warranty_reason", "判定原因", "warranty_reason_text"),
    Column("fault_described", "故障现象", "fault_description"),
    Column("fault_confirmed", "故障确认", "fault_confirmed"),
    Column("repair_method", "维修措施", "repair_method"),
    Column("labor_fee", "工时费", "labor_fee", _money),
    Column("technician", "维修工程师", "technician__staff_profile__display_name"),
    Column("repeat_repair", "返修", "repeat_of_id", _flag),
]


def tickets_for(*, point: ServicePoint, date_from: dt.date, date_to: dt.date) -> QuerySet:
    """The point's tickets with intake on ``date_from``..``date_to`` (local dates, inclusive)."""
    tz = ZoneInfo(point.time_zone)
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return RepairTicket.objects.filter(point=point, created_at__gte=start, created_at__lt=end)


def header() -> list[str]:
    return [column.header for column in COLUMNS]


def rows(queryset: QuerySet, tz: ZoneInfo, chunk_size: int = 2000) -> Iterator[list]:
    """Ticket rows in ``COLUMNS`` order, streamed from a server-side cursor."""
    paths = [column.source for column in COLUMNS]
    serial = COLUMNS.index(next(c for c in COLUMNS if c.key == "imei"))
    for values in (
        queryset.order_by("created_at", "id")
        .values_list(*paths, "device__serial_number")
        .iterator(chunk_size=chunk_size)
    ):
        row = []
        for column, value in zip(COLUMNS, values, strict=False):
            row.append(column.render(value, tz) if column.render else (value or ""))
        if not row[serial]:
            row[serial] = values[-1]
        yield row
