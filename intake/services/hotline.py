"""The hotline call log (rules#hotline): who called, about what, how fast it was answered, holds and
transfers, and where the call was routed (suggestion → department, praise → staff member,
complaint → a complaint with the call attached)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.hotline import (
    BadHoldLog,
    HoldSummary,
    hold_summary,
    parse_hold_log,
    rings_from_seconds,
)
from intake.models import CallerKind, Channel, Customer, Purpose, Visit, VisitStatus
from intake.phones import normalize_phone
from intake.services.desk import customer_create
from servicedesk.idempotency import create_once
from servicedesk.models import SUPERVISING_ROLES, Department, Role, ServicePoint
from servicedesk.permissions import require_point_role
from servicedesk.selectors import colleague_list

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from servicedesk.types import Actor

HOTLINE_ROLES = (Role.HOTLINE, Role.FRONT_DESK, *SUPERVISING_ROLES)
#: rules#hotline call kinds.
CALL_KINDS = (
    Purpose.INQUIRY,
    Purpose.REPAIR_STATUS,
    Purpose.TECHNICAL,
    Purpose.SUGGESTION,
    Purpose.PRAISE,
    Purpose.COMPLAINT,
)
#: A call screen left open longer than this is not the answer time of the call being logged.
MAX_CALL_SECONDS = 4 * 3600


def departments_for(point: ServicePoint) -> QuerySet[Department]:
    """The point's own departments and the network-wide ones."""
    return Department.objects.filter(Q(point=point) | Q(point__isnull=True), is_active=True)


def colleagues_of(point: ServicePoint) -> QuerySet[User]:
    return colleague_list(points=point)


def call_log(
    *,
    point: ServicePoint,
    actor: Actor,
    token: uuid.UUID,
    caller_kind: str,
    purpose: str,
    summary: str,
    answered_at: dt.datetime | None = None,
    rings_to_answer: int | None = None,
    answer_seconds: int | None = None,
    customer: Customer | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    create_customer: bool = False,
    company: str = "",
    outcome: str = "",
    transferred_to: str = "",
    department: Department | None = None,
    praised_staff: Actor | None = None,
    hold_log: str = "",
    now: dt.datetime | None = None,
) -> Visit:
    """Log one answered call. Validates everything first and saves nothing partial; the form's
    one-time ``token`` makes a double submit return the call already logged."""
    return create_once(
        model=Visit,
        point=point,
        token=token,
        create=lambda: _call_log(
            point=point,
            actor=actor,
            token=token,
            caller_kind=caller_kind,
            purpose=purpose,
            summary=summary,
            answered_at=answered_at,
            rings_to_answer=rings_to_answer,
            answer_seconds=answer_seconds,
            customer=customer,
            contact_name=contact_name,
            contact_phone=contact_phone,
            create_customer=create_customer,
            company=company,
            outcome=outcome,
            transferred_to=transferred_to,
            department=department,
            praised_staff=praised_staff,
            hold_log=hold_log,
            now=now,
        ),
    )


class _Errors(dict[str, list[str]]):
    """A logged call's errors by field, gathered so that the form shows them all at once."""

    def add(self, field: str, text: str) -> None:
        self.setdefault(field, []).append(text)

    def check_call(
        self,
        *,
        caller_kind: str,
        purpose: str,
        summary: str,
        rings_to_answer: int | None,
        answer_seconds: int | None,
    ) -> None:
        """rules#hotline: who called, about what, what they said, how fast it was answered."""
        if caller_kind not in CallerKind.values:
            self.add("caller_kind", _("Say who is calling: a customer, a dealer or a department."))
        if purpose not in CALL_KINDS:
            self.add("purpose", _("Say what the call is about."))
        if not (summary or "").strip():
            self.add("summary", _("Write down what the caller said, in a sentence or two."))
        if rings_to_answer is None and answer_seconds is None:
            self.add("rings_to_answer", _("Enter the rings (or the seconds) before you answered."))
        if rings_to_answer is not None and not 1 <= rings_to_answer <= 30:
            self.add("rings_to_answer", _("Enter between 1 and 30 rings."))
        if answer_seconds is not None and not 0 <= answer_seconds <= 600:
            self.add("answer_seconds", _("Enter between 0 and 600 seconds."))

    def phone(self, contact_phone: str) -> str:
        """The caller's number, normalized ("" if none was typed or it is not a number)."""
        if not (contact_phone or "").strip():
            return ""
        try:
            return normalize_phone(contact_phone)
        except ValidationError as exc:
            self.setdefault("contact_phone", []).extend(exc.messages)
            return ""

    def check_caller(
        self,
        *,
        point: ServicePoint,
        customer: Customer | None,
        create_customer: bool,
        contact_name: str,
        phone: str,
    ) -> None:
        """The caller's record is the point's own, or is created from a name and a number."""
        if customer is not None and customer.point_id != point.pk:
            self.add("customer", _("This customer belongs to another service point."))
        if create_customer and customer is None:
            if not (contact_name or "").strip():
                self.add("contact_name", _("Enter the caller's name to create the customer."))
            if not phone and "contact_phone" not in self:
                self.add("contact_phone", _("Enter the caller's number to create the customer."))

    def forwarded(
        self,
        *,
        point: ServicePoint,
        purpose: str,
        department: Department | None,
        praised_staff: Actor | None,
    ) -> tuple[Department | None, Actor | None]:
        """rules#hotline: a suggestion goes to its department's list, a praise to the colleague
        praised; for any other call neither is kept."""
        if purpose == Purpose.SUGGESTION:
            if department is None or not departments_for(point).filter(pk=department.pk).exists():
                self.add("department", _("Choose the department responsible for this suggestion."))
        else:
            department = None
        if purpose == Purpose.PRAISE:
            if (
                praised_staff is None
                or not colleagues_of(point).filter(pk=praised_staff.pk).exists()
            ):
                self.add("praised_staff", _("Choose the colleague the caller praised."))
        else:
            praised_staff = None
        return department, praised_staff

    def holds(self, *, point: ServicePoint, hold_log: str) -> HoldSummary | None:
        """The hold timer's record summed up (None, with an error, if it is damaged)."""
        try:
            return hold_summary(parse_hold_log(hold_log), point.hold_check_seconds)
        except BadHoldLog:
            self.add(
                "__all__", _("The hold timer's record is damaged. Reload the page to start over.")
            )
            return None


def _caller_create(
    *, point: ServicePoint, actor: Actor, name: str, phone: str, company: str
) -> Customer:
    """The caller registered as a customer; their errors named as the call form's fields."""
    try:
        return customer_create(point=point, actor=actor, name=name, phone=phone, company=company)
    except ValidationError as exc:
        fields = {"name": "contact_name", "phone": "contact_phone"}
        raise ValidationError(
            {fields.get(field, field): texts for field, texts in exc.message_dict.items()}
        ) from None


def _answered_at(answered_at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """When the call was answered as the form timed it; now if missing or implausible."""
    if (
        answered_at is None
        or answered_at > now
        or (now - answered_at).total_seconds() > MAX_CALL_SECONDS
    ):
        return now
    return answered_at


@transaction.atomic
def _call_log(
    *,
    point: ServicePoint,
    actor: Actor,
    token: uuid.UUID,
    caller_kind: str,
    purpose: str,
    summary: str,
    answered_at: dt.datetime | None,
    rings_to_answer: int | None,
    answer_seconds: int | None,
    customer: Customer | None,
    contact_name: str,
    contact_phone: str,
    create_customer: bool,
    company: str,
    outcome: str,
    transferred_to: str,
    department: Department | None,
    praised_staff: Actor | None,
    hold_log: str,
    now: dt.datetime | None,
) -> Visit:
    require_point_role(actor, point, HOTLINE_ROLES)
    now = now or timezone.now()
    errors = _Errors()
    errors.check_call(
        caller_kind=caller_kind,
        purpose=purpose,
        summary=summary,
        rings_to_answer=rings_to_answer,
        answer_seconds=answer_seconds,
    )
    phone = errors.phone(contact_phone)
    errors.check_caller(
        point=point,
        customer=customer,
        create_customer=create_customer,
        contact_name=contact_name,
        phone=phone,
    )
    department, praised_staff = errors.forwarded(
        point=point, purpose=purpose, department=department, praised_staff=praised_staff
    )
    if purpose == Purpose.COMPLAINT and customer is None and not create_customer:
        errors.add(
            "customer",
            _("A complaint needs the customer: pick the caller's record or create it."),
        )
    holds = errors.holds(point=point, hold_log=hold_log)
    if errors or holds is None:
        raise ValidationError(dict(errors))
    if create_customer and customer is None:
        customer = _caller_create(
            point=point, actor=actor, name=contact_name, phone=phone, company=company
        )
    answered_at = _answered_at(answered_at, now)
    rings = rings_to_answer if rings_to_answer is not None else rings_from_seconds(answer_seconds)
    return Visit.objects.create(
        point=point,
        channel=Channel.HOTLINE,
        purpose=purpose,
        status=VisitStatus.DONE,
        customer=customer,
        contact_name=(contact_name or (customer.name if customer else "")).strip()[:64],
        contact_phone=phone or (customer.phone if customer else ""),
        arrived_at=answered_at,
        served_at=answered_at,
        finished_at=now,
        served_by=actor,
        created_by=actor,
        summary=summary.strip()[:4000],
        outcome=(outcome or "").strip()[:4000],
        caller_kind=caller_kind,
        rings_to_answer=rings,
        answer_seconds=answer_seconds,
        transferred_to=(transferred_to or "").strip()[:100],
        hold_count=holds.count,
        hold_seconds=holds.seconds,
        holds_checked_in_time=holds.checked_in_time,
        department=department,
        praised_staff=praised_staff,
        form_token=token,
    )
