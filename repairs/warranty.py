"""The warranty decision (rules#warranty): a pure function of the policy and the facts at intake.

From the purchase date on the proof: days 0–7 return, exchange or free repair; days 8–30 exchange
or free repair; days 31–365 free repair; later, without a proof of the purchase date, with physical
or water damage, or after unauthorized disassembly: out of warranty (paid, quote approval needed).
The day count is the number of days since purchase (purchased today = day 0).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from repairs.models import ProofOfPurchase, WarrantyStatus

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class PolicyNumbers:
    return_days: int = 7
    exchange_days: int = 30
    repair_days: int = 365

    @classmethod
    def of(cls, policy) -> PolicyNumbers:
        if policy is None:
            return cls()
        return cls(policy.return_days, policy.exchange_days, policy.repair_days)


@dataclass(frozen=True)
class WarrantyDecision:
    status: str
    reason_code: str
    reason_text: str
    days_since_purchase: int | None

    @property
    def in_warranty(self) -> bool:
        return self.status != WarrantyStatus.OUT_OF_WARRANTY

    @property
    def status_label(self) -> StrOrPromise:
        return WarrantyStatus(self.status).label


def decide_warranty(
    *,
    policy,
    purchase_date: dt.date | None,
    proof: str,
    today: dt.date,
    water_damage: bool = False,
    drop_damage: bool = False,
    unauthorized_disassembly: bool = False,
) -> WarrantyDecision:
    """Return the entitlement and its reason. ``policy`` is a WarrantyPolicy (or None for the the
    default 7 / 30 / 365 days)."""
    numbers = PolicyNumbers.of(policy)
    days = (today - purchase_date).days if purchase_date else None
    out = WarrantyStatus.OUT_OF_WARRANTY
    if water_damage:
        return WarrantyDecision(out, "water_damage", _("Water damage is not covered."), days)
    if drop_damage:
        return WarrantyDecision(
            out, "physical_damage", _("Drop or physical damage is not covered."), days
        )
    if unauthorized_disassembly:
        return WarrantyDecision(
            out, "disassembly", _("The device was opened or repaired elsewhere."), days
        )
    if proof == ProofOfPurchase.NONE or purchase_date is None or days is None:
        return WarrantyDecision(
            out, "no_proof", _("No invoice or warranty card shows the purchase date."), days
        )
    if days < 0:
        return WarrantyDecision(out, "invalid_date", _("The purchase date is in the future."), days)
    if days <= numbers.return_days:
        return WarrantyDecision(
            WarrantyStatus.RETURN,
            "return_period",
            _("Day %(day)s after purchase: return, exchange or free repair (within %(n)s days).")
            % {"day": days, "n": numbers.return_days},
            days,
        )
    if days <= numbers.exchange_days:
        return WarrantyDecision(
            WarrantyStatus.EXCHANGE,
            "exchange_period",
            _("Day %(day)s after purchase: exchange or free repair (within %(n)s days).")
            % {"day": days, "n": numbers.exchange_days},
            days,
        )
    if days <= numbers.repair_days:
        return WarrantyDecision(
            WarrantyStatus.FREE_REPAIR,
            "repair_period",
            _("Day %(day)s after purchase: free repair (within %(n)s days).")
            % {"day": days, "n": numbers.repair_days},
            days,
        )
    return WarrantyDecision(
        out,
        "expired",
        _("Day %(day)s after purchase: the %(n)s-day warranty has expired.")
        % {"day": days, "n": numbers.repair_days},
        days,
    )
