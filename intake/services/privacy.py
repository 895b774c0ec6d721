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

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import Customer, Device, MessageSlip, Visit
from servicedesk.audit import audit_customer_data_exported, audit_customer_erased
from servicedesk.models import SUPERVISING_ROLES
from servicedesk.permissions import has_role
from servicedesk.tenancy import scope_for

#: What an erased customer's name becomes (the page shows it as erased).
ERASED_NAME = "（已删除）"
REASON_MIN_LENGTH = 4


def may_handle_requests(user, customer: Customer) -> bool:
    """Supervisors and service managers of the customer's point, and nobody else."""
    scope = scope_for(user)
    return (
        has_role(user, SUPERVISING_ROLES)
        and not scope.read_only
        and scope.allows(customer.point_id)
    )


def _check(actor, customer: Customer) -> None:
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


def _when(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _signature(png) -> dict | None:
    """A signature as a reference: that it exists, its size and fingerprint, not the image."""
    if not png:
        return None
    raw = bytes(png)
    return {"stored": True, "bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}


def customer_data_export(*, customer: Customer, actor) -> dict:
    """Everything the point holds on this person, as one JSON-ready document (the customer,
    devices, visits and calls, tickets with parts, quotes, payments, satisfaction cards and
    messages, complaints with their contacts, callbacks with answers, message slips; signatures
    as references). Audited."""
    from complaints.models import Complaint
    from followups.models import Callback
    from repairs.models import RepairTicket

    _check(actor, customer)
    tickets = (
        RepairTicket.objects.filter(customer=customer)
        .select_related("device", "quote", "payment", "satisfaction")
        .prefetch_related("part_lines", "notifications")
        .order_by("created_at", "pk")
    )
    complaints = (
        Complaint.objects.filter(customer=customer)
        .select_related("category", "ticket")
        .prefetch_related("contacts", "offers")
        .order_by("created_at", "pk")
    )
    callbacks = (
        Callback.objects.filter(customer=customer)
        .select_related("ticket")
        .prefetch_related("answers__question", "attempt_log")
        .order_by("due_at", "pk")
    )
    document = {
        "exported_at": _when(timezone.now()),
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
            "special_attention_since": _when(customer.special_attention_since),
            "notes": customer.notes,
            "created_at": _when(customer.created_at),
            "erased_at": _when(customer.erased_at),
        },
        "devices": [
            {
                "model": device.model_name,
                "imei": device.imei,
                "serial_number": device.serial_number,
                "purchase_date": _when(device.purchase_date),
                "purchase_place": device.purchase_place,
                "created_at": _when(device.created_at),
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
                "arrived_at": _when(visit.arrived_at),
                "finished_at": _when(visit.finished_at),
                "summary": visit.summary,
                "outcome": visit.outcome,
            }
            for visit in _visits(customer)
        ],
        "repair_tickets": [_ticket(ticket) for ticket in tickets],
        "complaints": [_complaint(complaint) for complaint in complaints],
        "callbacks": [_callback(callback) for callback in callbacks],
        "message_slips": [
            {
                "caller_name": slip.caller_name,
                "company": slip.company,
                "phone": slip.phone,
                "message": slip.message,
                "best_time_to_call": slip.best_time_to_call,
                "taken_at": _when(slip.taken_at),
                "status": slip.status,
                "called_back_at": _when(slip.called_back_at),
                "callback_note": slip.callback_note,
            }
            for slip in _slips(customer)
        ],
    }
    audit_customer_data_exported(
        actor=actor,
        customer=customer,
        counts={
            key: len(document[key])
            for key in (
                "devices",
                "visits_and_calls",
                "repair_tickets",
                "complaints",
                "callbacks",
                "message_slips",
            )
        },
    )
    return document


def _one(obj, name):
    try:
        return getattr(obj, name)
    except Exception:  # a missing one-to-one row (no quote, no payment, no card)
        return None


def _ticket(ticket) -> dict:
    quote, payment, card = (
        _one(ticket, "quote"),
        _one(ticket, "payment"),
        _one(ticket, "satisfaction"),
    )
    return {
        "number": ticket.number,
        "status": ticket.status,
        "created_at": _when(ticket.created_at),
        "ready_at": _when(ticket.ready_at),
        "handed_over_at": _when(ticket.handed_over_at),
        "device": {"model": ticket.device.model_name, "imei": ticket.device.imei},
        "fault_description": ticket.fault_description,
        "accessories": ticket.accessories,
        "condition": ticket.condition,
        "contact_phone": ticket.contact_phone,
        "purchase_date": _when(ticket.purchase_date),
        "purchase_place": ticket.purchase_place,
        "warranty_status": ticket.warranty_status,
        "warranty_reason": ticket.warranty_reason_text,
        "fault_confirmed": ticket.fault_confirmed,
        "repair_method": ticket.repair_method,
        "labor_fee": str(ticket.labor_fee) if ticket.labor_fee is not None else None,
        "parts": [
            {"name": line.name, "quantity": line.quantity, "unit_price": str(line.unit_price)}
            for line in ticket.part_lines.all()
        ],
        "quote": quote
        and {
            "decision": quote.decision,
            "decided_at": _when(quote.decided_at),
            "consent": quote.consent_kind,
            "signature": _signature(quote.signature_png),
        },
        "pickup_signature": _signature(ticket.pickup_signature_png),
        "payment": payment
        and {
            "amount_due": str(payment.amount_due),
            "amount_received": str(payment.amount_received),
            "invoice_number": payment.invoice_number,
            "received_at": _when(payment.received_at),
        },
        "satisfaction_card": card
        and {"rating": card.rating, "comment": card.comment, "declined": card.declined},
        "messages_sent": [
            {"to": n.to, "text": n.text, "status": n.status, "sent_at": _when(n.sent_at)}
            for n in ticket.notifications.all()
        ],
    }


def _complaint(complaint) -> dict:
    return {
        "category": complaint.category.name if complaint.category_id else None,
        "stage": complaint.stage,
        "channel": complaint.channel,
        "ticket": complaint.ticket.number if complaint.ticket_id else None,
        "summary": complaint.summary,
        "restatement": complaint.restatement,
        "options": complaint.options,
        "chosen_option": complaint.chosen_option,
        "resolution": complaint.resolution,
        "created_at": _when(complaint.created_at),
        "resolved_at": _when(complaint.resolved_at),
        "closed_at": _when(complaint.closed_at),
        "contacts": [
            {"at": _when(c.at), "kind": c.kind, "note": c.note} for c in complaint.contacts.all()
        ],
        "compensation": [
            {"amount": str(o.amount), "description": o.description, "status": o.status}
            for o in complaint.offers.all()
        ],
    }


def _callback(callback) -> dict:
    return {
        "kind": callback.kind,
        "ticket": callback.ticket.number if callback.ticket_id else None,
        "status": callback.status,
        "due_at": _when(callback.due_at),
        "completed_at": _when(callback.completed_at),
        "outcome": callback.outcome,
        "dissatisfaction_reason": callback.dissatisfaction_reason,
        "suggestion": callback.suggestion,
        "answers": [
            {
                "question": answer.question.text,
                "rating": answer.rating,
                "yes_no": answer.yes_no,
                "text": answer.text,
            }
            for answer in callback.answers.all()
        ],
        "attempts": [
            {"at": _when(a.at), "outcome": a.outcome, "note": a.note}
            for a in callback.attempt_log.all()
        ],
    }


@dataclass(frozen=True)
class ErasureResult:
    customer_id: int
    counts: dict


@transaction.atomic
def customer_erase(*, customer: Customer, actor, reason: str) -> ErasureResult:
    """Erase a customer's personal data on request by anonymising it in place (see the module
    docstring for what stays). Once only; audited without the erased data."""
    from complaints.models import CompensationOffer, Complaint, ComplaintContact
    from followups.models import Answer, Callback, CallbackAttempt, CallbackStatus
    from repairs.models import Notification, Quote, RepairTicket, SatisfactionCard

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
    tickets = RepairTicket.objects.filter(customer=customer)
    complaints = Complaint.objects.filter(customer=customer)
    callbacks = Callback.objects.filter(customer=customer)
    counts = {
        "devices": Device.objects.filter(customer=customer).count(),
        "visits_and_calls": len(visits),
        "repair_tickets": tickets.count(),
        "complaints": complaints.count(),
        "callbacks": callbacks.count(),
        "message_slips": len(slips),
    }
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
    tickets.update(
        fault_description="",
        contact_phone="",
        purchase_place="",
        pickup_signature_png=None,
    )
    Quote.objects.filter(ticket__customer=customer).update(signature_png=None)
    SatisfactionCard.objects.filter(ticket__customer=customer).update(comment="")
    Notification.objects.filter(ticket__customer=customer).update(to="", text="")
    complaints.update(
        summary="",
        restatement="",
        options=[],
        chosen_option="",
        resolution="",
        supervisor_decision="",
    )
    ComplaintContact.objects.filter(complaint__customer=customer).update(note="")
    CompensationOffer.objects.filter(complaint__customer=customer).update(description="")
    callbacks.update(dissatisfaction_reason="", suggestion="")
    # Nobody can call a number that is gone: open callbacks leave the clerks' queue, closed
    # without an attempt (due and made-on-time figures count them as before).
    counts["open_callbacks_closed"] = callbacks.filter(
        status__in=(CallbackStatus.SCHEDULED, CallbackStatus.DUE)
    ).update(status=CallbackStatus.CLOSED, version=F("version") + 1)
    Answer.objects.filter(callback__customer=customer).update(text="")
    CallbackAttempt.objects.filter(callback__customer=customer).update(note="")
    customer.name = ERASED_NAME
    customer.phone = ""
    customer.alt_phone = ""
    customer.company = ""
    customer.notes = ""
    customer.erased_at = timezone.now()
    customer.save(update_fields=["name", "phone", "alt_phone", "company", "notes", "erased_at"])
    audit_customer_erased(actor=actor, customer=customer, reason=reason, counts=counts)
    return ErasureResult(customer_id=customer.pk, counts=counts)
