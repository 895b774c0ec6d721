"""The complaint's stage moves (rules#complaints stages), one command each: a typed input (what
the step's form validated) and one service that checks that step's rules, changes the complaint
and moves it through ``complaints.transitions``. ``complaints.commands`` registers each with its
form and partial on the action of its transition row.

Any move leaving the complaint unresolved (clarified, a solution proposed) requires a new
promised reply time; the other moves clear it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import transitions
from complaints.models import Complaint, ContactKind
from complaints.services.base import (
    ComplaintError,
    local_date,
    lock_for_change,
    may_act,
    require_future_promise,
    write_contact,
)
from intake.models import Customer
from servicedesk.tenancy import user_role

if TYPE_CHECKING:
    from servicedesk.statemachine import Transition
    from servicedesk.types import Actor

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class ClarifyInput:
    """解释澄清: the owner's restatement, confirmed by the customer."""

    restatement: str
    customer_confirmed: bool
    promised_reply_at: dt.datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class ProposeInput:
    """提出解决方案: one or more options, and the customer's choice once made (may be proposed
    again while the customer chooses; no options keeps the ones already proposed)."""

    options: tuple[str, ...] = ()
    chosen_option: str = ""
    promised_reply_at: dt.datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class ResolveInput:
    """Resolved: the option the customer chose (if not chosen when proposed) and the outcome."""

    resolution: str
    chosen_option: str = ""
    note: str = ""


@dataclass(frozen=True)
class NoteInput:
    """A step that takes a note only (followed up, closed)."""

    note: str = ""


def _begin(
    complaint: Complaint, *, actor: Actor, action: str, version: int | None
) -> tuple[Complaint, Transition]:
    """The complaint locked (refused if changed since shown) and the row of the move it may
    make: refused when the stage has no such move or the actor may not make it."""
    complaint = lock_for_change(complaint, version)
    move = transitions.MACHINE.find(complaint.stage, action)
    if move is None:
        raise ComplaintError(
            _("A complaint in stage “%(stage)s” cannot do “%(action)s”.")
            % {"stage": complaint.get_stage_display(), "action": action}
        )
    if not may_act(complaint, actor, move.roles):
        raise ComplaintError(_("Only the complaint's owner or a supervisor may do this."))
    return complaint, move


def _promise_errors(promised_reply_at: dt.datetime | None, now: dt.datetime) -> Errors:
    try:
        require_future_promise(promised_reply_at, now)
    except ValidationError as exc:
        return exc.message_dict
    return {}


def _finish(
    complaint: Complaint,
    *,
    actor: Actor,
    move: Transition,
    detail: str,
    now: dt.datetime,
    promised_reply_at: dt.datetime | None = None,
) -> Complaint:
    """Move, keep (or clear) the promised reply time, save and write the stage's timeline row."""
    transitions.MACHINE.move(
        complaint, move.action, actor=actor, role=user_role(actor), authorized=True, now=now
    )
    complaint.promised_reply_at = promised_reply_at
    complaint.overdue_since = None
    complaint.version += 1
    complaint.save()
    write_contact(
        complaint,
        by=actor,
        kind=ContactKind.STAGE,
        note=f"{complaint.get_stage_display()}: {detail}".strip(),
        promised_reply_at=complaint.promised_reply_at,
        at=now,
    )
    return complaint


def _detail(complaint: Complaint, *said: str) -> str:
    """What the stage's timeline row says: the first thing written, else the options."""
    return next((text for text in said if text), ", ".join(complaint.options))


@transaction.atomic
def complaint_clarify(
    *,
    complaint: Complaint,
    actor: Actor,
    data: ClarifyInput,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Complaint:
    """rules#complaints 解释澄清: the owner restates the complaint, the customer confirms it;
    still unresolved, so the customer is told when they will hear back."""
    now = now or timezone.now()
    complaint, move = _begin(complaint, actor=actor, action="clarify", version=version)
    errors: Errors = {}
    if not data.restatement.strip():
        errors["restatement"] = [_("Restate the complaint in your own words.")]
    if not data.customer_confirmed:
        errors["customer_confirmed"] = [_("The customer must confirm the restatement.")]
    errors |= _promise_errors(data.promised_reply_at, now)
    if errors:
        raise ValidationError(errors)
    complaint.restatement = data.restatement.strip()
    complaint.customer_confirmed = True
    return _finish(
        complaint,
        actor=actor,
        move=move,
        detail=_detail(complaint, data.note, data.restatement),
        now=now,
        promised_reply_at=data.promised_reply_at,
    )


@transaction.atomic
def complaint_propose(
    *,
    complaint: Complaint,
    actor: Actor,
    data: ProposeInput,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Complaint:
    """rules#complaints 提出解决方案: one or more options for the customer to choose from;
    still unresolved, so the customer is told when they will hear back."""
    now = now or timezone.now()
    complaint, move = _begin(complaint, actor=actor, action="propose", version=version)
    options = [option.strip() for option in data.options if option and option.strip()]
    chosen = data.chosen_option.strip()
    errors: Errors = {}
    if not options and not complaint.options:
        errors["options"] = [_("Propose at least one option.")]
    if chosen and chosen not in (options or complaint.options):
        errors["chosen_option"] = [_("The customer's choice must be one of the options.")]
    errors |= _promise_errors(data.promised_reply_at, now)
    if errors:
        raise ValidationError(errors)
    if options:
        complaint.options = options
    if chosen:
        complaint.chosen_option = chosen
    return _finish(
        complaint,
        actor=actor,
        move=move,
        detail=_detail(complaint, data.note, data.chosen_option),
        now=now,
        promised_reply_at=data.promised_reply_at,
    )


@transaction.atomic
def complaint_resolve(
    *,
    complaint: Complaint,
    actor: Actor,
    data: ResolveInput,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Complaint:
    """rules#complaints: resolved with the option the customer chose and the outcome; the
    complaint callback is scheduled within the point's days and the customer is marked for
    special attention."""
    now = now or timezone.now()
    complaint, move = _begin(complaint, actor=actor, action="resolve", version=version)
    choice = data.chosen_option.strip() or complaint.chosen_option
    errors: Errors = {}
    if not choice:
        errors["chosen_option"] = [_("Record which option the customer chose.")]
    elif choice not in complaint.options:
        errors["chosen_option"] = [_("The customer's choice must be one of the options.")]
    if not data.resolution.strip():
        errors["resolution"] = [_("Describe the resolution.")]
    if errors:
        raise ValidationError(errors)
    complaint.chosen_option = choice
    complaint.resolution = data.resolution.strip()
    complaint.resolved_at = now
    _finish(
        complaint,
        actor=actor,
        move=move,
        detail=_detail(complaint, data.note, data.chosen_option, data.resolution),
        now=now,
    )
    from complaints.followup import schedule_complaint_callback

    schedule_complaint_callback(complaint=complaint)
    mark_customer_special_attention(complaint=complaint)
    return complaint


@transaction.atomic
def complaint_follow_up(
    *,
    complaint: Complaint,
    actor: Actor,
    data: NoteInput,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Complaint:
    """rules#complaints 跟踪回访: the follow-up callback after the resolution was made."""
    now = now or timezone.now()
    complaint, move = _begin(complaint, actor=actor, action="follow_up", version=version)
    return _finish(complaint, actor=actor, move=move, detail=_detail(complaint, data.note), now=now)


@transaction.atomic
def complaint_close(
    *,
    complaint: Complaint,
    actor: Actor,
    data: NoteInput,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Complaint:
    """rules#complaints: closed after the follow-up."""
    now = now or timezone.now()
    complaint, move = _begin(complaint, actor=actor, action="close", version=version)
    complaint.closed_at = now
    return _finish(complaint, actor=actor, move=move, detail=_detail(complaint, data.note), now=now)


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
