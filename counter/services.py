"""Counter money (rules#payment): payments by method with the change, deposits taken when a quote
is approved, refunds, and the desk user's daily cash-up (日结).

Every movement is a ``MoneyEntry`` that is never changed (a correction is a new entry). The
amount due is always derived from the ticket (``amount_due``); what the customer still has to pay
is that less what the ticket already holds (deposits less refunds)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from counter.models import CashUp, CashUpStatus, MoneyEntry, MoneyKind, PaymentMethod
from servicedesk import audit
from servicedesk.models import SUPERVISING_ROLES, Role, ServicePoint
from servicedesk.moneyfmt import yuan
from servicedesk.statemachine import StateMachine, Transition, TransitionRefused
from servicedesk.tenancy import user_role
from servicedesk.types import Actor

if TYPE_CHECKING:
    from repairs.models import RepairTicket

ZERO = Decimal("0.00")

CASH_UP_MACHINE = StateMachine(
    name="cash_up",
    field="status",
    transitions=[
        Transition(
            "confirm",
            _("Confirm the cash-up"),
            CashUpStatus.SUBMITTED,
            CashUpStatus.CONFIRMED,
            SUPERVISING_ROLES,
        ),
    ],
)

MONEY_ROLES = frozenset({Role.FRONT_DESK, *SUPERVISING_ROLES})


@dataclass(frozen=True)
class PaymentInput:
    """One payment line of the handover form: a method, the amount handed over, the reference."""

    method_id: int
    amount: Decimal
    reference: str = ""


def held(ticket: RepairTicket) -> Decimal:
    """What the point already holds for this repair: deposits and payments less refunds (net of
    change)."""
    return sum((e.net for e in ticket.money_entries.all()), ZERO)


def _methods(ids: set[int]) -> dict[int, PaymentMethod]:
    return {m.pk: m for m in PaymentMethod.objects.filter(pk__in=ids, is_active=True)}


def _check_reference(method: PaymentMethod, reference: str, field: str, errors: dict) -> None:
    if method.needs_reference and not reference.strip():
        errors.setdefault(field, []).append(
            _("Enter the transaction number of the %(method)s payment.") % {"method": method.name}
        )


def amount_field(index: int) -> str:
    """The form field of a payment row's amount: the first row's is the plain "amount received"."""
    return "amount_received" if index == 0 else f"amount_{index}"


@dataclass
class PaymentPlan:
    """Checked payments, ready to record: the entries, what was received, the change."""

    entries: list[MoneyEntry]
    received: Decimal
    change: Decimal


def plan_payments(
    *,
    ticket: RepairTicket,
    due: Decimal,
    payments: list[PaymentInput],
    kind: str = MoneyKind.PAYMENT,
) -> PaymentPlan:
    """rules#payment: the customer pays what is still due (the amount due less what the ticket
    holds), in one or more payments by any methods. Only cash gives change, so the other methods
    together may not pay more than is due. Raises a ValidationError naming the rows' fields."""
    errors: dict[str, list[str]] = {}
    methods = _methods({p.method_id for p in payments})
    to_pay = max(due - held(ticket), ZERO)
    for index, payment in enumerate(payments):
        method = methods.get(payment.method_id)
        if method is None:
            errors[f"method_{index}"] = [_("Pick how the customer paid.")]
            continue
        _check_reference(method, payment.reference, f"reference_{index}", errors)
    total = sum((p.amount for p in payments), ZERO)
    cash = sum((p.amount for p in payments if (m := methods.get(p.method_id)) and m.is_cash), ZERO)
    if total < to_pay:
        errors.setdefault(amount_field(0), []).append(
            _("Receive at least %(due)s.") % {"due": yuan(to_pay)}
        )
    elif total - cash > to_pay:
        errors.setdefault(amount_field(0), []).append(
            _(
                "Card and app payments together cannot exceed the %(due)s due: "
                "only cash gives change."
            )
            % {"due": yuan(to_pay)}
        )
    if errors:
        raise ValidationError(errors)
    change = total - to_pay
    entries = []
    left = change
    for payment in payments:
        method = methods[payment.method_id]
        given = min(left, payment.amount) if method.is_cash else ZERO
        left -= given
        entries.append(
            MoneyEntry(
                ticket=ticket,
                kind=kind,
                method=method,
                amount=payment.amount,
                change=given,
                reference=payment.reference.strip()[:64],
            )
        )
    return PaymentPlan(entries=entries, received=total, change=change)


def record_payments(*, plan: PaymentPlan, actor: Actor, now: dt.datetime) -> list[MoneyEntry]:
    for entry in plan.entries:
        entry.by, entry.at = actor, now
    return MoneyEntry.objects.bulk_create(plan.entries)


def deposit_errors(payment: PaymentInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    method = _methods({payment.method_id}).get(payment.method_id)
    if method is None:
        errors["deposit_method"] = [_("Pick how the customer paid.")]
    else:
        _check_reference(method, payment.reference, "deposit_reference", errors)
    if payment.amount <= 0:
        errors["deposit_amount"] = [_("Enter an amount above zero.")]
    return errors


def take_deposit(
    *,
    ticket: RepairTicket,
    actor: Actor,
    payment: PaymentInput,
    now: dt.datetime,
) -> MoneyEntry:
    """rules#payment: a deposit taken when the customer approves the quote counts toward the
    amount due at the handover (``deposit_errors`` checks it first, with the quote's fields)."""
    errors = deposit_errors(payment)
    if errors:
        raise ValidationError(errors)
    return MoneyEntry.objects.create(
        ticket=ticket,
        kind=MoneyKind.DEPOSIT,
        method_id=payment.method_id,
        amount=payment.amount,
        reference=payment.reference.strip()[:64],
        by=actor,
        at=now,
    )


def money_refund(
    *,
    ticket: RepairTicket,
    actor: Actor,
    method_id: int,
    amount: Decimal,
    reason: str,
    version: int,
    reference: str = "",
    now: dt.datetime | None = None,
) -> MoneyEntry:
    """rules#payment: a refund (of a refused quote's deposit, or of a charge found wrong) needs a
    reason, never exceeds what the ticket holds, and above the front desk's authority (a point
    setting, default ¥0) is made by a supervisor. Audited."""
    now = now or timezone.now()
    role = user_role(actor)
    if role not in MONEY_ROLES and role != Role.ADMIN:
        raise ValidationError({"amount": [_("Your role cannot refund money.")]})
    with transaction.atomic():
        ticket = (
            type(ticket)
            ._default_manager.select_for_update()
            .select_related("point")
            .get(pk=ticket.pk)
        )
        if ticket.version != version:
            # The same refund sent twice, or money moved meanwhile: the desk looks again.
            raise ValidationError(
                _("Someone else changed this repair record meanwhile. Reload the page.")
            )
        errors: dict[str, list[str]] = {}
        method = _methods({method_id}).get(method_id)
        if method is None:
            errors["method"] = [_("Pick how the money goes back.")]
        if not reason.strip():
            errors["reason"] = [_("Say why the money goes back.")]
        available = held(ticket)
        if amount <= 0:
            errors["amount"] = [_("Enter an amount above zero.")]
        elif amount > available:
            errors["amount"] = [
                _("The repair holds only %(held)s: no more can go back.")
                % {"held": yuan(available)}
            ]
        elif role == Role.FRONT_DESK and amount > ticket.point.refund_authority_desk:
            errors["amount"] = [
                _("Above the front desk's refund authority (%(limit)s): a supervisor refunds this.")
                % {"limit": yuan(ticket.point.refund_authority_desk)}
            ]
        if errors or method is None:
            raise ValidationError(errors)
        entry = MoneyEntry.objects.create(
            ticket=ticket,
            kind=MoneyKind.REFUND,
            method=method,
            amount=amount,
            reference=reference.strip()[:64],
            reason=reason.strip()[:255],
            by=actor,
            approved_by=actor if role in SUPERVISING_ROLES else None,
            at=now,
        )
        type(ticket)._default_manager.filter(pk=ticket.pk).update(version=F("version") + 1)
        audit.audit_money_refunded(actor=actor, ticket=ticket, entry=entry)
    return entry


# --- the daily cash-up ---------------------------------------------------------------------


@dataclass
class MethodFigures:
    """One method's money of the day: what it holds, and of that the deposits and the refunds
    paid out by that same method (a WeChat deposit is never shown under cash)."""

    name: str
    net: Decimal = ZERO
    payments: Decimal = ZERO
    deposits: Decimal = ZERO
    refunds: Decimal = ZERO


@dataclass
class CashUpFigures:
    """What a desk user's open entries add up to, by method and kind."""

    by_method: dict[str, Decimal]
    methods: list[MethodFigures]
    payments: Decimal
    deposits: Decimal
    refunds: Decimal
    expected_cash: Decimal
    count: int

    def as_json(self) -> dict:
        return {name: str(amount) for name, amount in self.by_method.items()}


def day_end(point: ServicePoint, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=point.zone)


def open_entries(*, user: Actor, point: ServicePoint, day: dt.date) -> QuerySet[MoneyEntry]:
    """The user's entries not yet in a cash-up, up to the end of ``day`` in the point's time:
    anything taken after a day was closed goes into the next cash-up, so nothing is lost and a
    confirmed day never changes."""
    return (
        MoneyEntry.objects.filter(
            by=user, ticket__point=point, cash_up__isnull=True, at__lt=day_end(point, day)
        )
        .select_related("method", "ticket")
        .order_by("at", "pk")
    )


def figures(entries: list[MoneyEntry]) -> CashUpFigures:
    """rules#payment: each figure under its own method: a method's row carries the deposits
    and refunds made by that method, so the sheet never lists one method's deposit under
    another's total."""
    by_method: dict[str, Decimal] = defaultdict(lambda: ZERO)
    rows: dict[str, MethodFigures] = {}
    totals = dict.fromkeys(MoneyKind.values, ZERO)
    cash = ZERO
    for entry in entries:
        by_method[entry.method.name] += entry.net
        row = rows.setdefault(entry.method.name, MethodFigures(name=entry.method.name))
        row.net += entry.net
        moved = entry.amount - entry.change
        if entry.kind == MoneyKind.DEPOSIT:
            row.deposits += moved
        elif entry.kind == MoneyKind.REFUND:
            row.refunds += entry.amount
        else:
            row.payments += moved
        totals[entry.kind] += moved
        if entry.method.is_cash:
            cash += entry.net
    return CashUpFigures(
        by_method=dict(by_method),
        methods=list(rows.values()),
        payments=totals[MoneyKind.PAYMENT],
        deposits=totals[MoneyKind.DEPOSIT],
        refunds=totals[MoneyKind.REFUND],
        expected_cash=cash,
        count=len(entries),
    )


def cash_up_submit(
    *,
    user: Actor,
    point: ServicePoint,
    day: dt.date,
    counted_cash: Decimal,
    note: str = "",
    now: dt.datetime | None = None,
) -> CashUp:
    """rules#payment: the desk counts its cash at the end of the day. The figures by method are
    fixed from the open entries (which the cash-up then holds); a difference between the cash
    counted and the cash expected needs a note. Submitted again before the supervisor confirms,
    it is a recount; a confirmed cash-up cannot change. The day is the point's today or an
    earlier day that still has open entries (or its own count to redo): a later day would sweep
    every open entry out of today's count."""
    now = now or timezone.now()
    today = timezone.localdate(now, point.zone)
    if day > today:
        refusal = _("A cash-up is for today or an earlier day, not for %(day)s.") % {"day": day}
        raise ValidationError({"day": [refusal]})
    with transaction.atomic():
        # The user's row is the lock of their counts: two first counts of a day at once (a
        # double click) wait for each other, so the second finds the first instead of breaking
        # the once-a-day constraint.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        cash_up = CashUp.objects.select_for_update().filter(point=point, user=user, day=day).first()
        if cash_up is not None and cash_up.status == CashUpStatus.CONFIRMED:
            raise ValidationError(
                {"counted_cash": [_("This day's cash-up is confirmed and cannot change.")]}
            )
        fresh = list(open_entries(user=user, point=point, day=day).select_for_update(of=("self",)))
        if day < today and cash_up is None and not fresh:
            raise ValidationError(
                {
                    "day": [
                        _("Nothing is left to count up to %(day)s: count today instead.")
                        % {"day": day}
                    ]
                }
            )
        if (
            cash_up is not None
            and not fresh
            and cash_up.counted_cash == counted_cash
            and cash_up.note == note.strip()[:500]
        ):
            return cash_up  # the same count sent again: nothing new to record
        entries = fresh
        if cash_up is not None:
            entries = [*cash_up.entries.select_related("method", "ticket"), *entries]
        numbers = figures(entries)
        if counted_cash != numbers.expected_cash and not note.strip():
            raise ValidationError(
                {
                    "note": [
                        _("The cash counted differs from the %(expected)s expected: say why.")
                        % {"expected": yuan(numbers.expected_cash)}
                    ]
                }
            )
        if cash_up is None:
            cash_up = CashUp(point=point, user=user, day=day)
        cash_up.totals = numbers.as_json()
        cash_up.expected_cash = numbers.expected_cash
        cash_up.counted_cash = counted_cash
        cash_up.note = note.strip()[:500]
        cash_up.submitted_at = now
        cash_up.version += 1
        cash_up.save()
        MoneyEntry.objects.filter(pk__in=[e.pk for e in entries]).update(cash_up=cash_up)
    return cash_up


def _check_separation(cash_up: CashUp, actor: Actor) -> None:
    """rules#payment, separation of duties: nobody confirms their own cash-up; a supervisor's
    is confirmed by another supervisor, or by the service manager where the point allows it."""
    if cash_up.user_id == actor.pk:
        raise TransitionRefused(_("Nobody confirms their own cash-up: another supervisor does."))
    if (
        user_role(cash_up.user) == Role.SUPERVISOR
        and user_role(actor) == Role.SERVICE_MANAGER
        and not cash_up.point.manager_confirms_cash_ups
    ):
        raise TransitionRefused(
            _(
                "A supervisor's cash-up is confirmed by another supervisor; the point's settings "
                "can let the service manager confirm it."
            )
        )


def cash_up_confirm(*, cash_up: CashUp, actor: Actor, now: dt.datetime | None = None) -> CashUp:
    """rules#payment: a supervisor confirms a counted day; from then on it is fixed. Nobody
    confirms their own (separation of duties)."""
    now = now or timezone.now()
    with transaction.atomic():
        cash_up = CashUp.objects.select_for_update().select_related("point").get(pk=cash_up.pk)
        _check_separation(cash_up, actor)
        CASH_UP_MACHINE.move(cash_up, "confirm", actor=actor, role=user_role(actor), now=now)
        cash_up.confirmed_by, cash_up.confirmed_at = actor, now
        cash_up.version += 1
        cash_up.save()
    return cash_up
