"""The taxpayer number on a company invoice (发票税号, rules#payment): a unified social credit
code (统一社会信用代码, GB 32100-2015: 18 characters, the last a check character), or a legacy
taxpayer number of 15, 17 or 20 digits."""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

#: GB 32100-2015's 31 characters (no I, O, Z, S, V), each worth its index.
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LEGACY_LENGTHS = (15, 17, 20)


def normalise(value: str) -> str:
    """Full-width characters from the IME read as what they mean; spaces dropped; upper case."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def credit_code_check(body: str) -> str:
    """The check character of the first 17 characters of a unified social credit code."""
    total = sum(CODE_CHARS.index(c) * w for c, w in zip(body, WEIGHTS, strict=True))
    return CODE_CHARS[(31 - total % 31) % 31]


def tax_number_problem(value: str) -> str | None:
    """None for a well-formed number; otherwise what is wrong with it, for beside the field."""
    number = normalise(value)
    if not number:
        return None
    if len(number) in LEGACY_LENGTHS and number.isascii() and number.isdigit():
        return None
    if len(number) == 18:
        wrong = sorted({c for c in number if c not in CODE_CHARS})
        if wrong:
            return _("A unified social credit code has no %(chars)s: check the characters.") % {
                "chars": "、".join(wrong)
            }
        if credit_code_check(number[:17]) != number[17]:
            return _(
                "The check character does not match: a character of the credit code is mistyped."
            )
        return None
    return _(
        "A taxpayer number is the 18-character unified social credit code, or a legacy "
        "number of 15, 17 or 20 digits (this one has %(n)s characters)."
    ) % {"n": len(number)}
