"""The loaner pages' forms: every field bounded by its column; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from loaners.models import Loan, Loaner
from repairs.forms import SignatureMixin
from servicedesk import inputs
from servicedesk.moneyfmt import yuan


class LoanerForm(forms.Form):
    model_name = forms.CharField(
        label=_("Model"), max_length=inputs.column_max_length(Loaner, "model_name")
    )
    # Typed or scanned with spaces or dashes; the service keeps the 15 digits.
    imei = inputs.CodeField(label=_("IMEI"), max_length=32)
    condition = forms.CharField(
        label=_("Condition"),
        required=False,
        max_length=inputs.column_max_length(Loaner, "condition"),
    )
    deposit_amount = inputs.money_for(Loaner, "deposit_amount", label=_("Deposit asked"))
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=inputs.column_max_length(Loaner, "notes")
    )


class CustomerPickForm(forms.Form):
    """The lend page's search: phone, its last four digits, name or ticket number."""

    q = forms.CharField(label=_("Find the customer"), required=False, max_length=64)


def loaner_label(loaner: Loaner) -> str:
    """An option of the lend form: model, IMEI, condition and the deposit it asks."""
    parts = [loaner.model_name, loaner.imei]
    if loaner.condition:
        parts.append(loaner.condition)
    parts.append(str(_("deposit %(amount)s") % {"amount": yuan(loaner.deposit_amount)}))
    return " · ".join(parts)


class LoanerSelect(forms.Select):
    """Each loaner's option carries the deposit it asks, so the page fills the deposit field
    when a loaner is picked (until the user types one)."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        loaner = getattr(value, "instance", None)
        if isinstance(loaner, Loaner):
            option["attrs"]["data-deposit"] = f"{loaner.deposit_amount:.2f}"
        return option


class LendForm(SignatureMixin, forms.Form):
    loaner = forms.ModelChoiceField(
        label=_("Loaner phone"),
        queryset=Loaner.objects.none(),
        empty_label=_("Choose a loaner phone"),
        widget=LoanerSelect(attrs={"data-loaner-select": ""}),
        error_messages={"required": _("Pick the loaner you hand over.")},
    )
    customer = forms.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        widget=forms.HiddenInput,
        error_messages={"required": _("Find and pick the customer first.")},
    )
    ticket = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )
    expected_back = inputs.DateField(
        label=_("Expected back"), widget=forms.DateInput(attrs={"type": "date"})
    )
    deposit_taken = inputs.money_for(
        Loan, "deposit_taken", label=_("Deposit taken (optional)"), required=False
    )

    def __init__(self, *args: Any, loaners: QuerySet[Loaner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = inputs.model_choices(self, "loaner")
        field.queryset = loaners
        inputs.label_choices(self, "loaner", loaner_label)
        self.fields["deposit_taken"].widget.attrs["data-deposit-target"] = ""


class ReturnForm(forms.Form):
    condition_on_return = forms.CharField(
        label=_("Condition on return"),
        required=False,
        max_length=inputs.column_max_length(Loan, "condition_on_return"),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=inputs.column_max_length(Loan, "return_note"),
    )


class RetireForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it leaves service"),
        max_length=200,
        error_messages={"required": _("Say why the loaner leaves service.")},
    )
