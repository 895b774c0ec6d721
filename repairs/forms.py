"""Forms of the repair record: opening it at intake, each action of the ticket page, the
supervisor's warranty override, and the ticket list's filters. They bound and parse what is
posted; the rules live in ``repairs.services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from intake.forms.desk import DATETIME_FORMATS
from repairs import signatures
from repairs.models import (
    CashUp,
    ConsentKind,
    MoneyEntry,
    Part,
    Payment,
    PaymentMethod,
    ProofOfPurchase,
    Quote,
    RepairTicket,
    ReturnBatch,
    SanbaoDecision,
    SatisfactionCard,
    TicketEvent,
    TicketStatus,
    WarrantyStatus,
)
from repairs.selectors import OPEN, TicketFilters
from repairs.services import PartLineInput, Payload
from repairs.services.money import PaymentInput
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


# --- the ticket page's actions ------------------------------------------------------------
# Every field bounded. What an action needs is the service's rule (a signature, the amount due,
# a known part), refused there with its message beside the field; the plain "fill this in"
# ones are also checked here, with the same words, so they come back together with the rest.

#: A drawn signature as a PNG data URL: its base64 text is a third longer than the image.
SIGNATURE_MAX_LENGTH = len("data:image/png;base64,") + signatures.MAX_BYTES * 4 // 3 + 4


class TicketActionForm(forms.Form):
    """The two hidden fields of every action's form: which action, and the ticket's version as
    shown (a colleague's change in between, or the same form sent twice, is refused)."""

    action = forms.CharField(max_length=32, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput)

    def payload(self) -> Payload:
        """What the service receives, from ``cleaned_data`` (the fields this form has)."""
        names = set(Payload.__dataclass_fields__)
        return Payload(**{k: v for k, v in self.cleaned_data.items() if k in names})


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


class DiagnoseForm(TicketActionForm):
    PART_ROWS = 3

    fault_confirmed = forms.CharField(
        max_length=inputs.column_max_length(RepairTicket, "fault_confirmed"),
        error_messages={"required": _("Record the confirmed fault.")},
    )
    repair_type = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    labor_fee = inputs.money_for(RepairTicket, "labor_fee", required=False)
    labor_change_reason = forms.CharField(
        required=False, max_length=inputs.column_max_length(Quote, "labor_change_reason")
    )
    # rules#parts: asked for when a listed part is short (the ticket then waits for parts).
    parts_expected_on = inputs.DateField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index in range(self.PART_ROWS):
            self.fields[f"part_{index}"] = forms.IntegerField(
                required=False, min_value=1, max_value=2**31 - 1
            )
            self.fields[f"quantity_{index}"] = inputs.IntegerField(
                required=False,
                min_value=1,
                max_value=99,
                error_messages={
                    "min_value": _("Quantities are from 1 to 99."),
                    "max_value": _("Quantities are from 1 to 99."),
                },
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        data["repair_type_id"] = data.get("repair_type")
        data["parts"] = [
            PartLineInput(data[f"part_{i}"], data.get(f"quantity_{i}") or 1)
            for i in range(self.PART_ROWS)
            if data.get(f"part_{i}")
        ]
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


class QuoteDecisionForm(SignatureMixin, TicketActionForm):
    consent_kind = forms.ChoiceField(required=False, choices=[("", "—"), *ConsentKind.choices])
    damage_acknowledged = forms.BooleanField(required=False)
    # rules#payment: a deposit may be taken when the customer approves.
    deposit_amount = inputs.money_for(MoneyEntry, "amount", required=False)
    deposit_method = method_field(required=False)
    deposit_reference = reference_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        amount, method = data.get("deposit_amount"), data.get("deposit_method")
        if amount and method is None and "deposit_method" not in self.errors:
            self.add_error("deposit_method", _("Pick how the customer paid."))
        data["deposit"] = (
            PaymentInput(method.pk, amount, data.get("deposit_reference", ""))
            if amount and method is not None
            else None
        )
        return data


class CompleteRepairForm(TicketActionForm):
    repair_method = forms.CharField(
        max_length=inputs.column_max_length(RepairTicket, "repair_method"),
        error_messages={"required": _("Record the repair method.")},
    )


class QaFailForm(TicketActionForm):
    # The reason is the timeline entry's note.
    reason = forms.CharField(
        max_length=inputs.column_max_length(TicketEvent, "note"),
        error_messages={"required": _("Say why the retest failed: the technician needs it.")},
    )


class ReturnUnrepairedForm(SignatureMixin, TicketActionForm):
    """The device goes back: tested, signed for, paid (the refused-quote fee, if any), and the
    satisfaction card."""

    tested_with_customer = forms.BooleanField(
        error_messages={"required": _("Test the device in front of the customer first.")}
    )
    PAYMENT_ROWS = 3

    # The first payment row's amount is "amount received"; rows 1 and 2 are ``amount_<i>``.
    amount_received = inputs.money_for(MoneyEntry, "amount", required=False)
    invoice_number = forms.CharField(
        required=False, max_length=inputs.column_max_length(Payment, "invoice_number")
    )
    invoice_not_requested = forms.BooleanField(required=False)
    invoice_title = forms.CharField(
        required=False, max_length=inputs.column_max_length(Payment, "invoice_title")
    )
    invoice_tax_number = forms.CharField(
        required=False, max_length=inputs.column_max_length(Payment, "invoice_tax_number")
    )
    satisfaction_rating = forms.TypedChoiceField(
        required=False,
        choices=[("", "—"), *((str(n), str(n)) for n in range(1, 6))],
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("The rating is from 1 to 5.")},
    )
    satisfaction_comment = forms.CharField(
        required=False, max_length=inputs.column_max_length(SatisfactionCard, "comment")
    )
    satisfaction_declined = forms.BooleanField(required=False)
    # Why the device goes back while the customer still holds a loaner (shown only then).
    loaner_reason = forms.CharField(required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index in range(self.PAYMENT_ROWS):
            self.fields[f"method_{index}"] = method_field(required=False)
            self.fields[f"reference_{index}"] = reference_field()
            if index:
                self.fields[f"amount_{index}"] = inputs.money_for(
                    MoneyEntry, "amount", required=False
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        payments = []
        for index in range(self.PAYMENT_ROWS):
            amount_name = "amount_received" if index == 0 else f"amount_{index}"
            amount, method = data.get(amount_name), data.get(f"method_{index}")
            if not amount:
                continue
            if method is None:
                if f"method_{index}" not in self.errors:
                    self.add_error(f"method_{index}", _("Pick how the customer paid."))
                continue
            payments.append(PaymentInput(method.pk, amount, data.get(f"reference_{index}", "")))
        data["payments"] = payments
        return data


class SanbaoForm(SignatureMixin, TicketActionForm):
    """三包 return or exchange (rules#sanbao): the customer signs once and picks the choice (the
    submit button); an exchange names the replacement, a return the refund's reference."""

    replacement_model = forms.CharField(
        required=False, max_length=inputs.column_max_length(SanbaoDecision, "replacement_model")
    )
    # Typed or scanned with spaces or dashes; the service checks its 15 digits and check digit.
    replacement_imei = inputs.CodeField(required=False, max_length=32)
    refund_reference = forms.CharField(
        required=False, max_length=inputs.column_max_length(SanbaoDecision, "refund_reference")
    )
    # Why the customer leaves while still holding a loaner (shown only then).
    loaner_reason = forms.CharField(required=False, max_length=200)


class HandoverForm(ReturnUnrepairedForm):
    explanation_given = forms.BooleanField(
        error_messages={"required": _("Explain what was done and how to use the device.")}
    )


#: action -> its form; an action not listed (or unknown) posts only the two hidden fields.
ACTION_FORMS: dict[str, type[TicketActionForm]] = {
    "diagnose": DiagnoseForm,
    "approve_quote": QuoteDecisionForm,
    "refuse_quote": QuoteDecisionForm,
    "complete_repair": CompleteRepairForm,
    "fail_qa": QaFailForm,
    "hand_over": HandoverForm,
    "return_unrepaired": ReturnUnrepairedForm,
    "return_device": SanbaoForm,
    "exchange_device": SanbaoForm,
}


def ticket_action_form(data: QueryDict) -> TicketActionForm:
    """The bound form of the action that ``data`` names."""
    action = TicketActionForm(data)
    name = action.cleaned_data["action"] if action.is_valid() else ""
    return ACTION_FORMS.get(name, TicketActionForm)(data)


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


class CashUpForm(forms.Form):
    """The desk's count at the end of the day (日结)."""

    day = inputs.DateField(widget=forms.HiddenInput, input_formats=["%Y-%m-%d"])
    counted_cash = inputs.money_for(CashUp, "counted_cash")
    note = forms.CharField(required=False, max_length=inputs.column_max_length(CashUp, "note"))


class CashUpConfirmForm(forms.Form):
    version = forms.IntegerField(min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput)


# --- spare-parts stock (rules#parts) ---------------------------------------------------------


class PartCodeField(inputs.CodeField):
    """A part number as typed or scanned (the service finds it on the point's list)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Part number"))
        kwargs.setdefault("max_length", inputs.column_max_length(Part, "code"))
        kwargs.setdefault("error_messages", {"required": _("Enter or scan the part number.")})
        super().__init__(**kwargs)


class StockReceiveForm(inputs.OneTimeTokenMixin, forms.Form):
    """A delivery of parts (收货): the part, how many, the delivery note; the one-time token
    keeps a double click from receiving it twice."""

    part = PartCodeField()
    quantity = inputs.IntegerField(
        label=_("Quantity received"),
        min_value=1,
        max_value=9999,
        error_messages={
            "min_value": _("A delivery is from 1 to 9999 parts."),
            "max_value": _("A delivery is from 1 to 9999 parts."),
        },
    )
    reference = forms.CharField(label=_("Delivery note number"), required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_token()


class StockAdjustForm(inputs.OneTimeTokenMixin, forms.Form):
    """A count, a defective part set aside or sent back, or a new reorder level, with why."""

    part = PartCodeField()
    kind = forms.ChoiceField(
        label=_("What you are doing"),
        choices=[
            ("count", _("Counted: the number on the shelf")),
            ("defective", _("Found defective: set aside")),
            ("defective_out", _("Defective parts sent back or scrapped")),
            ("level", _("New reorder level")),
        ],
    )
    quantity = inputs.IntegerField(label=_("Number"), min_value=0, max_value=99999)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        error_messages={"required": _("Say why the stock changes.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_token()


# --- defective parts back to the brand (旧件返还, rules#parts) --------------------------------


class ReturnBatchCreateForm(inputs.OneTimeTokenMixin, forms.Form):
    """Make a return batch of everything waiting; the token makes a double click one batch."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_token()


class ReturnBatchMoveForm(forms.Form):
    """Pack or receive a return batch: nothing to type, the batch's state is the check."""


class ReturnBatchShipForm(forms.Form):
    """Ship a packed return batch: the carrier and its tracking number."""

    carrier = forms.CharField(
        label=_("Carrier"),
        max_length=inputs.column_max_length(ReturnBatch, "carrier"),
        error_messages={"required": _("Enter the carrier.")},
    )
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=inputs.column_max_length(ReturnBatch, "tracking_number"),
        error_messages={"required": _("Enter the tracking number.")},
    )
