"""Front-desk services (rules#intake): visits, customers and devices. Opening the repair
record itself is ``repairs.services.opening``, which calls ``device_record`` and
``visit_attach_customer`` here for the intake-owned rows it touches."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake import transitions
from intake.models import Channel, Customer, CustomerType, Device, Purpose, Visit, VisitStatus
from intake.phones import normalize_phone
from servicedesk.idempotency import create_once
from servicedesk.models import SUPERVISING_ROLES, Role, ServicePoint
from servicedesk.permissions import require_point_role
from servicedesk.tenancy import user_role

if TYPE_CHECKING:
    from servicedesk.types import Actor

DESK_ROLES = (Role.FRONT_DESK, Role.HOTLINE, *SUPERVISING_ROLES)
INTAKE_ROLES = (Role.FRONT_DESK, *SUPERVISING_ROLES)
#: rules#repair: matters of one or two minutes, served first when several customers wait.
QUICK_PURPOSES = frozenset({Purpose.PICKUP, Purpose.INQUIRY, Purpose.PRAISE, Purpose.SUGGESTION})


# --- customers ---------------------------------------------------------------------------


def customer_create(**kwargs: Any) -> Customer:
    """``customer_get_or_create`` for callers that only need the customer."""
    return customer_get_or_create(**kwargs)[0]


@transaction.atomic
def customer_get_or_create(
    *,
    point: ServicePoint,
    actor: Actor,
    name: str,
    phone: str,
    alt_phone: str = "",
    customer_type: str = CustomerType.INDIVIDUAL,
    company: str = "",
    is_vip: bool = False,
    token: uuid.UUID | None = None,
) -> tuple[Customer, bool]:
    """A new customer of the point, or the one already recorded under this phone (one record
    per customer and phone at a point, a database constraint); ``True`` when created. The phone
    is validated and stored in E.164 form. The form's one-time ``token`` makes a double submit
    create one customer; two desks' forms for one number at the same moment give one customer
    too (the second finds the first one's row, no error page)."""
    require_point_role(actor, point, DESK_ROLES)
    if token is not None:
        existing = Customer.objects.filter(point=point, form_token=token).first()
        if existing is not None:
            return existing, False
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Enter the customer's name.")]
    try:
        phone = normalize_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if alt_phone.strip():
        try:
            alt_phone = normalize_phone(alt_phone)
        except ValidationError as exc:
            errors["alt_phone"] = exc.messages
    else:
        alt_phone = ""
    if errors:
        raise ValidationError(errors)
    existing = Customer.objects.filter(point=point, phone=phone).first()
    if existing is not None:
        return existing, False
    created: list[Customer] = []

    def create() -> Customer:
        customer = Customer.objects.create(
            point=point,
            name=name.strip()[:64],
            phone=phone,
            alt_phone=alt_phone,
            customer_type=customer_type,
            company=company.strip()[:100],
            is_vip=is_vip,
            form_token=token,
        )
        created.append(customer)
        return customer

    try:
        with transaction.atomic():
            customer = create_once(model=Customer, point=point, token=token, create=create)
    except IntegrityError:
        # Another desk recorded this number a moment ago (the unique (point, phone) index made
        # this insert wait for its commit): that record is the customer.
        existing = Customer.objects.filter(point=point, phone=phone).first()
        if existing is None:
            raise
        return existing, False
    return customer, bool(created)


# --- the reception board (rules#intake) ------------------------------------------------


@transaction.atomic
def visit_register(
    *,
    point: ServicePoint,
    actor: Actor,
    purpose: str,
    channel: str = Channel.WALK_IN,
    contact_name: str = "",
    contact_phone: str = "",
    queue_number: str = "",
    is_quick: bool | None = None,
    customer: Customer | None = None,
    token: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> Visit:
    """Register an arrival in seconds: everything but the purpose is optional at first. The
    form's one-time ``token`` makes a double submit register one arrival."""
    require_point_role(actor, point, DESK_ROLES)
    if purpose not in Purpose.values:
        raise ValidationError({"purpose": [_("Choose the purpose of the visit.")]})
    if contact_phone.strip():
        try:
            contact_phone = normalize_phone(contact_phone)
        except ValidationError as exc:
            raise ValidationError({"contact_phone": exc.messages}) from exc
    if customer is not None and customer.point_id != point.pk:
        raise ValidationError(_("That customer belongs to another point."))
    return create_once(
        model=Visit,
        point=point,
        token=token,
        create=lambda: Visit.objects.create(
            point=point,
            channel=channel,
            purpose=purpose,
            customer=customer,
            contact_name=contact_name.strip()[:64] or (customer.name if customer else ""),
            contact_phone=contact_phone or (customer.phone if customer else ""),
            queue_number=queue_number.strip()[:16],
            is_quick=purpose in QUICK_PURPOSES if is_quick is None else is_quick,
            arrived_at=now or timezone.now(),
            created_by=actor,
            form_token=token,
        ),
    )


@transaction.atomic
def _move_visit(visit: Visit, actor: Actor, action: str, **changes: Any) -> Visit:
    require_point_role(actor, visit.point, DESK_ROLES)
    locked = Visit.objects.select_for_update().get(pk=visit.pk)
    if transitions.MACHINE.find(locked.status, action) is None:
        raise ValidationError(_("This visit has already moved on; the board was refreshed."))
    transitions.MACHINE.move(locked, action, actor=actor, role=user_role(actor))
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save()
    return locked


def visit_start_service(*, visit: Visit, actor: Actor, now: dt.datetime | None = None) -> Visit:
    """Serving a visit records the wait (rules#dashboard: waiting time from arrival to service)."""
    return _move_visit(visit, actor, "serve", served_at=now or timezone.now(), served_by=actor)


def visit_finish(
    *, visit: Visit, actor: Actor, outcome: str = "", now: dt.datetime | None = None
) -> Visit:
    now = now or timezone.now()
    changes = {"finished_at": now, "outcome": outcome.strip()[:4000]}
    if visit.served_at is None:
        changes |= {"served_at": now, "served_by": actor}
    return _move_visit(visit, actor, "finish", **changes)


def visit_served_with_ticket(
    *, visit: Visit, actor: Actor, number: str, now: dt.datetime | None = None
) -> Visit:
    """A repair record opened from a visit ends the visit as served, its outcome naming the
    ticket. A visit that already ended stays as it is."""
    if visit.status not in (VisitStatus.WAITING, VisitStatus.SERVING):
        return visit
    outcome = _("Repair record %(number)s opened.") % {"number": number}
    return visit_finish(visit=visit, actor=actor, outcome=outcome, now=now)


def visit_left(*, visit: Visit, actor: Actor, now: dt.datetime | None = None) -> Visit:
    return _move_visit(visit, actor, "leave", finished_at=now or timezone.now())


# --- devices -------------------------------------------------------------------------------


@dataclass
class DeviceFacts:
    """A device as typed at intake (identifiers already cleaned by the caller)."""

    model_name: str
    imei: str = ""
    serial_number: str = ""
    purchase_date: dt.date | None = None
    purchase_place: str = ""


def device_record(
    *, point: ServicePoint, customer: Customer, facts: DeviceFacts
) -> tuple[Device, bool]:
    """The point's row for this device (by IMEI, else serial number), created on first sight or
    updated with what was typed now. Returns the device and whether it is new here."""
    identity = {"imei": facts.imei} if facts.imei else {"serial_number": facts.serial_number}
    device = Device.objects.filter(point=point, **identity).first()
    if device is None:
        device = Device.objects.create(
            point=point,
            customer=customer,
            model_name=facts.model_name.strip()[:64],
            imei=facts.imei,
            serial_number=facts.serial_number,
            purchase_date=facts.purchase_date,
            purchase_place=facts.purchase_place.strip()[:100],
        )
        return device, True
    device.model_name = facts.model_name.strip()[:64]
    if facts.purchase_date:
        device.purchase_date = facts.purchase_date
        device.purchase_place = facts.purchase_place.strip()[:100]
    device.save(update_fields=["model_name", "purchase_date", "purchase_place"])
    return device, False


def visit_attach_customer(*, visit: Visit, customer: Customer) -> None:
    """A walk-in registered before the customer was known gets its customer once a repair
    record names them."""
    if visit.customer_id is None:
        Visit.objects.filter(pk=visit.pk).update(customer=customer)
        visit.customer = customer
