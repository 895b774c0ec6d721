"""DOMAIN 3 warranty rules, boundaries included (day 0 = the purchase date)."""

import datetime as dt

import pytest

from repairs.models import ProofOfPurchase, WarrantyStatus
from repairs.warranty import decide_warranty

TODAY = dt.date(2026, 11, 23)


def decide(days_ago, proof=ProofOfPurchase.INVOICE, policy=None, **damage):
    purchase = TODAY - dt.timedelta(days=days_ago) if days_ago is not None else None
    return decide_warranty(
        policy=policy, purchase_date=purchase, proof=proof, today=TODAY, **damage
    )


@pytest.mark.parametrize("days", [0, 1, 7])
def test_days_0_to_7_return_exchange_or_free_repair(days):
    assert decide(days).status == WarrantyStatus.RETURN


@pytest.mark.parametrize("days", [8, 30])
def test_days_8_to_30_exchange_or_free_repair(days):
    assert decide(days).status == WarrantyStatus.EXCHANGE


@pytest.mark.parametrize("days", [31, 200, 365])
def test_days_31_to_365_free_repair(days):
    assert decide(days).status == WarrantyStatus.FREE_REPAIR


def test_day_366_is_out_of_warranty_expired():
    decision = decide(366)
    assert decision.status == WarrantyStatus.OUT_OF_WARRANTY and decision.reason_code == "expired"


def test_no_proof_of_purchase_date_is_out_of_warranty():
    assert decide(10, proof=ProofOfPurchase.NONE).reason_code == "no_proof"
    assert decide(None).reason_code == "no_proof"


def test_warranty_card_counts_as_proof():
    assert decide(10, proof=ProofOfPurchase.WARRANTY_CARD).status == WarrantyStatus.EXCHANGE


@pytest.mark.parametrize(
    ("damage", "code"),
    [
        ({"water_damage": True}, "water_damage"),
        ({"drop_damage": True}, "physical_damage"),
        ({"unauthorized_disassembly": True}, "disassembly"),
    ],
)
def test_damage_or_disassembly_is_out_of_warranty_even_on_day_1(damage, code):
    decision = decide(1, **damage)
    assert decision.status == WarrantyStatus.OUT_OF_WARRANTY and decision.reason_code == code


def test_policy_numbers_come_from_the_brand_policy():
    class Policy:
        return_days, exchange_days, repair_days = 15, 60, 730

    assert decide(15, policy=Policy).status == WarrantyStatus.RETURN
    assert decide(60, policy=Policy).status == WarrantyStatus.EXCHANGE
    assert decide(700, policy=Policy).status == WarrantyStatus.FREE_REPAIR


def test_the_reason_is_given_in_words():
    assert "365" in decide(400).reason_text
