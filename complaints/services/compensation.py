"""Compensation within each role's authority (rules#complaints): offered at once up to the
offering role's limit, above it approved or refused by the next level."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import transitions
from complaints.models import (
    UNRESOLVED_STAGES,
    CompensationOffer,
    Complaint,
    ContactKind,
    OfferStatus,
)
from complaints.services.base import (
    SUPERVISORS,
    ComplaintError,
    lock_for_change,
    may_act,
    write_contact,
)
from servicedesk import audit
from servicedesk.models import Role, ServicePoint
from servicedesk.tenancy import user_role

if TYPE_CHECKING:
    from servicedesk.types import Actor, AnyUser


# rules#complaints: who approves compensation above the offering role's limit.
NEXT_LEVEL: dict[str, str] = {
    Role.FRONT_DESK: Role.SUPERVISOR,
    Role.HOTLINE: Role.SUPERVISOR,
    Role.CALLBACK_CLERK: Role.SUPERVISOR,
    Role.SUPERVISOR: Role.SERVICE_MANAGER,
    Role.SERVICE_MANAGER: Role.ADMIN,
}
LEVEL_ORDER: list[str] = [Role.SUPERVISOR, Role.SERVICE_MANAGER, Role.ADMIN]


def _approver_role(point: ServicePoint, offered_role: str, amount: Decimal) -> str | None:
    """The lowest level whose limit covers ``amount``, above the offering role; None if within."""
    if amount <= point.compensation_limit_for(offered_role) and offered_role in NEXT_LEVEL:
        return None
    if offered_role == Role.ADMIN:
        return None
    level = NEXT_LEVEL.get(offered_role, Role.SUPERVISOR)
    while level != Role.ADMIN and amount > point.compensation_limit_for(level):
        level = NEXT_LEVEL[level]
    return level


@transaction.atomic
def offer_compensation(
    *,
    complaint: Complaint,
    actor: Actor,
    amount: Decimal,
    description: str,
    version: int | None = None,
) -> CompensationOffer:
    """rules#complaints: compensation up to the actor's role limit may be promised at once; above it
    the offer waits for the next level's approval and cannot be promised before."""
    complaint = lock_for_change(complaint, version)
    if complaint.stage not in UNRESOLVED_STAGES:
        raise ComplaintError(_("Compensation is offered while the complaint is open."))
    if not may_act(complaint, actor, SUPERVISORS):
        raise ComplaintError(_("Only the complaint's owner or a supervisor may do this."))
    errors: dict[str, list[str]] = {}
    if amount is None or amount < 0:
        errors["amount"] = [_("Enter an amount of zero or more.")]
    if not (description or "").strip():
        errors["description"] = [_("Say what is offered.")]
    if errors:
        raise ValidationError(errors)
    amount = Decimal(amount).quantize(Decimal("0.01"))
    complaint.version += 1  # an offer is a change: a second submit of the same form is stale
    complaint.save(update_fields=["version"])
    role = user_role(actor)
    needs = _approver_role(complaint.point, role or "", amount)
    offer = CompensationOffer.objects.create(
        complaint=complaint,
        amount=amount,
        description=description.strip(),
        offered_by=actor,
        status=OfferStatus.PENDING if needs else OfferStatus.APPROVED,
        needs_role=needs or "",
        decided_by=None if needs else actor,
        decided_at=None if needs else timezone.now(),
    )
    if needs:
        note = _("Compensation ¥%(amount)s waits for approval: %(what)s") % {
            "amount": amount,
            "what": offer.description,
        }
    else:
        note = _("Compensation ¥%(amount)s within authority: %(what)s") % {
            "amount": amount,
            "what": offer.description,
        }
    write_contact(complaint, by=actor, kind=ContactKind.COMPENSATION, note=note)
    return offer


def may_decide(offer: CompensationOffer, user: AnyUser) -> bool:
    role = user_role(user)
    if role == Role.ADMIN:
        return True
    if role not in LEVEL_ORDER or offer.needs_role not in LEVEL_ORDER:
        return False
    return LEVEL_ORDER.index(role) >= LEVEL_ORDER.index(offer.needs_role)


@transaction.atomic
def decide_compensation(
    *, offer: CompensationOffer, actor: Actor, approve: bool, now: dt.datetime | None = None
) -> CompensationOffer:
    """rules#complaints: the next level approves (or refuses) compensation above the offering role's
    limit; every decision is audited."""
    now = now or timezone.now()
    offer = (
        CompensationOffer.objects.select_for_update()
        .select_related("complaint__point")
        .get(pk=offer.pk)
    )
    if offer.status != OfferStatus.PENDING:
        raise ComplaintError(_("This offer is already decided."))
    if not may_decide(offer, actor):
        raise ComplaintError(_("This amount is beyond your authority to approve."))
    transitions.OFFER_MACHINE.move(
        offer, "approve" if approve else "refuse", actor=actor, role=None, authorized=True, now=now
    )
    offer.decided_by = actor
    offer.decided_at = now
    offer.save(update_fields=["status", "decided_by", "decided_at"])
    note = (
        _("Compensation ¥%(amount)s approved: may be promised.")
        if approve
        else _("Compensation ¥%(amount)s refused.")
    ) % {"amount": offer.amount}
    write_contact(offer.complaint, by=actor, kind=ContactKind.COMPENSATION, note=note, at=now)
    audit.audit_compensation_decided(actor=actor, offer=offer)
    return offer
