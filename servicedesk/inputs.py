"""Parsing raw input safely, for every app's forms and views.

PostgreSQL text cannot hold NUL, ``str.isdigit()`` accepts "²" and "١" that ``int()`` refuses or
stores as foreign digits, and a date in year 1 or 9999 overflows as soon as a day is added or it
is moved to UTC. Form fields and query parameters go through these helpers, so hostile input is a
field error or is ignored, never a server error.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

#: Dates a service desk deals with: purchases, repairs, promises, report periods.
EARLIEST = dt.date(1980, 1, 1)
LATEST = dt.date(2099, 12, 31)


def text(value: object, max_length: int) -> str:
    """A raw text parameter: NUL removed (it carries nothing a person typed), stripped, cut."""
    return str(value or "").replace("\x00", "").strip()[:max_length]


def integer(value: object) -> int | None:
    """A non-negative whole number written in ASCII digits, or None."""
    digits = str(value or "").strip()
    if digits.isascii() and digits.isdigit() and len(digits) <= 18:
        return int(digits)
    return None


def within_bounds(day: dt.date | None) -> bool:
    return day is not None and EARLIEST <= day <= LATEST


def date_param(value: object) -> dt.date | None:
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


#: The full-width forms of ASCII (０-９, Ａ-Ｚ, ａ-ｚ, "．", "－" …) and the ideographic space, as a
#: Chinese input method types them.
_FULL_WIDTH = re.compile("[\u3000\uff01-\uff5e]")


def half_width(value: str) -> str:
    """``value`` with its full-width digits, letters and signs made ASCII (their NFKC form), as
    the phone field reads them. Only those: digits of other scripts ("٠١٢") and other look-alikes
    ("²", "①") stay what they are, for the field to refuse."""
    return _FULL_WIDTH.sub(lambda match: unicodedata.normalize("NFKC", match[0]), value)


def _not_allowed(text: str, allowed: str) -> ValidationError:
    """The characters of ``text`` not in ``allowed``, named, so the user sees which are wrong."""
    wrong = "".join(dict.fromkeys(c for c in text if c not in allowed))
    return ValidationError(
        _("Only digits are allowed here, not “%(wrong)s”."),
        code="invalid",
        params={"wrong": wrong},
    )


class HalfWidthMixin:
    """For a number, code or amount field: full-width digits and letters are read as ASCII
    before the field parses the value (every such field of every form, the same way)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = half_width(value)
        return super().to_python(value)  # type: ignore[misc]


class CodeField(HalfWidthMixin, forms.CharField):
    """A code typed or scanned: an IMEI, a serial, a ticket or part number."""


_DIGITS = "0123456789"


class IntegerField(HalfWidthMixin, forms.IntegerField):
    """A whole number as staff type it: ASCII (or full-width) digits, nothing else."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            body = half_width(value).strip().removeprefix("-")
            if body and not (body.isascii() and body.isdigit()):
                raise _not_allowed(body, _DIGITS)
        return super().to_python(value)


class DateInput(forms.DateInput):
    """A browser date box. Its value is always ISO (2026-11-03), whatever the language's
    formats: ``<input type=date>`` refuses any other form and stays empty."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeLocalInput(forms.DateTimeInput):
    """A browser date-and-time box in local time, filled in the only form it takes
    (2026-11-03T14:05)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DateField(forms.DateField):
    """A date between ``EARLIEST`` and ``LATEST``, in a browser date box."""

    widget = DateInput

    def to_python(self, value: Any) -> dt.date | None:
        result = super().to_python(value)
        if result is not None and not within_bounds(result):
            raise _out_of_range()
        return result


class DateTimeField(forms.DateTimeField):
    """A date and time whose local date lies between ``EARLIEST`` and ``LATEST``."""

    widget = DateTimeLocalInput

    def to_python(self, value: Any) -> dt.datetime | None:
        try:
            result = super().to_python(value)
        except OverflowError as exc:
            raise _out_of_range() from exc
        # Checked here, before the value is ever moved to UTC, compared or added to.
        if result is not None and not within_bounds(result.date()):
            raise _out_of_range()
        return result


def model_choices(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """``form.fields[name]`` as the model choice field it is, to set its queryset per request."""
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


def label_choices(form: forms.BaseForm, name: str, label: Callable[[Any], str]) -> None:
    """Show the options of the model choice field ``name`` with ``label(obj)``."""
    model_choices(form, name).label_from_instance = label  # type: ignore[method-assign, assignment]


def choices(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """``form.fields[name]`` as the choice field it is, to set its choices per request."""
    return cast(forms.ChoiceField, form.fields[name])


if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


_MONEY = re.compile(r"[0-9]+(?:\.[0-9]+)?")


class MoneyField(forms.DecimalField):
    """An amount in yuan as staff type it: ASCII digits with an optional decimal point, within a
    ``DecimalField`` column's ``max_digits`` and ``decimal_places`` (10 and 2 by default).

    Full-width digits ("８０", "５００") are read as the ASCII ones (``half_width``). Python's
    ``Decimal`` also reads other scripts' digits ("٨٠"), exponents ("2.09e2"), "NaN" and numbers
    far larger than the column: the first two look like money to no one here, and the last is a
    server error on PostgreSQL and a stored value that breaks the page on SQLite."""

    def __init__(self, *, max_digits: int = 10, decimal_places: int = 2, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    # django-stubs types DecimalField as an IntegerField, whose to_python returns int.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        text = half_width(str(value)).strip()
        if not _MONEY.fullmatch(text):
            if any(c not in _DIGITS + "." for c in text):
                raise _not_allowed(text, _DIGITS + ".")
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(text)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # No ``step``/``min`` on a text input: the browser must not round or refuse what the
        # server explains better.
        attrs = super().widget_attrs(widget)
        if not isinstance(widget, forms.NumberInput):
            attrs.pop("step", None)
            attrs.pop("min", None)
            attrs.pop("max", None)
        return attrs


def column_max_length(model: type[models.Model], name: str) -> int:
    """The ``max_length`` of a text column, for the form field that fills it."""
    length = cast(models.CharField, model._meta.get_field(name)).max_length
    if length is None:
        raise TypeError(f"{model.__name__}.{name} has no max_length")
    return length


def money_for(model: type[models.Model], name: str, **kwargs: Any) -> MoneyField:
    """A ``MoneyField`` with the digits of the ``DecimalField`` column it fills."""
    column = cast(models.DecimalField, model._meta.get_field(name))
    return MoneyField(max_digits=column.max_digits, decimal_places=column.decimal_places, **kwargs)


class IdListField(forms.Field):
    """Row ids picked with checkboxes (``name="ids"`` repeated): whole numbers, at most
    ``max_count`` of them. Each is still fetched through the user's scope by the view."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Choose from the list.")}

    def __init__(self, *, max_count: int = 200, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_count = max_count

    def to_python(self, value: Any) -> list[int]:
        if value in self.empty_values:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        ids = [integer(item) for item in value]
        if None in ids or len(ids) > self.max_count:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return [n for n in ids if n is not None]


class OneTimeTokenMixin(_FormBase):
    """A hidden one-time token: the service creates one row per token, so a double click or a
    resent form has one effect. Optional, so that a scripted client without it still works."""

    def add_token(self) -> None:
        self.fields["token"] = forms.UUIDField(widget=forms.HiddenInput, required=False)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())
