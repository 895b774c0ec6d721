"""Device identifiers: IMEI (15 digits with a Luhn check digit) or a serial number."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SERIAL_RE = re.compile(r"^[A-Za-z0-9-]{4,32}$")


def luhn_check_digit(body: str) -> str:
    """The Luhn check digit that completes ``body`` (an IMEI's first 14 digits)."""
    total = 0
    for index, char in enumerate(reversed(body)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def luhn_ok(digits: str) -> bool:
    return len(digits) > 1 and luhn_check_digit(digits[:-1]) == digits[-1]


def clean_imei(raw: str) -> str:
    """An IMEI as 15 digits (spaces and dashes removed), or a ValidationError."""
    imei = re.sub(r"[\s-]", "", raw or "")
    if not imei:
        return ""
    if not (imei.isascii() and imei.isdigit() and len(imei) == 15):
        raise ValidationError(_("An IMEI has exactly 15 digits."), code="invalid")
    if not luhn_ok(imei):
        raise ValidationError(
            _("This IMEI fails its check digit: please read it again from the device (*#06#)."),
            code="invalid",
        )
    return imei


def clean_serial(raw: str) -> str:
    serial = (raw or "").strip().upper()
    if serial and not SERIAL_RE.match(serial):
        raise ValidationError(
            _("A serial number has 4 to 32 letters, digits or dashes."), code="invalid"
        )
    return serial
