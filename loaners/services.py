"""Loaner services (rules#loaners): register a loaner, lend it against the customer's
signature (deposit optional), take it back, retire it. Each is the one writer of what it
changes; the loaner's status moves only through ``transitions.MACHINE``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import Customer
from intake.validators import clean_imei
from loaners import transitions
from loaners.models import Loan, Loaner
from repairs import signatures
from repairs.models import OPEN_STATUSES, RepairTicket
from servicedesk.models import Role, ServicePoint
from servicedesk.statemachine import TransitionRefused
from servicedesk.tenancy import scope_for, user_role

if TYPE_CHECKING:
    from servicedesk.types import Actor

#: The longest a loan may be promised for, in days: a repair that takes longer is a case for
#: the supervisor, not a loaner.
MAX_LOAN_DAYS = 60


def local_today(point: ServicePoint, now: dt.datetime | None = None) -> dt.date:
    """The point's calendar day at ``now`` (expected-back dates are the point's days)."""
    return (now or timezone.now()).astimezone(ZoneInfo(point.time_zone)).date()


def loan_expected_back(
    *, ticket: RepairTicket | None, now: dt.datetime | None = None
) -> dt.date | None:
    """The lend form's expected day back: the day the repair record promises the phone ready
    (in its point's calendar), kept within the days a loan may last; none without a promise."""
    if ticket is None or ticket.estimated_ready_at is None:
        return None
    today = local_today(ticket.point, now)
    promised = ticket.estimated_ready_at.astimezone(ZoneInfo(ticket.point.time_zone)).date()
    return min(max(promised, today), today + dt.timedelta(days=MAX_LOAN_DAYS))


def ticket_may_lend(ticket: RepairTicket) -> bool:
    """rules#loaners: a loaner bridges an open repair; a record that is closed (handed over,
    returned, exchanged, sent back unrepaired) takes none."""
    return ticket.status in OPEN_STATUSES and ticket.handed_over_at is None


def _check_writer(actor: Actor, point_id: int) -> None:
    scope = scope_for(actor)
    if (
        scope.read_only
        or not scope.allows(point_id)
        or user_role(actor) not in (*transitions.DESK, Role.ADMIN)
    ):
        raise PermissionDenied


@transaction.atomic
def loaner_create(
    *,
    point: ServicePoint,
    actor: Actor,
    model_name: str,
    imei: str,
    condition: str = "",
    deposit_amount: Decimal = Decimal("0.00"),
    notes: str = "",
) -> Loaner:
    """A new loaner of the point, available; its IMEI passes the check digit and is the point's
    only loaner with that IMEI."""
    _check_writer(actor, point.pk)
    try:
        imei = clean_imei(imei)
    except ValidationError as exc:
        raise ValidationError({"imei": exc.messages}) from exc
    if not imei:
        raise ValidationError({"imei": [_("Enter the loaner's IMEI.")]})
    if Loaner.objects.filter(point=point, imei=imei).exists():
        raise ValidationError({"imei": [_("This point already has a loaner with this IMEI.")]})
    try:
        with transaction.atomic():
            return Loaner.objects.create(
                point=point,
                model_name=model_name.strip(),
                imei=imei,
                condition=condition.strip(),
                deposit_amount=deposit_amount,
                notes=notes.strip(),
            )
    except IntegrityError as exc:  # the same IMEI registered at the same moment
        raise ValidationError(
            {"imei": [_("This point already has a loaner with this IMEI.")]}
        ) from exc


def loan_errors(
    *,
    point: ServicePoint,
    customer: Customer | None,
    ticket: RepairTicket | None,
    expected_back: dt.date | None,
    signature_data_url: str,
    now: dt.datetime | None = None,
) -> dict[str, list[str]]:
    """Every refusal the lend would give, all at once, on what is known (a customer, ticket or
    day that is not known is not judged): the repair record the customer's and open, the day
    back within the loan's days, the customer's signature."""
    errors: dict[str, list[str]] = {}
    if (
        ticket is not None
        and customer is not None
        and (ticket.point_id != point.pk or ticket.customer_id != customer.pk)
    ):
        errors["ticket"] = [_("This repair record is not the customer's.")]
    elif ticket is not None and ticket.handed_over_at is not None:
        errors["ticket"] = [_("This repaired phone has already been handed over.")]
    elif ticket is not None and not ticket_may_lend(ticket):
        errors["ticket"] = [_("This repair record is closed: a loaner goes with an open repair.")]
    today = local_today(point, now)
    if expected_back is not None and expected_back < today:
        errors["expected_back"] = [_("The expected day back cannot be in the past.")]
    elif expected_back is not None and expected_back > today + dt.timedelta(days=MAX_LOAN_DAYS):
        errors["expected_back"] = [
            _("A loan is at most %(days)s days: ask your supervisor.") % {"days": MAX_LOAN_DAYS}
        ]
    try:
        signatures.decode_data_url(signature_data_url)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    return errors


@transaction.atomic
def loan_lend(
    *,
    loaner: Loaner,
    customer: Customer,
    actor: Actor,
    expected_back: dt.date,
    signature_data_url: str,
    ticket: RepairTicket | None = None,
    deposit_taken: Decimal | None = None,
    now: dt.datetime | None = None,
) -> Loan:
    """rules#loaners: a loaner goes to a customer of the same point against the customer's
    drawn signature, with an optional deposit, until an expected day; one open loan per loaner
    (the loaner row is locked, and a constraint holds it under any race) and per customer and
    repair record."""
    now = now or timezone.now()
    locked = Loaner.objects.select_for_update().select_related("point").get(pk=loaner.pk)
    _check_writer(actor, locked.point_id)
    if customer.point_id != locked.point_id:
        raise PermissionDenied
    if ticket is not None:  # as it is now: handed over meanwhile, say
        ticket = RepairTicket.objects.get(pk=ticket.pk)
    errors = loan_errors(
        point=locked.point,
        customer=customer,
        ticket=ticket,
        expected_back=expected_back,
        signature_data_url=signature_data_url,
        now=now,
    )
    if errors:
        raise ValidationError(errors)
    signature = signatures.decode_data_url(signature_data_url)
    transitions.MACHINE.require(locked, "lend", role=user_role(actor))
    if (
        ticket is not None
        and Loan.objects.filter(customer=customer, ticket=ticket, returned_at__isnull=True).exists()
    ):
        raise TransitionRefused(_("This customer already holds a loaner for this repair."))
    transitions.MACHINE.move(
        locked, "lend", actor=actor, role=user_role(actor), now=now, note=str(customer.pk)
    )
    locked.save(update_fields=["status"])
    try:
        with transaction.atomic():
            return Loan.objects.create(
                point_id=locked.point_id,
                loaner=locked,
                customer=customer,
                ticket=ticket,
                lent_at=now,
                lent_by=actor,
                expected_back=expected_back,
                signature_png=signature,
                deposit_taken=deposit_taken,
                condition_on_lend=locked.condition,
            )
    except IntegrityError as exc:
        raise TransitionRefused(_("This loaner is already lent out.")) from exc


@transaction.atomic
def loan_return(
    *,
    loan: Loan,
    actor: Actor,
    condition_on_return: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> Loan:
    """rules#loaners: the loaner comes back (at the handover or any day before): who took it
    back, when, in what condition; the loaner is available again."""
    now = now or timezone.now()
    locked = Loan.objects.select_for_update().get(pk=loan.pk)
    _check_writer(actor, locked.point_id)
    if locked.returned_at is not None:
        raise TransitionRefused(_("This loaner was already taken back."))
    loaner = Loaner.objects.select_for_update().get(pk=locked.loaner_id)
    transitions.MACHINE.move(
        loaner, "return", actor=actor, role=user_role(actor), now=now, note=note
    )
    loaner.condition = condition_on_return.strip() or loaner.condition
    loaner.save(update_fields=["status", "condition"])
    locked.returned_at = now
    locked.returned_by = actor
    locked.condition_on_return = condition_on_return.strip()
    locked.return_note = note.strip()
    locked.save(update_fields=["returned_at", "returned_by", "condition_on_return", "return_note"])
    return locked


@transaction.atomic
def loaner_retire(
    *, loaner: Loaner, actor: Actor, reason: str, now: dt.datetime | None = None
) -> Loaner:
    """An available loaner leaves service (broken, lost, sold), with the reason; its history
    stays."""
    locked = Loaner.objects.select_for_update().get(pk=loaner.pk)
    _check_writer(actor, locked.point_id)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the loaner leaves service.")]})
    transitions.MACHINE.move(
        locked, "retire", actor=actor, role=user_role(actor), now=now, note=reason.strip()
    )
    locked.notes = f"{locked.notes} {reason.strip()}".strip()[:500]
    locked.save(update_fields=["status", "notes"])
    return locked
