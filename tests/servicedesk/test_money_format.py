"""UX 4: one money format on every screen: "¥1,560.00", "−¥50.00" (the minus sign U+2212 before
the currency), cents always."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from servicedesk.moneyfmt import yuan


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("1560"), "¥1,560.00"),
        (Decimal("-50"), "\u2212¥50.00"),
        (Decimal("0"), "¥0.00"),
        (Decimal("205.5"), "¥205.50"),
        (Decimal("1234567.891"), "¥1,234,567.89"),
        (80, "¥80.00"),
    ],
)
def test_money_reads_with_cents_thousands_and_the_minus_before_the_currency(amount, shown):
    assert yuan(amount) == shown


def test_a_difference_carries_its_sign():
    assert yuan(Decimal("5"), signed=True) == "+¥5.00"
    assert yuan(Decimal("-5"), signed=True) == "\u2212¥5.00"


def test_every_template_has_the_money_filters_built_in():
    text = Template('{{ a|yuan }} {{ b|yuan:"out" }} {{ c|yuan:"signed" }}').render(
        Context({"a": Decimal("1560"), "b": Decimal("50"), "c": Decimal("-5.5")})
    )
    assert text == "¥1,560.00 \u2212¥50.00 \u2212¥5.50"


def test_no_template_writes_money_by_hand():
    """A literal "¥{{" or "−¥" in a template is money formatted by hand (no thousands separator,
    an ASCII minus after the currency): every amount goes through the filter."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.glob("*/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "¥{{" in text or "−¥" in text or "floatformat:2" in text:
            offenders.append(str(path.relative_to(root)))
    for path in (root / "templates").glob("**/*.html"):
        text = path.read_text(encoding="utf-8")
        if "¥{{" in text or "−¥" in text:
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
