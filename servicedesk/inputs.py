"""Parsing raw input safely, for every app's forms and views.

PostgreSQL text cannot hold NUL, ``str.isdigit()`` accepts "²" and "١" that ``int()`` refuses or
stores as foreign digits, and a date in year 1 or 9999 overflows as soon as a day is added or it
is moved to UTC. Form fields and query parameters go through these helpers, so hostile input is a
field error or is ignored, never a server error.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

#: Dates a service desk deals with: purchases, repairs, promises, report periods.
EARLIEST = dt.date(1980, 1, 1)
LATEST = dt.date(2099, 12, 31)


def text(value, max_length: int) -> str:
    """A raw text parameter: NUL removed (it carries nothing a person typed), stripped, cut."""
    return str(value or "").replace("\x00", "").strip()[:max_length]


def integer(value) -> int | None:
    """A non-negative whole number written in ASCII digits, or None."""
    value = str(value or "").strip()
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def within_bounds(day: dt.date | None) -> bool:
    return day is not None and EARLIEST <= day <= LATEST


def date_param(value) -> dt.date | None:
    """A date from a query string, or None when it is missing, not a date, or out of range."""
    try:
        day = parse_date(text(value, 10))
    except ValueError:
        return None
    return day if within_bounds(day) else None


def _out_of_range() -> ValidationError:
    return ValidationError(
        _("Enter a date between %(earliest)s and %(latest)s."),
        code="out_of_range",
        params={"earliest": EARLIEST.year, "latest": LATEST.year},
    )


class DateField(forms.DateField):
    """A date between ``EARLIEST`` and ``LATEST``."""

    def to_python(self, value):
        result = super().to_python(value)
        if result is not None and not within_bounds(result):
            raise _out_of_range()
        return result


class DateTimeField(forms.DateTimeField):
    """A date and time whose local date lies between ``EARLIEST`` and ``LATEST``."""

    def to_python(self, value):
        try:
            result = super().to_python(value)
        except OverflowError as exc:
            raise _out_of_range() from exc
        # Checked here, before the value is ever moved to UTC, compared or added to.
        if result is not None and not within_bounds(result.date()):
            raise _out_of_range()
        return result


class OneTimeTokenMixin:
    """A hidden one-time token: the service creates one row per token, so a double click or a
    resent form has one effect. Optional, so that a scripted client without it still works."""

    def add_token(self) -> None:
        self.fields["token"] = forms.UUIDField(widget=forms.HiddenInput, required=False)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())
