"""How money reads on screen and in messages (UX 4): "¥1,560.00", "−¥50.00" (U+2212 before the
currency), cents always, thousands separated. CSV files keep their machine format (plain
decimals, see docs/monthly-export.md); this is for people."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

MINUS = "\u2212"


def yuan(amount: Decimal | int | float | str | None, *, signed: bool = False) -> str:
    """The one money format: ``yuan(Decimal("-50"))`` is "−¥50.00", ``yuan(1560)`` is
    "¥1,560.00"; ``signed`` writes "+¥5.00" for a positive amount (a difference)."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(amount)
    if value < 0:
        sign = MINUS
    elif signed and value > 0:
        sign = "+"
    else:
        sign = ""
    return f"{sign}¥{abs(value):,.2f}"


def yuan_out(amount: Decimal | int | float | str | None) -> str:
    """Money that leaves the till (a refund, a deposit returned, the warranty's line): "−¥50.00"."""
    if amount is None or amount == "":
        return ""
    return yuan(-abs(Decimal(str(amount))))
