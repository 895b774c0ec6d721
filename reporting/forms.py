"""Forms of the reporting pages: an export range and a statistics period."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from servicedesk import inputs
from servicedesk.models import ServicePoint


class ExportRequestForm(forms.Form):
    point = forms.ModelChoiceField(label=_("Service point"), queryset=ServicePoint.objects.none())
    date_from = inputs.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = inputs.DateField(
        label=_("To (inclusive)"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, points, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = points
        if points.count() == 1:
            self.fields["point"].initial = points.first()


class PeriodForm(forms.Form):
    date_from = inputs.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = inputs.DateField(
        label=_("To (inclusive)"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data
