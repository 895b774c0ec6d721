"""The forms of the ticket page's actions: each bounds what is posted and gives its action's
typed input (``input()``). Every field bounded. What an action needs is the service's rule (a
signature, the amount due, a known part), refused there with its message beside the field; the
plain "fill this in" ones are also checked here, with the same words, so they come back together
with the rest. The part and payment rows keep the page's field names (``part_0``, ``method_1``
…), shown row by row through ``part_rows`` and ``payment_rows``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from counter import services as money
from counter.models import MoneyEntry, Payment
from counter.services import PaymentInput
from repairs.actions import (
    NO_INPUT,
    CompleteRepairInput,
    DiagnoseInput,
    HandoverInput,
    NoInput,
    PartLineInput,
    QaFailInput,
    QuoteDecisionInput,
    ReturnUnrepairedInput,
    SanbaoInput,
)
from repairs.forms import SignatureMixin, method_field, reference_field
from repairs.models import (
    ConsentKind,
    Quote,
    RepairTicket,
    SanbaoDecision,
    SatisfactionCard,
    TicketEvent,
)
from servicedesk import inputs
from servicedesk.forms import add_service_errors


@dataclass(frozen=True)
class PartRow:
    """One part line of the diagnosis form, as posted (or blank)."""

    index: int
    part: str
    quantity: str
    errors: list[str]


@dataclass(frozen=True)
class PaymentRow:
    """One payment row of the handover form, as posted (or blank: the first row is cash)."""

    index: int
    amount_name: str
    amount: str
    method: str
    reference: str
    method_errors: list[str]
    amount_errors: list[str]
    reference_errors: list[str]


class TicketActionForm(forms.Form):
    """The two hidden fields of every action's form: which action, and the ticket's version as
    shown (a colleague's change in between, or the same form sent twice, is refused)."""

    action = forms.CharField(max_length=32, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput)

    #: The fields a service's refusal on a field is judged from (the amount received against
    #: every payment row): while one of them is refused itself, that refusal would judge a
    #: guess, so it waits for the next submit.
    DEPENDS: ClassVar[dict[str, tuple[str, ...]]] = {}

    def input(self) -> Any:
        """The action's typed input, from ``cleaned_data`` (after ``is_valid()``; on a refused
        form, from what it knows: a refused field is blank)."""
        return NO_INPUT

    def add_service_errors(self, errors: Mapping[str, list[str]]) -> None:
        """The service's refusals beside the fields they name (the part lines' beside the
        first), those the form has not refused already (``servicedesk.forms``)."""
        add_service_errors(
            self,
            {("part_0" if name == "parts" else name): texts for name, texts in errors.items()},
            self.DEPENDS,
        )

    def _errors_of(self, name: str) -> list[str]:
        return [str(e) for e in self.errors.get(name, [])]


class PlainActionForm(TicketActionForm):
    """An action that carries nothing but itself (start, retest passed, parts arrived)."""

    def input(self) -> NoInput:
        return NO_INPUT


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

    def input(self) -> DiagnoseInput:
        data = self.cleaned_data
        return DiagnoseInput(
            fault_confirmed=data["fault_confirmed"],
            repair_type_id=data.get("repair_type"),
            labor_fee=data.get("labor_fee"),
            labor_change_reason=data.get("labor_change_reason", ""),
            parts=[
                PartLineInput(data[f"part_{i}"], data.get(f"quantity_{i}") or 1)
                for i in range(self.PART_ROWS)
                if data.get(f"part_{i}")
            ],
            parts_expected_on=data.get("parts_expected_on"),
        )

    def part_rows(self) -> list[PartRow]:
        return [
            PartRow(
                index=i,
                part=self.data.get(f"part_{i}", ""),
                quantity=self.data.get(f"quantity_{i}") or "1",
                errors=[*self._errors_of(f"part_{i}"), *self._errors_of(f"quantity_{i}")],
            )
            for i in range(self.PART_ROWS)
        ]


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
        return data

    def input(self) -> QuoteDecisionInput:
        data = self.cleaned_data
        amount, method = data.get("deposit_amount"), data.get("deposit_method")
        return QuoteDecisionInput(
            consent_kind=data.get("consent_kind", ""),
            signature_data_url=data["signature_data_url"],
            damage_acknowledged=data.get("damage_acknowledged", False),
            deposit=(
                PaymentInput(method.pk, amount, data.get("deposit_reference", ""))
                if amount and method is not None
                else None
            ),
        )


class CompleteRepairForm(TicketActionForm):
    repair_method = forms.CharField(
        max_length=inputs.column_max_length(RepairTicket, "repair_method"),
        error_messages={"required": _("Record the repair method.")},
    )

    def input(self) -> CompleteRepairInput:
        return CompleteRepairInput(repair_method=self.cleaned_data["repair_method"])


class QaFailForm(TicketActionForm):
    # The reason is the timeline entry's note.
    reason = forms.CharField(
        max_length=inputs.column_max_length(TicketEvent, "note"),
        error_messages={"required": _("Say why the retest failed: the technician needs it.")},
    )

    def input(self) -> QaFailInput:
        return QaFailInput(reason=self.cleaned_data["reason"])


class ReturnUnrepairedForm(SignatureMixin, TicketActionForm):
    """The device goes back: tested, signed for, paid (the refused-quote fee, if any), and the
    satisfaction card."""

    tested_with_customer = forms.BooleanField(
        error_messages={"required": _("Test the device in front of the customer first.")}
    )
    PAYMENT_ROWS = 3
    # The amount rule (rules#payment) adds up every row's amount by its method.
    DEPENDS: ClassVar[dict[str, tuple[str, ...]]] = {
        money.amount_field(0): tuple(
            name
            for index in range(PAYMENT_ROWS)
            for name in (money.amount_field(index), f"method_{index}")
        )
    }

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
            amount, method = data.get(money.amount_field(index)), data.get(f"method_{index}")
            if not amount:
                continue
            if method is None:
                if f"method_{index}" not in self.errors:
                    self.add_error(f"method_{index}", _("Pick how the customer paid."))
                continue
            payments.append(PaymentInput(method.pk, amount, data.get(f"reference_{index}", "")))
        data["payments"] = payments
        return data

    def _fields_of_input(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "tested_with_customer": data.get("tested_with_customer", False),
            "signature_data_url": data["signature_data_url"],
            "payments": data["payments"],
            "amount_received": data.get("amount_received"),
            "invoice_number": data.get("invoice_number", ""),
            "invoice_not_requested": data.get("invoice_not_requested", False),
            "invoice_title": data.get("invoice_title", ""),
            "invoice_tax_number": data.get("invoice_tax_number", ""),
            "satisfaction_rating": data.get("satisfaction_rating"),
            "satisfaction_comment": data.get("satisfaction_comment", ""),
            "satisfaction_declined": data.get("satisfaction_declined", False),
            "loaner_reason": data.get("loaner_reason", ""),
        }

    def input(self) -> ReturnUnrepairedInput:
        return ReturnUnrepairedInput(**self._fields_of_input())

    def payment_rows(self) -> list[PaymentRow]:
        return [
            PaymentRow(
                index=i,
                amount_name=money.amount_field(i),
                amount=self.data.get(money.amount_field(i), ""),
                method=self.data.get(f"method_{i}", "" if i else "cash"),
                reference=self.data.get(f"reference_{i}", ""),
                method_errors=self._errors_of(f"method_{i}"),
                amount_errors=self._errors_of(money.amount_field(i)),
                reference_errors=self._errors_of(f"reference_{i}"),
            )
            for i in range(self.PAYMENT_ROWS)
        ]


class HandoverForm(ReturnUnrepairedForm):
    explanation_given = forms.BooleanField(
        error_messages={"required": _("Explain what was done and how to use the device.")}
    )

    def input(self) -> HandoverInput:
        return HandoverInput(
            **self._fields_of_input(),
            explanation_given=self.cleaned_data.get("explanation_given", False),
        )


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

    def input(self) -> SanbaoInput:
        data = self.cleaned_data
        return SanbaoInput(
            signature_data_url=data["signature_data_url"],
            replacement_model=data.get("replacement_model", ""),
            replacement_imei=data.get("replacement_imei", ""),
            refund_reference=data.get("refund_reference", ""),
            loaner_reason=data.get("loaner_reason", ""),
        )


def action_named(data: QueryDict) -> str:
    """The action that ``data`` names, or "" (a hand-made request)."""
    form = TicketActionForm(data)
    return form.cleaned_data["action"] if form.is_valid() else ""
