"""Forms of the reporting pages: an export range and a statistics period."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servicedesk import inputs
from servicedesk.models import ServicePoint

if TYPE_CHECKING:
    from django.db.models import QuerySet


MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
SMALL_BOX = {"class": "form-control form-control-sm"}


class ExportRequestForm(forms.Form):
    point = forms.ModelChoiceField(label=_("Service point"), queryset=ServicePoint.objects.none())
    date_from = inputs.DateField(label=_("From"), widget=inputs.DateInput())
    date_to = inputs.DateField(label=_("To (inclusive)"), widget=inputs.DateInput())

    def __init__(self, *args: Any, points: QuerySet[ServicePoint], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inputs.model_choices(self, "point").queryset = points
        if points.count() == 1:
            self.fields["point"].initial = points.first()


class PeriodForm(forms.Form):
    date_from = inputs.DateField(label=_("From"), widget=inputs.DateInput(attrs=SMALL_BOX))
    date_to = inputs.DateField(label=_("To (inclusive)"), widget=inputs.DateInput(attrs=SMALL_BOX))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data


class ClaimMonthForm(forms.Form):
    """The warranty claim page's picker: a point of the user's and a month (GET)."""

    point = forms.ModelChoiceField(
        label=_("Service point"),
        queryset=ServicePoint.objects.none(),
        required=False,
        empty_label=None,
    )
    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=forms.TextInput(attrs={**SMALL_BOX, "type": "month"}),
    )

    def __init__(self, *args: Any, points: QuerySet[ServicePoint], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = inputs.model_choices(self, "point")
        field.queryset = points
        field.widget.attrs.update(SMALL_BOX)

    def clean_month(self) -> dt.date:
        match = MONTH.fullmatch(self.cleaned_data["month"].strip())
        month = dt.date(int(match[1]), int(match[2]), 1) if match else None
        if month is None or not inputs.within_bounds(month):
            raise forms.ValidationError(_("Enter a month as 2026-10."), code="invalid")
        return month
