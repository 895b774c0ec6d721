"""Handling an open complaint (rules#complaints): contacts and promised reply times,
escalation to the supervisor and their decision, the automatic escalation of a missed promise,
and ownership transfers, one at a time or in bulk from the queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import UNRESOLVED_STAGES, Complaint, ComplaintContact, ContactKind, Stage
from complaints.services.base import (
    OWNER_ROLES,
    SUPERVISORS,
    ComplaintError,
    lock_for_change,
    may_act,
    require_future_promise,
    supervisor_for,
    write_contact,
)
from servicedesk import audit
from servicedesk.faults import checkpoint
from servicedesk.models import Role, ServicePoint, StaffProfile
from servicedesk.people import person_label
from servicedesk.selectors import colleague_list
from servicedesk.tenancy import user_role

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from servicedesk.types import Actor


@transaction.atomic
def log_contact(
    *,
    complaint: Complaint,
    actor: Actor,
    note: str,
    promised_reply_at: dt.datetime | None = None,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> ComplaintContact:
    """rules#complaints: every contact with the customer is logged; while unresolved the customer is
    told of progress and given a new promised reply time."""
    now = now or timezone.now()
    complaint = lock_for_change(complaint, version)
    if complaint.stage == Stage.CLOSED:
        raise ComplaintError(_("This complaint is closed."))
    if not may_act(complaint, actor, SUPERVISORS | {Role.CALLBACK_CLERK}):
        raise ComplaintError(_("Only the complaint's owner or a supervisor may do this."))
    errors: dict[str, list[str]] = {}
    if not (note or "").strip():
        errors["note"] = [_("Write what the customer was told.")]
    if complaint.stage in UNRESOLVED_STAGES:
        try:
            require_future_promise(promised_reply_at, now)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if complaint.stage in UNRESOLVED_STAGES:
        complaint.promised_reply_at = promised_reply_at
        complaint.overdue_since = None
    # Every logged contact is a change: a second submit of the same form is then stale.
    complaint.version += 1
    complaint.save(update_fields=["promised_reply_at", "overdue_since", "version"])
    return write_contact(
        complaint,
        by=actor,
        kind=ContactKind.CONTACT,
        note=note.strip(),
        promised_reply_at=promised_reply_at if complaint.promised_reply_at else None,
        at=now,
    )


@transaction.atomic
def escalate(
    *,
    complaint: Complaint,
    actor: Actor,
    note: str,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Complaint:
    """rules#complaints 超出处理权限时及时上报: the owner hands the decision to the supervisor."""
    now = now or timezone.now()
    complaint = lock_for_change(complaint, version)
    if complaint.stage not in UNRESOLVED_STAGES:
        raise ComplaintError(_("Only an unresolved complaint can be escalated."))
    if complaint.escalated_at is not None:
        raise ComplaintError(_("This complaint is already escalated."))
    if not may_act(complaint, actor, SUPERVISORS):
        raise ComplaintError(_("Only the complaint's owner or a supervisor may do this."))
    if not (note or "").strip():
        raise ValidationError({"note": [_("Say why it is beyond your authority.")]})
    complaint.escalated_at = now
    complaint.escalated_to = supervisor_for(complaint.point)
    complaint.version += 1
    complaint.save(update_fields=["escalated_at", "escalated_to", "version"])
    write_contact(complaint, by=actor, kind=ContactKind.ESCALATION, note=note.strip(), at=now)
    return complaint


@transaction.atomic
def record_decision(
    *,
    complaint: Complaint,
    actor: Actor,
    decision: str,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Complaint:
    """rules#complaints: the supervisor must act on an escalated complaint; the decision is
    recorded."""
    now = now or timezone.now()
    complaint = lock_for_change(complaint, version)
    if user_role(actor) not in SUPERVISORS | {Role.ADMIN}:
        raise ComplaintError(_("Only a supervisor may decide an escalated complaint."))
    if complaint.escalated_at is None:
        raise ComplaintError(_("This complaint is not escalated."))
    if not (decision or "").strip():
        raise ValidationError({"decision": [_("Write the decision.")]})
    complaint.supervisor_decision = decision.strip()
    complaint.version += 1
    complaint.save(update_fields=["supervisor_decision", "version"])
    write_contact(complaint, by=actor, kind=ContactKind.DECISION, note=decision.strip(), at=now)
    return complaint


@transaction.atomic
def escalate_overdue(*, complaint_id: int, now: dt.datetime | None = None) -> bool:
    """rules#complaints: a missed promise is overdue and escalates to the supervisor automatically,
    once.

    Conditional update: run twice (or by two workers) it escalates once. Returns True if it did."""
    now = now or timezone.now()
    complaint = (
        Complaint.objects.select_for_update(skip_locked=True)
        .filter(
            pk=complaint_id,
            stage__in=UNRESOLVED_STAGES,
            promised_reply_at__lte=now,
            overdue_since__isnull=True,
        )
        .first()
    )
    if complaint is None:
        return False
    complaint.overdue_since = now
    fields = ["overdue_since", "version"]
    if complaint.escalated_at is None:
        complaint.escalated_at = now
        complaint.escalated_to = supervisor_for(complaint.point)
        fields += ["escalated_at", "escalated_to"]
    complaint.version += 1
    complaint.save(update_fields=fields)
    write_contact(
        complaint,
        by=None,
        kind=ContactKind.ESCALATION,
        note=_("Promised reply time missed: overdue, escalated to the supervisor."),
        at=now,
    )
    checkpoint("complaints.escalate")  # a crash here rolls this escalation back whole
    return True


@transaction.atomic
def transfer_ownership(
    *,
    complaint: Complaint,
    actor: Actor,
    new_owner: Actor,
    note: str = "",
    version: int | None = None,
) -> Complaint:
    """rules#complaints 首问责任制: the owner changes only by an explicit, logged transfer."""
    complaint = lock_for_change(complaint, version)
    if complaint.stage == Stage.CLOSED:
        raise ComplaintError(_("This complaint is closed."))
    if not may_act(complaint, actor, SUPERVISORS):
        raise ComplaintError(_("Only the complaint's owner or a supervisor may transfer it."))
    profile = StaffProfile.objects.filter(user=new_owner, user__is_active=True).first()
    if profile is None or profile.point_id != complaint.point_id or profile.role not in OWNER_ROLES:
        raise ValidationError({"owner": [_("Choose a colleague of this service point.")]})
    if new_owner.pk == complaint.owner_id:
        return complaint
    previous = complaint.owner_id
    complaint.owner = new_owner
    complaint.version += 1
    complaint.save(update_fields=["owner", "version"])
    name = person_label(new_owner)
    write_contact(
        complaint,
        by=actor,
        kind=ContactKind.TRANSFER,
        note=(_("Ownership transferred to %(name)s.") % {"name": name} + " " + note).strip(),
    )
    audit.audit_complaint_reassigned(actor=actor, complaint=complaint, previous_owner_id=previous)
    return complaint


@transaction.atomic
def complaints_reassign(
    *, complaints: Iterable[Complaint], actor: Actor, new_owner: Actor, note: str = ""
) -> int:
    """The queue's bulk reassignment: each complaint transferred by ``transfer_ownership`` (so
    each is logged and audited), all or none. Returns how many were reassigned."""
    done = 0
    for complaint in complaints:
        transfer_ownership(complaint=complaint, actor=actor, new_owner=new_owner, note=note)
        done += 1
    return done


def staff_choices(point: ServicePoint) -> QuerySet[User]:
    """Colleagues a complaint may be transferred to."""
    return colleague_list(points=point, roles=OWNER_ROLES).order_by("first_name", "username")
