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


#: A month as the browser's month box sends it: ASCII digits only (``\d`` would also take
#: "٠٠٠٠" and "２０２６", which ``int()`` reads as numbers).
MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])", re.ASCII)
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
        if match is None:
            raise forms.ValidationError(_("Enter a month as 2026-10."), code="invalid")
        year, number = int(match[1]), int(match[2])
        # The year is checked before a date is made of it: year 0 is no date at all.
        if not inputs.EARLIEST.year <= year <= inputs.LATEST.year:
            raise forms.ValidationError(
                _("Enter a month between %(earliest)s and %(latest)s."),
                code="out_of_range",
                params={"earliest": inputs.EARLIEST.year, "latest": inputs.LATEST.year},
            )
        return dt.date(year, number, 1)
