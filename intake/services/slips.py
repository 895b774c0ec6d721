"""Message slips (留言条, DOMAIN 4): taken for someone absent, open until called back."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import Customer, MessageSlip, Visit
from intake.phones import normalize_phone
from servicedesk.models import ServicePoint, StaffProfile


@transaction.atomic
def slip_take(
    *,
    point: ServicePoint,
    actor,
    caller_name: str,
    phone: str,
    message: str,
    callback_due_at: dt.datetime,
    addressee,
    read_back_confirmed: bool,
    company: str = "",
    best_time_to_call: str = "",
    visit: Visit | None = None,
    customer: Customer | None = None,
    now: dt.datetime | None = None,
) -> MessageSlip:
    """Record a slip for ``addressee`` (a user of the same point).

    DOMAIN 4: the taker reads the details back to the caller (复述确认) before saving, the slip
    names who it is forwarded to and by when the caller will be called back.
    """
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if not caller_name.strip():
        errors.setdefault("caller_name", []).append(_("Enter the caller's name."))
    try:
        phone = normalize_phone(phone)
    except ValidationError as exc:
        errors.setdefault("phone", []).extend(exc.messages)
    if not message.strip():
        errors.setdefault("message", []).append(_("Write down the message."))
    if callback_due_at is None or callback_due_at <= now:
        errors.setdefault("callback_due_at", []).append(
            _("The promised callback time must be in the future.")
        )
    addressee_profile = StaffProfile.objects.filter(user=addressee, point=point).first()
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
    return MessageSlip.objects.create(
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
    )
