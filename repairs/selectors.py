"""Reads of repair records, scoped to the user's points."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.models import Device
from parts.models import Part, PartLine
from repairs.models import OPEN_STATUSES, RepairTicket, TicketEvent, TicketStatus, WarrantyStatus
from servicedesk import inputs
from servicedesk.models import ServicePoint
from servicedesk.tenancy import CrossPointRefused, cross_point_lookup, scope_for, scoped

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from servicedesk.types import AnyUser


def ticket_list(*, user: AnyUser) -> QuerySet[RepairTicket]:
    return scoped(RepairTicket, user).select_related("customer", "device", "point")


def ticket_earlier_repairs(*, user: AnyUser, ticket: RepairTicket) -> QuerySet[RepairTicket]:
    """The device's earlier tickets at this point (for repeat repairs, rules#repair)."""
    return (
        scoped(RepairTicket, user)
        .filter(device=ticket.device, created_at__lt=ticket.created_at)
        .order_by("-created_at")[:10]
    )


def technician_queue(*, user: AnyUser) -> QuerySet[RepairTicket]:
    """Tickets waiting for a technician, oldest first (rules#repair)."""
    from repairs.models import TicketStatus

    return (
        scoped(RepairTicket, user)
        .filter(
            status__in=[
                TicketStatus.REGISTERED,
                TicketStatus.DIAGNOSING,
                TicketStatus.REPAIRING,
                TicketStatus.WAITING_PARTS,
            ]
        )
        .select_related("customer", "device", "technician__staff_profile")
        .order_by("created_at", "id")
    )


def ticket_timeline(*, ticket: RepairTicket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related("actor__staff_profile").order_by("at", "id")


@dataclass(frozen=True)
class PartChoices:
    """The point's active parts for a device: those that fit its model first."""

    fitting: list[Part]
    others: list[Part]


def parts_for_device(*, point: ServicePoint, model_name: str) -> PartChoices:
    """The diagnosis form's parts (rules#quote): the ones that fit the device's model (or every
    model) first, then the rest of the point's price list, each once."""
    from django.db.models import F, IntegerField
    from django.db.models.functions import Coalesce

    # rules#parts: what is free in stock beside each part, so the technician sees a shortage.
    parts = list(
        Part.objects.filter(point=point, is_active=True)
        .annotate(
            free=Coalesce(
                F("stock__on_hand") - F("stock__reserved"), 0, output_field=IntegerField()
            )
        )
        .order_by("name", "code")
    )
    return PartChoices(
        fitting=[p for p in parts if p.fits(model_name)],
        others=[p for p in parts if not p.fits(model_name)],
    )


def ticket_public_status(*, number: str, last_four: str) -> RepairTicket | None:
    """Self-service status (no login): the ticket only when the number and the last four digits
    of the contact phone both match; otherwise None, whether or not the ticket exists."""
    from intake.phones import last_four as phone_last_four

    number = number.strip().upper()[:32]
    digits = "".join(ch for ch in last_four if ch.isdigit())
    if len(digits) != 4 or not number:
        return None
    ticket = RepairTicket.objects.select_related("point", "customer").filter(number=number).first()
    if ticket is None:
        return None
    phones = {phone_last_four(ticket.contact_phone), phone_last_four(ticket.customer.phone)}
    return ticket if digits in phones else None


def device_history(*, user: AnyUser, device: Device) -> QuerySet[RepairTicket]:
    """The device's repair records at the user's points, newest first."""
    return (
        scoped(RepairTicket, user)
        .filter(device=device)
        .select_related("customer", "repeat_of")
        .order_by("-created_at")
    )


# --- the ticket list (work lists, pickup) ---------------------------------------------------

#: A ticket number as typed or scanned: any case, spaces around, with or without the dash.
_NUMBER = re.compile(r"^([A-Z0-9]{2,16}?)-?(\d{6,9})$")
_DIGITS = re.compile(r"^[0-9]{1,9}$")
#: The list's rows per page; paging is by key (the last row's time and id), never by OFFSET.
PAGE_SIZE = 50
SORTS = ("newest", "oldest")
#: The states a ticket list starts with: everything still at the point.
OPEN = "open"


def ticket_number_candidates(raw: str) -> list[str]:
    """The ticket numbers ``raw`` can be (``bj01000007`` is ``BJ01-000007``; the split between
    code and sequence is ambiguous only when the code ends in digits, so every split of at least
    six trailing digits is a candidate)."""
    text = "".join(str(raw or "").split()).upper()[:32]
    if not text.isascii():
        return []
    if "-" in text:
        return [text] if _NUMBER.match(text) else []
    candidates = []
    for cut in range(2, len(text) - 5):
        code, digits = text[:cut], text[cut:]
        if digits.isdigit() and _NUMBER.match(f"{code}-{digits}"):
            candidates.append(f"{code}-{digits}")
    return candidates


def ticket_find_by_number(*, user: AnyUser, raw: str) -> list[RepairTicket]:
    """The user's tickets that ``raw`` names: a ticket number in any form, or the bare sequence
    digits (``000007``), which name one ticket only when one of the user's points has it."""
    # A scanner or an input method in full-width mode types "ＢＪ０１－０００００１１".
    text = "".join(inputs.half_width(str(raw or "")).split()).upper()[:32]
    query = Q(number__in=ticket_number_candidates(text)) if text else Q(pk__in=[])
    if _DIGITS.match(text):
        query |= Q(sequence=int(text))
    return list(ticket_list(user=user).filter(query).order_by("-created_at")[:10])


@dataclass(frozen=True)
class TicketFilters:
    """The ticket list's filters, each already checked (see ``repairs.forms.TicketListForm``)."""

    status: str = OPEN
    technician_id: int | None = None
    warranty: str = ""
    older_than_days: int | None = None
    waiting: bool = False
    overdue_pickup: bool = False
    repeat: bool = False
    mine: bool = False
    q: str = ""
    sort: str = "newest"


def ready_for_pickup(*, user: AnyUser) -> QuerySet[RepairTicket]:
    """What waits on the shelf, longest-waiting first (the pickup screen)."""
    return ticket_list(user=user).filter(status=TicketStatus.READY).order_by("ready_at", "id")


def pickup_overdue(
    *, user: AnyUser, now: dt.datetime | None = None, points: list[ServicePoint] | None = None
) -> Q:
    """Ready for longer than each point's ``pickup_overdue_days``: one condition per distinct
    setting among the user's points (one small query for the settings, none when the caller
    has the user's ``points`` already)."""
    now = now or timezone.now()
    by_days: dict[int, list[int]] = {}
    settings = (
        [(p.pk, p.pickup_overdue_days) for p in points]
        if points is not None
        else scoped(ServicePoint, user).values_list("pk", "pickup_overdue_days")
    )
    for pk, days in settings:
        by_days.setdefault(days, []).append(pk)
    query = Q(pk__in=[])
    for days, ids in by_days.items():
        query |= Q(point_id__in=ids, ready_at__lt=now - dt.timedelta(days=days))
    return Q(status=TicketStatus.READY) & query


def ticket_worklist(
    *, user: AnyUser, filters: TicketFilters, now: dt.datetime | None = None
) -> QuerySet[RepairTicket]:
    """The user's tickets narrowed by ``filters``, in the chosen order (ties broken by id)."""
    now = now or timezone.now()
    tickets = ticket_list(user=user).select_related("technician__staff_profile")
    f = filters
    if f.status == OPEN:
        tickets = tickets.filter(status__in=sorted(OPEN_STATUSES))
    elif f.status in TicketStatus.values:
        tickets = tickets.filter(status=f.status)
    if f.technician_id is not None:
        tickets = tickets.filter(technician_id=f.technician_id)
    if f.warranty:
        tickets = tickets.filter(warranty_status=f.warranty)
    if f.older_than_days is not None:
        tickets = tickets.filter(created_at__lte=now - dt.timedelta(days=f.older_than_days))
    if f.waiting:
        tickets = tickets.filter(customer_waits=True, status__in=sorted(OPEN_STATUSES))
    if f.overdue_pickup:
        tickets = tickets.filter(pickup_overdue(user=user, now=now))
    if f.repeat:
        tickets = tickets.filter(repeat_of__isnull=False)
    if f.mine:
        tickets = tickets.filter(Q(technician=user) | Q(created_by=user))
    if f.q:
        tickets = tickets.filter(_search(user, f.q))
    order = ("created_at", "id") if f.sort == "oldest" else ("-created_at", "-id")
    return tickets.order_by(*order)


def _search(user: AnyUser, raw: str) -> Q:
    """Within the list: a ticket number in any form, its sequence digits, or an IMEI. Every
    condition is on an indexed column of the ticket itself (the IMEI's devices are looked up
    first), so the database can combine the index lookups instead of scanning the point."""
    text = "".join(raw.split()).upper()[:32]
    query = Q(number__in=ticket_number_candidates(text))
    if text.isascii() and text.isdigit():
        if len(text) == 15:
            devices = scoped(Device, user).filter(imei=text).values_list("pk", flat=True)[:20]
            query |= Q(device_id__in=list(devices))
        elif len(text) <= 9:
            query |= Q(sequence=int(text))
    return query


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after the row with this time and id."""

    at: dt.datetime
    pk: int

    def encode(self) -> str:
        return f"{int(self.at.timestamp() * 1_000_000)}.{self.pk}"

    @classmethod
    def decode(cls, raw: str | None) -> Cursor | None:
        micros, _, pk = str(raw or "")[:40].partition(".")
        if not (micros.isascii() and micros.isdigit() and pk.isascii() and pk.isdigit()):
            return None
        try:
            at = dt.datetime.fromtimestamp(int(micros) / 1_000_000, tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            return None
        return cls(at=at, pk=int(pk))


def ticket_page(
    tickets: QuerySet[RepairTicket], *, sort: str, after: Cursor | None, size: int = PAGE_SIZE
) -> tuple[list[RepairTicket], Cursor | None]:
    """One page of ``tickets`` (ordered by ``ticket_worklist``) after ``after``, and the cursor
    of the next page (None on the last). One query whatever the page."""
    if after is not None:
        if sort == "oldest":
            tickets = tickets.filter(
                Q(created_at__gt=after.at) | Q(created_at=after.at, pk__gt=after.pk)
            )
        else:
            tickets = tickets.filter(
                Q(created_at__lt=after.at) | Q(created_at=after.at, pk__lt=after.pk)
            )
    rows = list(tickets[: size + 1])
    if len(rows) <= size:
        return rows, None
    last = rows[size - 1]
    return rows[:size], Cursor(at=last.created_at, pk=last.pk)


def ticket_state_counts(*, user: AnyUser) -> dict[str, int]:
    """How many of the user's tickets are in each open state (the list's tabs): one grouped
    query over the open tickets only, so it does not grow with the handed-over history."""
    rows = (
        scoped(RepairTicket, user)
        .filter(status__in=sorted(OPEN_STATUSES))
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
    )
    return {row["status"]: row["n"] for row in rows}


def failed_retest_notes(*, tickets: list[RepairTicket]) -> dict[int, str]:
    """For tickets back in repair after a failed retest: the reason, the note of the ticket's
    last ``fail_qa`` event (one query for the whole list)."""
    ids = [t.pk for t in tickets if t.status == TicketStatus.REPAIRING]
    notes: dict[int, str] = {}
    if not ids:
        return notes
    events = (
        TicketEvent.objects.filter(ticket_id__in=ids, action="fail_qa")
        .order_by("ticket_id", "-at", "-id")
        .values_list("ticket_id", "note")
    )
    for ticket_id, note in events:
        notes.setdefault(ticket_id, note)
    return notes


def is_read_only(user: AnyUser) -> bool:
    return scope_for(user).read_only


# --- Nationwide device history (全国联保) ------------------------------------------------------

#: Results of a finished repair record, as another point may see them.
FINISHED_RESULTS: dict[str, _StrPromise] = {
    TicketStatus.HANDED_OVER: _("repaired"),
    TicketStatus.RETURNED_UNREPAIRED: _("returned unrepaired"),
    # 三包: not repairs, so they never count towards the repeat-repair rule.
    TicketStatus.RETURNED: _("returned (三包)"),
    TicketStatus.EXCHANGED: _("exchanged (三包)"),
}
DEVICE_FACTS_LIMIT = 20


@dataclass(frozen=True)
class DeviceRepairFact:
    """One finished repair of a device at some point: facts about the device only. Nothing
    about its customer (no name, phone, address, signature, payment, nor anything the customer
    said or wrote); the technician's notes only where their point shares them, or where the
    record is the user's own point's. The ticket's id and number only for the user's points."""

    point_id: int
    point_code: str
    point_name: str
    at_own_point: bool
    ticket_id: int | None
    number: str
    intake_at: dt.datetime
    handed_over_at: dt.datetime | None
    warranty_status: str
    repair_type: str
    fault_confirmed: str
    repair_method: str
    part_numbers: tuple[str, ...]
    result: str

    @property
    def in_warranty(self) -> bool:
        return self.warranty_status != WarrantyStatus.OUT_OF_WARRANTY

    @property
    def warranty_label(self) -> str:
        return str(WarrantyStatus(self.warranty_status).label)

    @property
    def result_label(self) -> str:
        return str(FINISHED_RESULTS[self.result])

    @property
    def repaired(self) -> bool:
        return self.result == TicketStatus.HANDED_OVER


@dataclass(frozen=True)
class DeviceHistory:
    """A device's finished repairs at every point, newest first; ``refused`` when the lookup was
    refused (then only the user's own points' records are here)."""

    facts: tuple[DeviceRepairFact, ...] = ()
    refused: str = ""
    point_id: int | None = None

    @property
    def elsewhere(self) -> tuple[DeviceRepairFact, ...]:
        """The records made at other points than the one looking (its own are on its pages)."""
        return tuple(f for f in self.facts if f.point_id != self.point_id)


def device_facts_across_points(
    *,
    user: AnyUser | None,
    imei: str,
    serial: str,
    point: ServicePoint,
    purpose: str,
    before: dt.datetime | None = None,
    exclude_ticket_id: int | None = None,
    audit_obj: Model | None = None,
) -> DeviceHistory:
    """The cross-point device facts of ``servicedesk.tenancy``: the finished repair records of
    the device with this IMEI (or, without one, this serial number) at every point, for a device
    that ``point`` (one of the user's points) has in hand. One index seek on the identifier
    across all points; the customer's columns are never even read. Audited when another point's
    record is shown; rate-limited per user (a refused lookup shows the user's own points only)."""
    identity = {"device__imei": imei} if imei else {"device__serial_number": serial}
    if not imei and not serial:
        return DeviceHistory()
    try:
        lookup = cross_point_lookup(
            user=user, point=point, purpose=purpose, identity=imei or f"serial:{serial}"
        )
    except CrossPointRefused as exc:
        own = scoped(RepairTicket, user).filter(point=point)
        facts, _shown = _facts(own, identity, before, exclude_ticket_id, lambda _p: True)
        return DeviceHistory(facts, str(exc), point.pk)
    facts, shown = _facts(
        lookup.rows(RepairTicket), identity, before, exclude_ticket_id, lookup.shows_own
    )
    lookup.record(shown=shown, obj=audit_obj)
    return DeviceHistory(facts, "", point.pk)


def _facts(
    tickets: QuerySet[RepairTicket],
    identity: dict[str, str],
    before: dt.datetime | None,
    exclude_ticket_id: int | None,
    own: Callable[[int], bool],
) -> tuple[tuple[DeviceRepairFact, ...], list[tuple[int, str, int]]]:
    """The facts, and (point id, point code, record id) of each record shown, for the audit."""
    tickets = tickets.filter(status__in=list(FINISHED_RESULTS), **identity)
    if before is not None:
        tickets = tickets.filter(created_at__lt=before)
    if exclude_ticket_id is not None:
        tickets = tickets.exclude(pk=exclude_ticket_id)
    rows = list(
        tickets.order_by("-created_at").values(
            "id",
            "point_id",
            "point__code",
            "point__name",
            "point__share_technician_notes",
            "created_at",
            "handed_over_at",
            "status",
            "warranty_status",
            "repair_type__code",
            "repair_type__name",
            "fault_confirmed",
            "repair_method",
            "number",
        )[:DEVICE_FACTS_LIMIT]
    )
    parts: dict[int, list[str]] = {}
    if rows:
        lines = PartLine.objects.filter(
            ticket_id__in=[r["id"] for r in rows], part__isnull=False
        ).order_by("ticket_id", "id")
        for ticket_id, code in lines.values_list("ticket_id", "part__code"):
            parts.setdefault(ticket_id, []).append(code)
    facts = []
    for r in rows:
        mine = own(r["point_id"])
        notes = mine or r["point__share_technician_notes"]
        repair_type = " ".join(x for x in (r["repair_type__code"], r["repair_type__name"]) if x)
        facts.append(
            DeviceRepairFact(
                point_id=r["point_id"],
                point_code=r["point__code"],
                point_name=r["point__name"],
                at_own_point=mine,
                ticket_id=r["id"] if mine else None,
                number=r["number"] if mine else "",
                intake_at=r["created_at"],
                handed_over_at=r["handed_over_at"],
                warranty_status=r["warranty_status"],
                repair_type=repair_type,
                fault_confirmed=r["fault_confirmed"] if notes else "",
                repair_method=r["repair_method"] if notes else "",
                part_numbers=tuple(parts.get(r["id"], ())),
                result=r["status"],
            )
        )
    shown = [(r["point_id"], r["point__code"], r["id"]) for r in rows]
    return tuple(facts), shown
