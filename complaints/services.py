"""Complaint services (rules#complaints): opening, the stage transition table, contacts and promised
reply times, escalation, ownership transfer and compensation within each role's authority."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from complaints import transitions
from complaints.models import (
    UNRESOLVED_STAGES,
    Channel,
    CompensationOffer,
    Complaint,
    ComplaintCategory,
    ComplaintContact,
    ContactKind,
    OfferStatus,
    Source,
    Stage,
)
from intake.models import Customer, Visit
from repairs.models import RepairTicket
from servicedesk import audit
from servicedesk.errors import ActionRefused
from servicedesk.errors import ConflictError as BaseConflictError
from servicedesk.faults import checkpoint
from servicedesk.idempotency import create_once
from servicedesk.models import Department, Role, ServicePoint, StaffProfile
from servicedesk.people import person_label
from servicedesk.selectors import colleague_list
from servicedesk.services import department_notify
from servicedesk.tenancy import user_role

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from complaints.models import DifficultType
    from followups.models import Callback
    from servicedesk.statemachine import Transition
    from servicedesk.types import Actor, AnyUser


class ComplaintError(ActionRefused):
    """A move the rules do not allow (shown to the user as a message)."""


class ConflictError(ComplaintError, BaseConflictError):
    """The complaint changed since the form was shown (another colleague, or a double submit)."""


OWNER_ROLES = frozenset(
    {Role.FRONT_DESK, Role.HOTLINE, Role.CALLBACK_CLERK, Role.SUPERVISOR, Role.SERVICE_MANAGER}
)
SUPERVISORS = frozenset({Role.SUPERVISOR, Role.SERVICE_MANAGER})


# rules#complaints: who approves compensation above the offering role's limit.
NEXT_LEVEL: dict[str, str] = {
    Role.FRONT_DESK: Role.SUPERVISOR,
    Role.HOTLINE: Role.SUPERVISOR,
    Role.CALLBACK_CLERK: Role.SUPERVISOR,
    Role.SUPERVISOR: Role.SERVICE_MANAGER,
    Role.SERVICE_MANAGER: Role.ADMIN,
}
LEVEL_ORDER: list[str] = [Role.SUPERVISOR, Role.SERVICE_MANAGER, Role.ADMIN]


def local_date(point: ServicePoint, at: dt.datetime) -> dt.date:
    return at.astimezone(ZoneInfo(point.time_zone)).date()


def _contact(
    complaint: Complaint,
    *,
    by: Actor | None,
    kind: str,
    note: str = "",
    promised_reply_at: dt.datetime | None = None,
    at: dt.datetime | None = None,
) -> ComplaintContact:
    """The one function writing a timeline row (every contact and every change)."""
    return ComplaintContact.objects.create(
        complaint=complaint,
        by=by if getattr(by, "pk", None) else None,
        kind=kind,
        note=note[:4000],
        promised_reply_at=promised_reply_at,
        at=at or timezone.now(),
    )


def _require_future_promise(
    promised_reply_at: dt.datetime | None, now: dt.datetime, field: str = "promised_reply_at"
) -> None:
    """rules#complaints: whenever a complaint is left unresolved, the customer is told when they
    will hear back."""
    if promised_reply_at is None:
        raise ValidationError(
            {field: [_("Record when the customer will hear back (promised reply time).")]}
        )
    if promised_reply_at <= now:
        raise ValidationError({field: [_("The promised reply time must be in the future.")]})


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
        _require_future_promise(promised_reply_at, now)
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
        _contact(
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


def _lock(complaint: Complaint, version: int | None = None) -> Complaint:
    """The complaint, locked; with ``version`` (the one the form was shown with), refused if a
    colleague changed it meanwhile, so that no change is silently overwritten."""
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if version is not None and locked.version != version:
        raise ConflictError(
            _("Someone else changed this complaint meanwhile. Reload the page and try again.")
        )
    return locked


def _may_act(complaint: Complaint, actor: AnyUser, extra_roles: Collection[str]) -> bool:
    role = user_role(actor)
    return complaint.owner_id == actor.pk or role == Role.ADMIN or role in extra_roles


def may_move(complaint: Complaint, user: AnyUser, move: Transition) -> bool:
    """Whether ``user`` may make ``move`` (a row of ``complaints.transitions``): the owner, or
    a role the table names (rules#complaints stages). The page offers only these steps."""
    return _may_act(complaint, user, move.roles)


@transaction.atomic
def transition(
    *,
    complaint: Complaint,
    actor: Actor,
    action: str,
    note: str = "",
    restatement: str = "",
    customer_confirmed: bool = False,
    options: list[str] | None = None,
    chosen_option: str = "",
    resolution: str = "",
    promised_reply_at: dt.datetime | None = None,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Complaint:
    """Move a complaint along the rules#complaints stages (``complaints.transitions``).

    - clarify: the owner's restatement, confirmed by the customer (解释澄清);
    - propose: one or more options, and the customer's choice once made (提出解决方案);
    - resolve: the customer's chosen option and the outcome; schedules the callback within N
      days and marks the customer;
    - follow_up / close: after the follow-up callback (跟踪回访).
    Any move leaving the complaint unresolved requires a new promised reply time.
    """
    now = now or timezone.now()
    complaint = _lock(complaint, version)
    move = transitions.MACHINE.find(complaint.stage, action)
    if move is None:
        raise ComplaintError(
            _("A complaint in stage “%(stage)s” cannot do “%(action)s”.")
            % {"stage": complaint.get_stage_display(), "action": action}
        )
    (next_stage,) = move.targets
    if not _may_act(complaint, actor, move.roles):
        raise ComplaintError(_("Only the complaint's owner or a supervisor may do this."))
    errors: dict[str, list[str]] = {}
    if action == "clarify":
        if not restatement.strip():
            errors["restatement"] = [_("Restate the complaint in your own words.")]
        if not customer_confirmed:
            errors["customer_confirmed"] = [_("The customer must confirm the restatement.")]
    if action == "propose":
        cleaned = [o.strip() for o in (options or []) if o and o.strip()]
        if not cleaned and not complaint.options:
            errors["options"] = [_("Propose at least one option.")]
        if chosen_option and chosen_option.strip() not in (cleaned or complaint.options):
            errors["chosen_option"] = [_("The customer's choice must be one of the options.")]
    if action == "resolve":
        choice = chosen_option.strip() or complaint.chosen_option
        if not choice:
            errors["chosen_option"] = [_("Record which option the customer chose.")]
        elif choice not in complaint.options:
            errors["chosen_option"] = [_("The customer's choice must be one of the options.")]
        if not resolution.strip():
            errors["resolution"] = [_("Describe the resolution.")]
    if next_stage in (Stage.CLARIFIED, Stage.PROPOSED):
        try:
            _require_future_promise(promised_reply_at, now)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)

    if action == "clarify":
        complaint.restatement = restatement.strip()
        complaint.customer_confirmed = True
    elif action == "propose":
        if cleaned:
            complaint.options = cleaned
        if chosen_option:
            complaint.chosen_option = chosen_option.strip()
    elif action == "resolve":
        complaint.chosen_option = chosen_option.strip() or complaint.chosen_option
        complaint.resolution = resolution.strip()
        complaint.resolved_at = now
    elif action == "close":
        complaint.closed_at = now
    transitions.MACHINE.move(
        complaint, action, actor=actor, role=user_role(actor), authorized=True, now=now
    )
    if next_stage in (Stage.CLARIFIED, Stage.PROPOSED):
        complaint.promised_reply_at = promised_reply_at
        complaint.overdue_since = None
    else:
        complaint.promised_reply_at = None
        complaint.overdue_since = None
    complaint.version += 1
    complaint.save()
    detail = note or restatement or chosen_option or resolution or ", ".join(complaint.options)
    _contact(
        complaint,
        by=actor,
        kind=ContactKind.STAGE,
        note=f"{complaint.get_stage_display()}: {detail}".strip(),
        promised_reply_at=complaint.promised_reply_at,
        at=now,
    )
    if action == "resolve":
        from complaints.followup import schedule_complaint_callback

        schedule_complaint_callback(complaint=complaint)
        mark_customer_special_attention(complaint=complaint)
    return complaint


def mark_customer_special_attention(*, complaint: Complaint) -> None:
    """rules#complaints: the day after a complaint is resolved the customer is marked for special
    attention (重点关注), so that all their future services are called back (rules#callbacks)."""
    if complaint.resolved_at is None:
        raise ValueError("only a resolved complaint marks its customer")
    since = local_date(complaint.point, complaint.resolved_at) + dt.timedelta(days=1)
    customer = Customer.objects.select_for_update().get(pk=complaint.customer_id)
    customer.has_complained = True
    if customer.special_attention_since is None or customer.special_attention_since > since:
        customer.special_attention_since = since
    customer.save(update_fields=["has_complained", "special_attention_since"])


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
    complaint = _lock(complaint, version)
    if complaint.stage == Stage.CLOSED:
        raise ComplaintError(_("This complaint is closed."))
    if not _may_act(complaint, actor, SUPERVISORS | {Role.CALLBACK_CLERK}):
        raise ComplaintError(_("Only the complaint's owner or a supervisor may do this."))
    errors: dict[str, list[str]] = {}
    if not (note or "").strip():
        errors["note"] = [_("Write what the customer was told.")]
    if complaint.stage in UNRESOLVED_STAGES:
        try:
            _require_future_promise(promised_reply_at, now)
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
    return _contact(
        complaint,
        by=actor,
        kind=ContactKind.CONTACT,
        note=note.strip(),
        promised_reply_at=promised_reply_at if complaint.promised_reply_at else None,
        at=now,
    )


def supervisor_for(point: ServicePoint) -> User | None:
    """The point's supervisor who receives escalations (the first active one), else None."""
    profile = (
        StaffProfile.objects.filter(point=point, role=Role.SUPERVISOR, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return profile.user if profile else None


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
    complaint = _lock(complaint, version)
    if complaint.stage not in UNRESOLVED_STAGES:
        raise ComplaintError(_("Only an unresolved complaint can be escalated."))
    if complaint.escalated_at is not None:
        raise ComplaintError(_("This complaint is already escalated."))
    if not _may_act(complaint, actor, SUPERVISORS):
        raise ComplaintError(_("Only the complaint's owner or a supervisor may do this."))
    if not (note or "").strip():
        raise ValidationError({"note": [_("Say why it is beyond your authority.")]})
    complaint.escalated_at = now
    complaint.escalated_to = supervisor_for(complaint.point)
    complaint.version += 1
    complaint.save(update_fields=["escalated_at", "escalated_to", "version"])
    _contact(complaint, by=actor, kind=ContactKind.ESCALATION, note=note.strip(), at=now)
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
    complaint = _lock(complaint, version)
    if user_role(actor) not in SUPERVISORS | {Role.ADMIN}:
        raise ComplaintError(_("Only a supervisor may decide an escalated complaint."))
    if complaint.escalated_at is None:
        raise ComplaintError(_("This complaint is not escalated."))
    if not (decision or "").strip():
        raise ValidationError({"decision": [_("Write the decision.")]})
    complaint.supervisor_decision = decision.strip()
    complaint.version += 1
    complaint.save(update_fields=["supervisor_decision", "version"])
    _contact(complaint, by=actor, kind=ContactKind.DECISION, note=decision.strip(), at=now)
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
    _contact(
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
    complaint = _lock(complaint, version)
    if complaint.stage == Stage.CLOSED:
        raise ComplaintError(_("This complaint is closed."))
    if not _may_act(complaint, actor, SUPERVISORS):
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
    _contact(
        complaint,
        by=actor,
        kind=ContactKind.TRANSFER,
        note=(_("Ownership transferred to %(name)s.") % {"name": name} + " " + note).strip(),
    )
    audit.audit_complaint_reassigned(actor=actor, complaint=complaint, previous_owner_id=previous)
    return complaint


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
    complaint = _lock(complaint, version)
    if complaint.stage not in UNRESOLVED_STAGES:
        raise ComplaintError(_("Compensation is offered while the complaint is open."))
    if not _may_act(complaint, actor, SUPERVISORS):
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
    _contact(complaint, by=actor, kind=ContactKind.COMPENSATION, note=note)
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
    _contact(offer.complaint, by=actor, kind=ContactKind.COMPENSATION, note=note, at=now)
    audit.audit_compensation_decided(actor=actor, offer=offer)
    return offer


def staff_choices(point: ServicePoint) -> QuerySet[User]:
    """Colleagues a complaint may be transferred to."""
    return colleague_list(points=point, roles=OWNER_ROLES).order_by("first_name", "username")
