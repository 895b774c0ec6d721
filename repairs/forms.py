"""Forms of the repair record: opening it at intake, the supervisor's warranty override, the
ticket list's filters, money and stock (each action of the ticket page: ``repairs.actions.forms``).
They bound and parse what is posted; the rules live in ``repairs.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from counter.models import MoneyEntry, PaymentMethod
from intake.forms.desk import DATETIME_FORMATS
from repairs import signatures
from repairs.models import (
    ProofOfPurchase,
    RepairTicket,
    TicketStatus,
    WarrantyStatus,
)
from repairs.selectors import OPEN, TicketFilters
from servicedesk import inputs
from servicedesk.models import Role, StaffProfile


class TicketOpenForm(inputs.OneTimeTokenMixin, forms.Form):
    """The guided intake screen (rules#intake)."""

    model_name = forms.CharField(label=_("Device model"), max_length=64)
    imei = inputs.CodeField(
        label=_("IMEI"),
        max_length=32,
        required=False,
        help_text=_("15 digits; dial *#06# on the device to show it."),
    )
    serial_number = inputs.CodeField(
        label=_("Serial number"),
        max_length=32,
        required=False,
        help_text=_("Only for devices without an IMEI."),
    )
    purchase_date = inputs.DateField(
        label=_("Purchase date"), required=False, widget=inputs.DateInput()
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
        widget=inputs.DateTimeLocalInput(),
        input_formats=DATETIME_FORMATS,
    )
    backup_warning_given = forms.BooleanField(
        label=_("I warned the customer that the repair may erase the data on the device"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_token()


class OverrideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Decision"), choices=WarrantyStatus.choices)
    reason = forms.CharField(label=_("Reason for the override"), max_length=255)


# --- shared by the ticket page's actions (``repairs.actions.forms``) and other forms ----------

#: A drawn signature as a PNG data URL: its base64 text is a third longer than the image.
SIGNATURE_MAX_LENGTH = len("data:image/png;base64,") + signatures.MAX_BYTES * 4 // 3 + 4


class SignatureMixin(forms.Form):
    signature = forms.CharField(
        required=False,
        strip=False,
        max_length=SIGNATURE_MAX_LENGTH,
        widget=forms.HiddenInput,
        error_messages={"max_length": _("The signature must be a PNG image under 200 KB.")},
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        data["signature_data_url"] = data.pop("signature", "") or ""
        return data


def method_field(**kwargs: Any) -> forms.ModelChoiceField:
    """A payment method by its code (``cash``, ``wechat`` …), active ones only."""
    return forms.ModelChoiceField(
        queryset=PaymentMethod.objects.filter(is_active=True),
        to_field_name="code",
        error_messages={"invalid_choice": _("Pick how the customer paid.")},
        **kwargs,
    )


def reference_field() -> forms.CharField:
    return forms.CharField(
        required=False, max_length=inputs.column_max_length(MoneyEntry, "reference")
    )


class StatusLookupForm(forms.Form):
    """The public status page: a wrong pair and a malformed one get the same answer."""

    number = inputs.CodeField(max_length=inputs.column_max_length(RepairTicket, "number"))
    last_four = inputs.CodeField(max_length=8)


ALL = "all"


class TicketListForm(forms.Form):
    """The ticket list's GET filters. A value that does not check out is dropped (the list is
    shown without that filter, and the field says why), never a server error."""

    status = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[(OPEN, pgettext_lazy("tickets", "Open")), *TicketStatus.choices, (ALL, _("All"))],
    )
    q = inputs.CodeField(
        label=_("Number or IMEI"),
        max_length=32,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "class": "form-control form-control-sm"}
        ),
    )
    technician = forms.TypedChoiceField(
        label=_("Technician"), required=False, coerce=int, empty_value=None
    )
    warranty = forms.ChoiceField(
        label=_("Warranty decision"),
        required=False,
        choices=[("", _("All")), *WarrantyStatus.choices],
    )
    older_than_days = forms.IntegerField(
        label=_("Older than (days)"), required=False, min_value=0, max_value=3650
    )
    waiting = forms.BooleanField(label=_("Customer waits in the shop"), required=False)
    overdue = forms.BooleanField(label=_("Overdue for pickup"), required=False)
    repeat = forms.BooleanField(label=_("Repeat repairs"), required=False)
    mine = forms.BooleanField(label=_("Mine"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[("newest", _("Newest first")), ("oldest", _("Oldest first"))],
    )

    def __init__(self, *args: Any, point_ids: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        technicians = StaffProfile.objects.filter(role=Role.TECHNICIAN).order_by(
            "display_name", "staff_number"
        )
        if point_ids is not None:
            technicians = technicians.filter(point_id__in=point_ids)
        inputs.choices(self, "technician").choices = [
            ("", _("All")),
            *(
                (str(user_id), f"{name} · {number}")
                for user_id, name, number in technicians.values_list(
                    "user_id", "display_name", "staff_number"
                )[:300]
            ),
        ]

    def filters(self) -> TicketFilters:
        """The filters that checked out (call after ``is_valid()``)."""
        data = getattr(self, "cleaned_data", {})
        return TicketFilters(
            status=data.get("status") or OPEN,
            technician_id=data.get("technician"),
            warranty=data.get("warranty") or "",
            older_than_days=data.get("older_than_days"),
            waiting=bool(data.get("waiting")),
            overdue_pickup=bool(data.get("overdue")),
            repeat=bool(data.get("repeat")),
            mine=bool(data.get("mine")),
            q=data.get("q") or "",
            sort=data.get("sort") or "newest",
        )


class RefundForm(forms.Form):
    """rules#payment: money back to the customer, with the reason."""

    version = forms.IntegerField(min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput)
    amount = inputs.money_for(MoneyEntry, "amount")
    method = method_field()
    reference = reference_field()
    reason = forms.CharField(
        max_length=inputs.column_max_length(MoneyEntry, "reason"),
        error_messages={"required": _("Say why the money goes back.")},
    )
