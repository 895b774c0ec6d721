"""Data-protection requests: a customer's personal data exported, or erased, on request.

Both are the point supervisor's or service manager's decision, and both are audited (who, when,
which customer record; never the personal data itself). Erasure anonymises in place: the rows of
tickets, complaints, callbacks and visits stay with their dates, states, fees, categories and
ratings, so the dashboard, the staff statistics and the monthly exports keep their counts; what
identifies or describes the person (names, phone numbers, addresses, device identifiers, the
customer's own words and signatures) is removed, and the customer can no longer be found.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from intake import app_events
from intake.models import Customer, Device, MessageSlip, Visit
from servicedesk.audit import audit_customer_data_exported, audit_customer_erased
from servicedesk.models import SUPERVISING_ROLES
from servicedesk.permissions import has_role
from servicedesk.tenancy import scope_for

if TYPE_CHECKING:
    from servicedesk.types import Actor, AnyUser

#: What an erased customer's name becomes (the page shows it as erased).
ERASED_NAME = "（已删除）"
REASON_MIN_LENGTH = 4


def may_handle_requests(user: AnyUser, customer: Customer) -> bool:
    """Supervisors and service managers of the customer's point, and nobody else."""
    scope = scope_for(user)
    return (
        has_role(user, SUPERVISING_ROLES)
        and not scope.read_only
        and scope.allows(customer.point_id)
    )


def _check(actor: Actor, customer: Customer) -> None:
    if not may_handle_requests(actor, customer):
        raise PermissionDenied(_("Only the point's supervisor or service manager may do this."))


def _phones(customer: Customer) -> list[str]:
    return [phone for phone in (customer.phone, customer.alt_phone) if phone]


def _visits(customer: Customer) -> QuerySet[Visit]:
    """Visits and calls linked to the customer, or left under one of their numbers."""
    phones = _phones(customer)
    match = Q(customer=customer) | (Q(contact_phone__in=phones) if phones else Q(pk__in=[]))
    return Visit.objects.filter(match, point=customer.point_id).order_by("arrived_at", "pk")


def _slips(customer: Customer) -> QuerySet[MessageSlip]:
    phones = _phones(customer)
    match = Q(customer=customer) | (Q(phone__in=phones) if phones else Q(pk__in=[]))
    return MessageSlip.objects.filter(match, point=customer.point_id).order_by("taken_at", "pk")


def when(value: dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def signature_reference(png: bytes | memoryview | None) -> dict | None:
    """A signature as a reference: that it exists, its size and fingerprint, not the image."""
    if not png:
        return None
    raw = bytes(png)
    return {"stored": True, "bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}


def customer_data_export(*, customer: Customer, actor: Actor) -> dict:
    """Everything the point holds on this person, as one JSON-ready document (the customer,
    devices, visits and calls, tickets with parts, quotes, payments, satisfaction cards and
    messages, complaints with their contacts, callbacks with answers, message slips; signatures
    as references). Audited."""
    _check(actor, customer)
    document = {
        "exported_at": when(timezone.now()),
        "service_point": {"code": customer.point.code, "name": customer.point.name},
        "customer": {
            "id": customer.pk,
            "name": customer.name,
            "phone": customer.phone,
            "alternative_contact": customer.alt_phone,
            "customer_type": customer.customer_type,
            "company": customer.company,
            "vip": customer.is_vip,
            "has_complained": customer.has_complained,
            "special_attention_since": when(customer.special_attention_since),
            "notes": customer.notes,
            "created_at": when(customer.created_at),
            "erased_at": when(customer.erased_at),
        },
        "devices": [
            {
                "model": device.model_name,
                "imei": device.imei,
                "serial_number": device.serial_number,
                "purchase_date": when(device.purchase_date),
                "purchase_place": device.purchase_place,
                "created_at": when(device.created_at),
            }
            for device in Device.objects.filter(customer=customer).order_by("created_at", "pk")
        ],
        "visits_and_calls": [
            {
                "channel": visit.channel,
                "purpose": visit.purpose,
                "status": visit.status,
                "contact_name": visit.contact_name,
                "contact_phone": visit.contact_phone,
                "arrived_at": when(visit.arrived_at),
                "finished_at": when(visit.finished_at),
                "summary": visit.summary,
                "outcome": visit.outcome,
            }
            for visit in _visits(customer)
        ],
        "message_slips": [
            {
                "caller_name": slip.caller_name,
                "company": slip.company,
                "phone": slip.phone,
                "message": slip.message,
                "best_time_to_call": slip.best_time_to_call,
                "taken_at": when(slip.taken_at),
                "status": slip.status,
                "called_back_at": when(slip.called_back_at),
                "callback_note": slip.callback_note,
            }
            for slip in _slips(customer)
        ],
    }
    # The other apps' parts: repair records, complaints, callbacks.
    document.update(app_events.customer_data(customer=customer))
    audit_customer_data_exported(
        actor=actor,
        customer=customer,
        counts={key: len(value) for key, value in document.items() if isinstance(value, list)},
    )
    return document


@dataclass(frozen=True)
class ErasureResult:
    customer_id: int
    counts: dict


@transaction.atomic
def customer_erase(*, customer: Customer, actor: Actor, reason: str) -> ErasureResult:
    """Erase a customer's personal data on request by anonymising it in place (see the module
    docstring for what stays). Once only; audited without the erased data."""
    _check(actor, customer)
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise ValidationError({"reason": [_("Give the reason for the erasure (the request).")]})
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.erased_at is not None:
        raise ValidationError(_("This customer's personal data has already been erased."))

    # Found by the customer's numbers before they are erased.
    visits = list(_visits(customer).values_list("pk", flat=True))
    slips = list(_slips(customer).values_list("pk", flat=True))
    counts = {
        "devices": Device.objects.filter(customer=customer).count(),
        "visits_and_calls": len(visits),
        "message_slips": len(slips),
    }
    # The other apps anonymise their own rows of this customer.
    counts.update(app_events.customer_erased(customer=customer))
    for device in Device.objects.filter(customer=customer):
        # A device row needs an IMEI or a serial number: a placeholder that identifies nothing.
        device.imei, device.serial_number, device.purchase_place = "", f"ERASED-{device.pk}", ""
        device.save(update_fields=["imei", "serial_number", "purchase_place"])
    Visit.objects.filter(pk__in=visits).update(
        contact_name="", contact_phone="", summary="", outcome=""
    )
    MessageSlip.objects.filter(pk__in=slips).update(
        caller_name="", company="", phone="", message="", best_time_to_call="", callback_note=""
    )
    customer.name = ERASED_NAME
    customer.phone = ""
    customer.alt_phone = ""
    customer.company = ""
    customer.notes = ""
    customer.erased_at = timezone.now()
    customer.save(update_fields=["name", "phone", "alt_phone", "company", "notes", "erased_at"])
    audit_customer_erased(actor=actor, customer=customer, reason=reason, counts=counts)
    return ErasureResult(customer_id=customer.pk, counts=counts)
