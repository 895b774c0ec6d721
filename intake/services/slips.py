"""Message slips (留言条, rules#hotline): taken for someone absent, open until called back."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from intake import transitions
from intake.models import Customer, MessageSlip, SlipStatus, Visit
from intake.phones import normalize_phone
from servicedesk.idempotency import create_once
from servicedesk.models import ServicePoint, StaffProfile

if TYPE_CHECKING:
    from servicedesk.types import Actor


def slip_check(
    *,
    point: ServicePoint,
    caller_name: str,
    phone: str,
    message: str,
    callback_due_at: dt.datetime | None,
    addressee: Actor | None,
    read_back_confirmed: bool = True,
    visit: Visit | None = None,
    customer: Customer | None = None,
    now: dt.datetime | None = None,
    **_ignored: object,
) -> str:
    """Every rule of a slip, without saving: raises ValidationError with a message per field, or
    returns the phone in E.164 form. The form's read-back step runs it before the read-back."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if not (caller_name or "").strip():
        errors.setdefault("caller_name", []).append(_("Enter the caller's name."))
    try:
        phone = normalize_phone(phone)
    except ValidationError as exc:
        errors.setdefault("phone", []).extend(exc.messages)
    if not (message or "").strip():
        errors.setdefault("message", []).append(_("Write down the message."))
    if callback_due_at is None or callback_due_at <= now:
        errors.setdefault("callback_due_at", []).append(
            _("The promised callback time must be in the future.")
        )
    addressee_profile = (
        StaffProfile.objects.filter(user=addressee, point=point).first() if addressee else None
    )
    if addressee is None or addressee_profile is None or not addressee.is_active:
        errors.setdefault("addressee", []).append(
            _("Choose an active colleague of this service point.")
        )
    if not read_back_confirmed:
        errors.setdefault("read_back_confirmed", []).append(
            _("Read the details back to the caller and tick this box.")
        )
    for related in (visit, customer):
        if related is not None and related.point_id != point.pk:
            errors.setdefault("__all__", []).append(_("That record belongs to another point."))
    if errors:
        raise ValidationError(errors)
    return phone


@transaction.atomic
def slip_take(
    *,
    point: ServicePoint,
    actor: Actor,
    caller_name: str,
    phone: str,
    message: str,
    callback_due_at: dt.datetime,
    addressee: Actor,
    read_back_confirmed: bool,
    company: str = "",
    best_time_to_call: str = "",
    visit: Visit | None = None,
    customer: Customer | None = None,
    token: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> MessageSlip:
    """Record a slip for ``addressee`` (a user of the same point).

    rules#hotline: the taker reads the details back to the caller (复述确认) before saving, the slip
    names who it is forwarded to and by when the caller will be called back. The form's one-time
    ``token`` makes a double submit take one slip.
    """
    now = now or timezone.now()
    phone = slip_check(
        point=point,
        caller_name=caller_name,
        phone=phone,
        message=message,
        callback_due_at=callback_due_at,
        addressee=addressee,
        read_back_confirmed=read_back_confirmed,
        visit=visit,
        customer=customer,
        now=now,
    )
    return create_once(
        model=MessageSlip,
        point=point,
        token=token,
        create=lambda: MessageSlip.objects.create(
            point=point,
            caller_name=caller_name.strip(),
            company=company.strip(),
            phone=phone,
            message=message.strip(),
            best_time_to_call=best_time_to_call.strip(),
            callback_due_at=callback_due_at,
            addressee=addressee,
            taken_at=now,
            taken_by=actor,
            read_back_confirmed=True,
            visit=visit,
            customer=customer,
            form_token=token,
        ),
    )


@transaction.atomic
def slip_log_callback(
    *, slip: MessageSlip, actor: Actor, note: str, now: dt.datetime | None = None
) -> MessageSlip:
    """Close a slip once its addressee has called the caller back (rules#hotline).

    The slip stays open until the callback is logged; only the addressee may log it.
    """
    now = now or timezone.now()
    slip = MessageSlip.objects.select_for_update().get(pk=slip.pk)
    errors: dict[str, list[str]] = {}
    if slip.status != SlipStatus.OPEN:
        errors.setdefault("__all__", []).append(_("This slip has already been called back."))
    if actor is None or actor.pk != slip.addressee_id:
        errors.setdefault("__all__", []).append(
            _("Only the colleague the slip was forwarded to can log the callback.")
        )
    if not note.strip():
        errors.setdefault("note", []).append(_("Write down how the callback went."))
    if errors:
        raise ValidationError(errors)
    transitions.SLIP_MACHINE.move(
        slip, "call_back", actor=actor, role=None, authorized=True, note=note.strip(), now=now
    )
    slip.called_back_at = now
    slip.callback_note = note.strip()
    slip.save(update_fields=["status", "called_back_at", "callback_note"])
    return slip


def slips_overdue(*, now: dt.datetime | None = None) -> QuerySet[MessageSlip]:
    """Open slips past their promised callback time (rules#hotline: overdue).

    Times are stored aware (UTC), so the comparison holds across time zones and day boundaries.
    """
    now = now or timezone.now()
    return MessageSlip.objects.filter(status=SlipStatus.OPEN, callback_due_at__lt=now)


def slip_mark_reminded(*, slip_id: int, now: dt.datetime | None = None) -> bool:
    """Record that the addressee of an overdue slip was reminded, at most once (idempotent).

    Returns True only for the call that actually marked it, so a reminder is sent once.
    """
    now = now or timezone.now()
    return bool(
        MessageSlip.objects.filter(
            pk=slip_id,
            status=SlipStatus.OPEN,
            callback_due_at__lt=now,
            overdue_reminded_at__isnull=True,
        ).update(overdue_reminded_at=now)
    )
