"""Opening the repair record (维修记录单, rules#intake, rules#repair, rules#warranty): the warranty
decision, the repeat-repair check, the ticket number, and the supervisor's warranty override."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import Customer, Visit
from intake.phones import normalize_phone
from intake.services.desk import DeviceFacts, device_record, visit_attach_customer
from intake.validators import clean_imei, clean_serial
from repairs.events import event_opened, event_warranty_overridden
from repairs.models import (
    ProofOfPurchase,
    RepairTicket,
    TicketSequence,
    TicketStatus,
    WarrantyPolicy,
    WarrantyStatus,
)
from repairs.warranty import WarrantyDecision, decide_warranty
from servicedesk.audit import audit_warranty_overridden
from servicedesk.errors import ConflictError
from servicedesk.idempotency import create_once
from servicedesk.models import SUPERVISING_ROLES, Role, ServicePoint
from servicedesk.permissions import has_role, require_point_role, require_valid_certificate
from servicedesk.tenancy import scope_for

if TYPE_CHECKING:
    from servicedesk.types import Actor

INTAKE_ROLES = (Role.FRONT_DESK, *SUPERVISING_ROLES)


@dataclass(frozen=True)
class RepeatCheck:
    earlier: list[RepairTicket]
    repeat_of: RepairTicket | None

    @property
    def count(self) -> int:
        return len(self.earlier)

    @property
    def exchange_entitled(self) -> bool:
        """三包: a fault persisting after two repairs within warranty entitles an exchange."""
        return self.count >= 2


def repeat_check(
    *, point: ServicePoint, imei: str, serial: str, now: dt.datetime | None = None
) -> RepeatCheck:
    """rules#repair: a device back after a repair here within the repeat window (default 90
    days)."""
    now = now or timezone.now()
    if not imei and not serial:
        return RepeatCheck([], None)
    since = now - dt.timedelta(days=point.repeat_repair_days)
    identity = {"device__imei": imei} if imei else {"device__serial_number": serial}
    earlier = list(
        RepairTicket.objects.filter(
            point=point,
            status=TicketStatus.HANDED_OVER,
            handed_over_at__gte=since,
            handed_over_at__lte=now,
            **identity,
        ).order_by("-handed_over_at")[:10]
    )
    return RepeatCheck(earlier, earlier[0] if earlier else None)


@dataclass
class IntakePreview:
    """What the intake screen shows while the form is being filled, before anything is saved."""

    decision: WarrantyDecision | None
    repeat: RepeatCheck


def intake_preview(
    *,
    point: ServicePoint,
    imei: str,
    serial: str,
    purchase_date: dt.date | None,
    proof: str,
    water_damage: bool = False,
    drop_damage: bool = False,
    unauthorized_disassembly: bool = False,
    now: dt.datetime | None = None,
) -> IntakePreview:
    """The warranty decision and the repeat-repair check for the facts typed so far: the same
    rules ``ticket_open`` applies when saving. Invalid identifiers are ignored here (the form
    reports them on save)."""
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
    return IntakePreview(decision, repeat_check(point=point, imei=imei, serial=serial, now=now))


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


def ticket_open(
    *,
    point: ServicePoint,
    actor: Actor,
    customer: Customer,
    device: DeviceFacts,
    fault_description: str,
    proof_of_purchase: str,
    contact_phone: str,
    backup_warning_given: bool,
    token: uuid.UUID | None = None,
    accessories: str = "",
    condition: str = "",
    water_damage: bool = False,
    drop_damage: bool = False,
    unauthorized_disassembly: bool = False,
    customer_waits: bool = False,
    estimated_ready_at: dt.datetime | None = None,
    visit: Visit | None = None,
    now: dt.datetime | None = None,
) -> RepairTicket:
    """Open a repair record. Validates everything first and saves nothing partial; the form's
    one-time ``token`` makes a double submit return the ticket already opened."""

    def create() -> RepairTicket:
        if Customer.objects.filter(pk=customer.pk, erased_at__isnull=False).exists():
            raise ValidationError(
                _(
                    "This customer's personal data was erased on request: "
                    "register the customer anew."
                )
            )
        return _ticket_open(
            point=point,
            actor=actor,
            customer=customer,
            device=device,
            fault_description=fault_description,
            proof_of_purchase=proof_of_purchase,
            contact_phone=contact_phone,
            backup_warning_given=backup_warning_given,
            token=token,
            accessories=accessories,
            condition=condition,
            water_damage=water_damage,
            drop_damage=drop_damage,
            unauthorized_disassembly=unauthorized_disassembly,
            customer_waits=customer_waits,
            estimated_ready_at=estimated_ready_at,
            visit=visit,
            now=now,
        )

    return create_once(
        model=RepairTicket, point=point, token=token, field="intake_token", create=create
    )


@transaction.atomic
def _ticket_open(
    *,
    point: ServicePoint,
    actor: Actor,
    customer: Customer,
    device: DeviceFacts,
    fault_description: str,
    proof_of_purchase: str,
    contact_phone: str,
    backup_warning_given: bool,
    token: uuid.UUID | None,
    accessories: str,
    condition: str,
    water_damage: bool,
    drop_damage: bool,
    unauthorized_disassembly: bool,
    customer_waits: bool,
    estimated_ready_at: dt.datetime | None,
    visit: Visit | None,
    now: dt.datetime | None,
) -> RepairTicket:
    require_point_role(actor, point, INTAKE_ROLES)
    require_valid_certificate(actor)
    now = now or timezone.now()
    today = timezone.localdate(now)
    errors: dict[str, list[str]] = {}
    if customer.point_id != point.pk or (visit is not None and visit.point_id != point.pk):
        raise PermissionDenied
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
    if device.purchase_date and device.purchase_date > today:
        errors["purchase_date"] = [_("The purchase date cannot be in the future.")]
    if proof_of_purchase not in ProofOfPurchase.values:
        errors["proof_of_purchase"] = [_("Say which proof of purchase was presented.")]
    if not fault_description.strip():
        errors["fault_description"] = [_("Write down the fault in the customer's own words.")]
    try:
        contact_phone = normalize_phone(contact_phone or customer.phone)
    except ValidationError as exc:
        errors["contact_phone"] = exc.messages
    if not backup_warning_given:
        errors["backup_warning_given"] = [
            _("Warn the customer that the repair may erase data, then tick this box.")
        ]
    if estimated_ready_at is not None and estimated_ready_at < now:
        errors["estimated_ready_at"] = [_("The estimated time must be in the future.")]
    if errors:
        raise ValidationError(errors)

    device_row, new_device = device_record(
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
        proof=proof_of_purchase,
        today=today,
        water_damage=water_damage,
        drop_damage=drop_damage,
        unauthorized_disassembly=unauthorized_disassembly,
    )
    # A device first seen here has no earlier repair here: no need to look.
    repeat = (
        RepeatCheck([], None)
        if new_device
        else repeat_check(point=point, imei=imei, serial=serial, now=now)
    )
    sequence, number = _next_number(point)
    ticket = RepairTicket.objects.create(
        point=point,
        number=number,
        sequence=sequence,
        customer=customer,
        device=device_row,
        visit=visit,
        fault_description=fault_description.strip()[:2000],
        accessories=accessories.strip()[:255],
        condition=condition.strip()[:255],
        proof_of_purchase=proof_of_purchase,
        purchase_date=device.purchase_date,
        purchase_place=device.purchase_place.strip()[:100],
        water_damage=water_damage,
        drop_damage=drop_damage,
        unauthorized_disassembly=unauthorized_disassembly,
        customer_waits=customer_waits,
        contact_phone=contact_phone,
        backup_warning_given=True,
        estimated_ready_at=estimated_ready_at,
        warranty_status=decision.status,
        warranty_reason=decision.reason_code,
        warranty_reason_text=decision.reason_text[:255],
        warranty_policy=policy,
        repeat_of=repeat.repeat_of,
        repeat_count=repeat.count,
        created_by=actor,
        created_at=now,
        intake_token=token,
    )
    if visit is not None:
        visit_attach_customer(visit=visit, customer=customer)
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
