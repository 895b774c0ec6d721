"""Every form field has a maximum: a text field without max_length or a number without digits
lets a 1 MB string into the database and onto every page that shows it."""

from __future__ import annotations

import contextlib
import importlib
import inspect
import pkgutil
from decimal import Decimal
from types import ModuleType

import pytest
from django import forms
from django.apps import apps

from servicedesk.inputs import MoneyField

OUR_APPS = ("servicedesk", "intake", "repairs", "followups", "complaints", "reporting")


def _form_modules() -> list[ModuleType]:
    found = []
    for label in OUR_APPS:
        name = f"{apps.get_app_config(label).name}.forms"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        found.append(module)
        for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
            found.append(importlib.import_module(f"{name}.{info.name}"))
    return found


def _form_classes() -> list[type[forms.BaseForm]]:
    classes = {}
    for module in _form_modules():
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__:
                classes[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [classes[key] for key in sorted(classes)]


def _fields(form_class: type[forms.BaseForm]) -> dict[str, forms.Field]:
    """The declared fields, and those the constructor adds when it can run without arguments."""
    fields = dict(form_class.base_fields)
    with contextlib.suppress(Exception):  # forms that need a user, a point or an object
        fields.update(form_class().fields)
    return fields


def unbounded(field: forms.Field) -> str | None:
    if isinstance(field, forms.UUIDField):
        return None  # parsed into a UUID: nothing longer gets through
    if isinstance(field, forms.CharField) and field.max_length is None:
        return "CharField without max_length"
    if isinstance(field, forms.DecimalField) and field.max_digits is None:
        return "DecimalField without max_digits"
    return None


def test_the_walk_finds_the_forms():
    names = {cls.__name__ for cls in _form_classes()}
    assert {"DecisionForm", "OfferForm"} <= names and len(names) > 20


@pytest.mark.django_db
@pytest.mark.reliability(
    "Unbounded input",
    "every field of every form class of every app: text has max_length, numbers max_digits",
)
def test_every_form_field_is_bounded():
    failures = [
        f"{cls.__module__}.{cls.__qualname__}.{name}: {problem}"
        for cls in _form_classes()
        for name, field in _fields(cls).items()
        if (problem := unbounded(field))
    ]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "typed", ["١٢٣", "2.09e2", "12.345", "1,000", "-5", " ", "99999999999", "NaN", "Infinity"]
)
def test_money_is_ascii_digits_with_two_decimals_at_most(typed):
    field = MoneyField(max_digits=10, decimal_places=2)
    with pytest.raises(forms.ValidationError):
        field.clean(typed)


@pytest.mark.parametrize("typed", ["0", "123", "12.5", "12.50", " 7.00 "])
def test_plain_money_is_accepted(typed):
    assert MoneyField(max_digits=10, decimal_places=2).clean(typed) is not None


@pytest.mark.django_db
def test_a_decision_of_a_million_characters_is_a_field_error():
    from complaints.forms import DecisionForm

    form = DecisionForm(data={"decision": "同" * 1_000_000, "version": "1"})
    assert not form.is_valid() and "decision" in form.errors


def test_full_width_digits_as_money_are_read_as_the_digits_they_are():
    from complaints.forms import OfferForm

    form = OfferForm(data={"amount": "１２３", "description": "退还差价", "version": "1"})
    assert form.is_valid() and form.cleaned_data["amount"] == Decimal("123")
    other_script = OfferForm(data={"amount": "١٢٣", "description": "退还差价", "version": "1"})
    assert not other_script.is_valid() and "amount" in other_script.errors
