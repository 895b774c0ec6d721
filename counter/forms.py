"""Forms of the counter: the cash-up count and its confirmation (rules#payment)."""

from __future__ import annotations

from django import forms

from counter.models import CashUp
from servicedesk import inputs


class CashUpForm(forms.Form):
    """The desk's count at the end of the day (日结)."""

    day = inputs.DateField(widget=forms.HiddenInput, input_formats=["%Y-%m-%d"])
    counted_cash = inputs.money_for(CashUp, "counted_cash")
    note = forms.CharField(required=False, max_length=inputs.column_max_length(CashUp, "note"))


class CashUpConfirmForm(forms.Form):
    version = forms.IntegerField(min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput)
