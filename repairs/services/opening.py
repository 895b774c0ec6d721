"""Opening the repair record (维修记录单, rules#intake, rules#repair, rules#warranty): the warranty
decision, the repeat-repair check, the ticket number, and the supervisor's warranty override."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import Customer, Visit
from intake.phones import normalize_phone
from intake.services.desk import (
    DeviceFacts,
    device_record,
    visit_attach_customer,
    visit_served_with_ticket,
)
from intake.validators import clean_imei, clean_serial
from repairs.events import event_opened, event_warranty_overridden
from repairs.models import (
    ProofOfPurchase,
    RepairTicket,
    TicketSequence,
    WarrantyPolicy,
    WarrantyStatus,
)
from repairs.selectors import DeviceHistory, DeviceRepairFact, device_facts_across_points
from repairs.warranty import WarrantyDecision, decide_warranty
from servicedesk.audit import audit_warranty_overridden
from servicedesk.errors import ConflictError
from servicedesk.idempotency import create_once
from servicedesk.models import SUPERVISING_ROLES, Role, ServicePoint
from servicedesk.permissions import has_role, require_point_role, require_valid_certificate
from servicedesk.tenancy import scope_for

if TYPE_CHECKING:
    from servicedesk.types import Actor, AnyUser

INTAKE_ROLES = (Role.FRONT_DESK, *SUPERVISING_ROLES)


@dataclass(frozen=True)
class RepeatCheck:
    """The device's repairs within the repeat-repair window, at every point (全国联保)."""

    earlier: tuple[DeviceRepairFact, ...]
    repeat_of_id: int | None
    refused: str = ""

    @property
    def count(self) -> int:
        return len(self.earlier)

    @property
    def in_warranty(self) -> tuple[DeviceRepairFact, ...]:
        return tuple(f for f in self.earlier if f.in_warranty)

    @property
    def exchange_entitled(self) -> bool:
        """三包: a fault persisting after two repairs within warranty entitles an exchange,
        wherever in the network the two repairs were made."""
        return len(self.in_warranty) >= 2

    @property
    def exchange_reason(self) -> str:
        """The entitlement's reason, naming the repairs it counts (point and date)."""
        if not self.exchange_entitled:
            return ""
        named = "; ".join(
            f"{f.point_code} {f.point_name} {timezone.localdate(f.handed_over_at):%Y-%m-%d}"
            for f in reversed(self.in_warranty)
            if f.handed_over_at is not None
        )
        return _("Repaired %(n)s times within warranty and back again: %(repairs)s.") % {
            "n": len(self.in_warranty),
            "repairs": named,
        }


NO_REPEAT = RepeatCheck((), None)


def repeat_check(
    *,
    point: ServicePoint,
    imei: str,
    serial: str,
    user: AnyUser | None,
    purpose: str = "intake_preview",
    now: dt.datetime | None = None,
    history: DeviceHistory | None = None,
) -> RepeatCheck:
    """rules#repair: a device back after a repair within the repeat window (the intake point's,
    default 90 days), counting its repairs at every point of the network (全国联保)."""
    now = now or timezone.now()
    if not imei and not serial:
        return NO_REPEAT
    if history is None:
        history = device_facts_across_points(
            user=user, imei=imei, serial=serial, point=point, purpose=purpose
        )
    since = now - dt.timedelta(days=point.repeat_repair_days)
    earlier = tuple(
        f
        for f in history.facts
        if f.repaired and f.handed_over_at is not None and since <= f.handed_over_at <= now
    )
    earlier = tuple(sorted(earlier, key=lambda f: f.handed_over_at or now, reverse=True))[:10]
    here = next((f.ticket_id for f in earlier if f.point_id == point.pk), None)
    return RepeatCheck(earlier, here, history.refused)


@dataclass
class IntakePreview:
    """What the intake screen shows while the form is being filled, before anything is saved."""

    decision: WarrantyDecision | None
    repeat: RepeatCheck
    history: DeviceHistory


def intake_preview(
    *,
    point: ServicePoint,
    user: AnyUser | None,
    imei: str,
    serial: str,
    purchase_date: dt.date | None,
    proof: str,
    water_damage: bool = False,
    drop_damage: bool = False,
    unauthorized_disassembly: bool = False,
    now: dt.datetime | None = None,
    audit_obj: Model | None = None,
) -> IntakePreview:
    """The warranty decision and the repeat-repair check for the facts typed so far: the same
    rules ``ticket_open`` applies when saving, and where and when the device was repaired before
    at any point. Invalid identifiers are ignored here (the form reports them on save)."""
    now = now or timezone.now()
    try:
        imei = clean_imei(imei)
    except ValidationError:
        imei = ""
    try:
        serial = clean_serial(serial)
    except ValidationError:
        serial = ""
    decision = None
    if proof in ProofOfPurchase.values:
        decision = decide_warranty(
            policy=default_policy(),
            purchase_date=purchase_date,
            proof=proof,
            today=timezone.localdate(now),
            water_damage=water_damage,
            drop_damage=drop_damage,
            unauthorized_disassembly=unauthorized_disassembly,
        )
    history = (
        device_facts_across_points(
            user=user,
            imei=imei,
            serial=serial,
            point=point,
            purpose="intake_preview",
            audit_obj=audit_obj,
        )
        if imei or serial
        else DeviceHistory()
    )
    repeat = repeat_check(
        point=point, imei=imei, serial=serial, user=user, now=now, history=history
    )
    return IntakePreview(decision, repeat, history)


def _next_number(point: ServicePoint) -> tuple[int, str]:
    """Ticket numbers: the point code and a per-point sequence, e.g. BJ01-000123: unique, short,
    readable aloud, sequential per point; the counter row is locked so none repeats.

    One upsert statement: it creates the counter or increments it, and keeps the row locked until
    the ticket's transaction ends (the ORM would need three round trips for the same)."""
    table = TicketSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (point_id, last_value) VALUES (%s, 1) "  # noqa: S608 - our table
            f"ON CONFLICT (point_id) DO UPDATE SET last_value = {table}.last_value + 1 "
            "RETURNING last_value",
            [point.pk],
        )
        (value,) = cursor.fetchone()
    return value, f"{point.code}-{value:06d}"


def default_policy() -> WarrantyPolicy | None:
    return WarrantyPolicy.objects.filter(is_default=True).first()


@dataclass(frozen=True)
class TicketOpenInput:
    """What the intake screen records (rules#intake): the customer and their device, the fault
    in their words, the proof of purchase, the damage seen at the counter and the backup warning
    given; ``visit``: the visit the record is opened from."""

    customer: Customer
    device: DeviceFacts
    fault_description: str
    proof_of_purchase: str
    contact_phone: str
    backup_warning_given: bool
    accessories: str = ""
    condition: str = ""
    water_damage: bool = False
    drop_damage: bool = False
    unauthorized_disassembly: bool = False
    customer_waits: bool = False
    estimated_ready_at: dt.datetime | None = None
    visit: Visit | None = None


@dataclass(frozen=True)
class _Checked:
    """The intake's identifiers and phone as cleaned while checking it."""

    imei: str
    serial: str
    contact_phone: str


def ticket_open(
    *,
    point: ServicePoint,
    actor: Actor,
    data: TicketOpenInput,
    token: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> RepairTicket:
    """Open a repair record. Validates everything first and saves nothing partial; the form's
    one-time ``token`` makes a double submit return the ticket already opened."""

    def create() -> RepairTicket:
        if Customer.objects.filter(pk=data.customer.pk, erased_at__isnull=False).exists():
            raise ValidationError(
                _(
                    "This customer's personal data was erased on request: "
                    "register the customer anew."
                )
            )
        return _ticket_open(point=point, actor=actor, data=data, token=token, now=now)

    return create_once(
        model=RepairTicket, point=point, token=token, field="intake_token", create=create
    )


def _intake_checked(data: TicketOpenInput, *, now: dt.datetime) -> _Checked:
    """rules#intake: what a repair record cannot be opened without, every error at once."""
    device = data.device
    errors: dict[str, list[str]] = {}
    if not device.model_name.strip():
        errors["model_name"] = [_("Enter the device model.")]
    try:
        imei = clean_imei(device.imei)
    except ValidationError as exc:
        errors["imei"] = exc.messages
        imei = ""
    try:
        serial = clean_serial(device.serial_number)
    except ValidationError as exc:
        errors["serial_number"] = exc.messages
        serial = ""
    if not imei and not serial and "imei" not in errors and "serial_number" not in errors:
        errors["imei"] = [_("Enter the IMEI, or the serial number for a device without one.")]
    if device.purchase_date and device.purchase_date > timezone.localdate(now):
        errors["purchase_date"] = [_("The purchase date cannot be in the future.")]
    if data.proof_of_purchase not in ProofOfPurchase.values:
        errors["proof_of_purchase"] = [_("Say which proof of purchase was presented.")]
    if not data.fault_description.strip():
        errors["fault_description"] = [_("Write down the fault in the customer's own words.")]
    contact_phone = data.contact_phone
    try:
        contact_phone = normalize_phone(data.contact_phone or data.customer.phone)
    except ValidationError as exc:
        errors["contact_phone"] = exc.messages
    if not data.backup_warning_given:
        errors["backup_warning_given"] = [
            _("Warn the customer that the repair may erase data, then tick this box.")
        ]
    if data.estimated_ready_at is not None and data.estimated_ready_at < now:
        errors["estimated_ready_at"] = [_("The estimated time must be in the future.")]
    if errors:
        raise ValidationError(errors)
    return _Checked(imei=imei, serial=serial, contact_phone=contact_phone)


@transaction.atomic
def _ticket_open(
    *,
    point: ServicePoint,
    actor: Actor,
    data: TicketOpenInput,
    token: uuid.UUID | None,
    now: dt.datetime | None,
) -> RepairTicket:
    require_point_role(actor, point, INTAKE_ROLES)
    require_valid_certificate(actor)
    now = now or timezone.now()
    today = timezone.localdate(now)
    customer, visit, device = data.customer, data.visit, data.device
    if customer.point_id != point.pk or (visit is not None and visit.point_id != point.pk):
        raise PermissionDenied
    if visit is not None:
        # One visit, one repair record: the intake posted again for the same visit (another
        # tab, a fresh form) gets the ticket already opened. The lock orders two at once.
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        opened = RepairTicket.objects.filter(visit_id=visit.pk).first()
        if opened is not None:
            return opened
    checked = _intake_checked(data, now=now)
    imei, serial = checked.imei, checked.serial

    device_row, _new_device = device_record(
        point=point,
        customer=customer,
        facts=DeviceFacts(
            model_name=device.model_name,
            imei=imei,
            serial_number=serial,
            purchase_date=device.purchase_date,
            purchase_place=device.purchase_place,
        ),
    )

    policy = default_policy()
    decision = decide_warranty(
        policy=policy,
        purchase_date=device.purchase_date,
        proof=data.proof_of_purchase,
        today=today,
        water_damage=data.water_damage,
        drop_damage=data.drop_damage,
        unauthorized_disassembly=data.unauthorized_disassembly,
    )
    # Counted at every point, also for a device first seen here (全国联保).
    repeat = repeat_check(
        point=point,
        imei=imei,
        serial=serial,
        user=actor,
        purpose="ticket_open",
        now=now,
        history=device_facts_across_points(
            user=actor,
            imei=imei,
            serial=serial,
            point=point,
            purpose="ticket_open",
            before=now,
            audit_obj=customer,
        ),
    )
    sequence, number = _next_number(point)
    ticket = RepairTicket.objects.create(
        point=point,
        number=number,
        sequence=sequence,
        customer=customer,
        device=device_row,
        visit=visit,
        fault_description=data.fault_description.strip()[:2000],
        accessories=data.accessories.strip()[:255],
        condition=data.condition.strip()[:255],
        proof_of_purchase=data.proof_of_purchase,
        purchase_date=device.purchase_date,
        purchase_place=device.purchase_place.strip()[:100],
        water_damage=data.water_damage,
        drop_damage=data.drop_damage,
        unauthorized_disassembly=data.unauthorized_disassembly,
        customer_waits=data.customer_waits,
        contact_phone=checked.contact_phone,
        backup_warning_given=True,
        estimated_ready_at=data.estimated_ready_at,
        warranty_status=decision.status,
        warranty_reason=decision.reason_code,
        warranty_reason_text=decision.reason_text[:255],
        warranty_policy=policy,
        repeat_of_id=repeat.repeat_of_id,
        repeat_count=repeat.count,
        exchange_entitled=repeat.exchange_entitled,
        exchange_reason=repeat.exchange_reason[:255],
        created_by=actor,
        created_at=now,
        intake_token=token,
    )
    if visit is not None:
        visit_attach_customer(visit=visit, customer=customer)
        visit_served_with_ticket(visit=visit, actor=actor, number=number, now=now)
    event_opened(ticket=ticket, actor=actor)
    return ticket


@transaction.atomic
def ticket_warranty_override(
    *, ticket: RepairTicket, actor: Actor, status: str, reason: str, version: int
) -> RepairTicket:
    """rules#warranty: only a supervisor (or service manager) overrides the computed decision, with
    a recorded reason; audited."""
    scope = scope_for(actor)
    if (
        not has_role(actor, SUPERVISING_ROLES)
        or scope.read_only
        or not scope.allows(ticket.point_id)
    ):
        raise PermissionDenied(_("Only a supervisor can override the warranty decision."))
    errors = {}
    if status not in WarrantyStatus.values:
        errors["status"] = [_("Choose the warranty decision.")]
    if not reason.strip():
        errors["reason"] = [_("Give the reason for the override.")]
    if errors:
        raise ValidationError(errors)
    locked = RepairTicket.objects.select_for_update().get(pk=ticket.pk)
    if locked.version != version:
        raise ConflictError(
            _("Someone else changed this repair record meanwhile. Reload the page.")
        )
    before = locked.warranty_status
    locked.warranty_status = status
    locked.warranty_overridden_by = actor
    locked.warranty_override_reason = reason.strip()[:255]
    locked.version += 1
    locked.save(
        update_fields=[
            "warranty_status",
            "warranty_overridden_by",
            "warranty_override_reason",
            "version",
            "updated_at",
        ]
    )
    audit_warranty_overridden(actor=actor, ticket=locked, before=before, reason=reason.strip())
    event_warranty_overridden(ticket=locked, actor=actor, before=before, reason=reason.strip())
    return locked
