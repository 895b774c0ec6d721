"""Receiving a complaint (rules#complaints 首问责任制) and notifying its department."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from complaints.models import Channel, Complaint, ComplaintCategory, ContactKind, Source
from complaints.services.base import require_future_promise, write_contact
from intake.models import Customer, Visit
from repairs.models import RepairTicket
from servicedesk.idempotency import create_once
from servicedesk.models import Department, ServicePoint
from servicedesk.services import department_notify

if TYPE_CHECKING:
    from complaints.models import DifficultType
    from followups.models import Callback
    from servicedesk.types import Actor


@transaction.atomic
def complaint_open(
    *,
    point: ServicePoint,
    actor: Actor,
    customer: Customer,
    channel: str,
    source: str,
    summary: str,
    visit: Visit | None = None,
    ticket: RepairTicket | None = None,
    category: ComplaintCategory | None = None,
    severity: str = "normal",
    difficult_type: DifficultType | None = None,
    promised_reply_at: dt.datetime | None = None,
    callback: Callback | None = None,
    token: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> Complaint:
    """Receive (受理) a complaint. rules#complaints 首问责任制: the first responder (``actor``)
    owns it. ``callback``: the follow-up callback it came from (rules#callbacks: dissatisfaction
    → complaint). The form's one-time ``token`` makes a double submit receive one complaint.

    rules#complaints promised reply: a received complaint is not resolved yet, so whoever
    receives it from the customer records when the customer will hear back
    (``promised_reply_at``, in the future); one opened by the system from a dissatisfied
    callback promises the point's first-reply time (``complaints.subscribers``)."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if source not in Source.values:
        errors["source"] = [_("Unknown source.")]
    if not (summary or "").strip():
        errors["summary"] = [_("Describe the complaint in the customer's words.")]
    if customer.point_id != point.pk:
        errors["customer"] = [_("This customer belongs to another service point.")]
    if visit is not None and visit.point_id != point.pk:
        errors["visit"] = [_("This visit belongs to another service point.")]
    if ticket is not None and ticket.point_id != point.pk:
        errors["ticket"] = [_("This repair record belongs to another service point.")]
    if ticket is not None and ticket.customer_id != customer.pk:
        errors["ticket"] = [_("This repair record is not the customer's.")]
    try:
        require_future_promise(promised_reply_at, now)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)

    def create() -> Complaint:
        complaint = Complaint.objects.create(
            point=point,
            owner=actor,
            customer=customer,
            channel=channel,
            source=source,
            summary=summary.strip(),
            visit=visit,
            ticket=ticket,
            category=category,
            severity=severity,
            difficult_type=difficult_type,
            promised_reply_at=promised_reply_at,
            callback=callback,
            created_at=now,
            form_token=token,
        )
        write_contact(
            complaint,
            by=actor,
            kind=ContactKind.OPENED,
            note=summary,
            promised_reply_at=promised_reply_at,
            at=now,
        )
        return complaint

    return create_once(model=Complaint, point=point, token=token, create=create)


def complaint_department(complaint: Complaint) -> Department | None:
    """rules#callbacks: the relevant department of a complaint: its category's, else the
    point's department for complaints (both data, either may be empty)."""
    category = complaint.category
    if category is not None and category.department_id is not None:
        department = category.department
        if department is not None and department.is_active:
            return department
    department = complaint.point.complaint_department
    return department if department is not None and department.is_active else None


def complaint_notify_department(
    *, complaint: Complaint, now: dt.datetime | None = None
) -> Department | None:
    """rules#callbacks: the relevant department is notified of a complaint a dissatisfied
    callback opened. The notice is written in the point's language, like what it reports."""
    department = complaint_department(complaint)
    if department is None:
        return None
    with translation.override(complaint.point.language or None):
        subject = _("Complaint #%(number)d from a dissatisfied callback") % {"number": complaint.pk}
    department_notify(
        department=department,
        point=complaint.point,
        subject=subject,
        text=complaint.summary[:300],
        link=complaint.get_absolute_url(),
        message_template="complaints/messages/dissatisfied_callback.txt",
        message_context={"complaint": complaint},
        now=now,
    )
    return department
