from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from intake.models import CustomerType, Purpose
from repairs.models import ProofOfPurchase, WarrantyStatus
from servicedesk import inputs

DATE = {"type": "date"}
DATETIME = {"type": "datetime-local"}
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
DESK_PURPOSES = [
    (value, label)
    for value, label in Purpose.choices
    if value in {"repair", "pickup", "inquiry", "suggestion", "praise", "complaint"}
]


class VisitForm(inputs.OneTimeTokenMixin, forms.Form):
    """Register an arrival in seconds: the purpose is all that is required."""

    purpose = forms.ChoiceField(label=_("Purpose"), choices=DESK_PURPOSES)
    contact_name = forms.CharField(label=_("Customer's name"), max_length=64, required=False)
    contact_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    queue_number = forms.CharField(label=_("Queue number"), max_length=16, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_token()


class CustomerForm(inputs.OneTimeTokenMixin, forms.Form):
    name = forms.CharField(label=_("Customer's name"), max_length=64)
    phone = forms.CharField(label=_("Mobile or landline"), max_length=32)
    alt_phone = forms.CharField(label=_("Alternative contact"), max_length=32, required=False)
    customer_type = forms.ChoiceField(
        label=_("Customer type"), choices=CustomerType.choices, initial=CustomerType.INDIVIDUAL
    )
    company = forms.CharField(label=_("Company"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_token()


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())


class OverrideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Decision"), choices=WarrantyStatus.choices)
    reason = forms.CharField(label=_("Reason for the override"), max_length=255)


class SlipForm(inputs.OneTimeTokenMixin, forms.Form):
    """A question the desk cannot answer becomes a message slip with a promised reply time."""

    caller_name = forms.CharField(label=_("Customer's name"), max_length=64)
    phone = forms.CharField(label=_("Phone"), max_length=32)
    company = forms.CharField(label=_("Company"), max_length=100, required=False)
    message = forms.CharField(
        label=_("Question or message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    best_time_to_call = forms.CharField(
        label=_("Best time to call back"), max_length=100, required=False
    )
    addressee = forms.ModelChoiceField(label=_("Forward to"), queryset=None)
    callback_due_at = inputs.DateTimeField(
        label=_("Promised reply by"),
        widget=forms.DateTimeInput(attrs=DATETIME),
        input_formats=DATETIME_FORMATS,
    )
    read_back_confirmed = forms.BooleanField(
        label=_("I read the details back to the customer"), required=False
    )

    def __init__(self, *args, addressees, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_token()
        self.fields["addressee"].queryset = addressees
        self.fields["addressee"].label_from_instance = lambda user: (
            f"{user.staff_profile.display_name} ({user.staff_profile.get_role_display()})"
        )


class CustomerEraseForm(forms.Form):
    """The second step of an erasure: why (the customer's request), and a deliberate tick."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        min_length=4,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: the customer asked in writing on 2026-11-20. Do not write the "
            "customer's name, phone number or other personal data here."
        ),
    )
    confirm = forms.BooleanField(label=_("I understand that this cannot be undone."), required=True)
