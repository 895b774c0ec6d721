"""Forms of the repair record: opening it at intake, and the supervisor's warranty override."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from intake.forms.desk import DATE, DATETIME, DATETIME_FORMATS
from repairs.models import ProofOfPurchase, WarrantyStatus
from servicedesk import inputs


class TicketOpenForm(forms.Form):
    """The guided intake screen (DOMAIN 2 step 2)."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    model_name = forms.CharField(label=_("Device model"), max_length=64)
    imei = forms.CharField(
        label=_("IMEI"),
        max_length=32,
        required=False,
        help_text=_("15 digits; dial *#06# on the device to show it."),
    )
    serial_number = forms.CharField(
        label=_("Serial number"),
        max_length=32,
        required=False,
        help_text=_("Only for devices without an IMEI."),
    )
    purchase_date = inputs.DateField(
        label=_("Purchase date"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    purchase_place = forms.CharField(label=_("Purchase place"), max_length=100, required=False)
    proof_of_purchase = forms.ChoiceField(
        label=_("Proof presented"), choices=ProofOfPurchase.choices, widget=forms.RadioSelect
    )
    fault_description = forms.CharField(
        label=_("Fault, in the customer's own words"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    accessories = forms.CharField(label=_("Accessories received"), max_length=255, required=False)
    condition = forms.CharField(label=_("Visible condition"), max_length=255, required=False)
    water_damage = forms.BooleanField(label=_("Signs of water damage"), required=False)
    drop_damage = forms.BooleanField(label=_("Signs of a drop or physical damage"), required=False)
    unauthorized_disassembly = forms.BooleanField(
        label=_("Opened or repaired elsewhere"), required=False
    )
    customer_waits = forms.TypedChoiceField(
        label=_("While we repair"),
        choices=[("1", _("The customer waits in the rest area")), ("0", _("We call the customer"))],
        coerce=lambda value: value == "1",
        initial="0",
        widget=forms.RadioSelect,
    )
    contact_phone = forms.CharField(label=_("Best contact number"), max_length=32)
    estimated_ready_at = inputs.DateTimeField(
        label=_("Estimated time told to the customer"),
        required=False,
        widget=forms.DateTimeInput(attrs=DATETIME),
        input_formats=DATETIME_FORMATS,
    )
    backup_warning_given = forms.BooleanField(
        label=_("I warned the customer that the repair may erase the data on the device"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())


class OverrideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Decision"), choices=WarrantyStatus.choices)
    reason = forms.CharField(label=_("Reason for the override"), max_length=255)
