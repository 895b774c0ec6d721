"""Complaint forms: parse input only; the rules live in complaints.services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import (
    Channel,
    CompensationOffer,
    Complaint,
    ComplaintCategory,
    ComplaintContact,
    DifficultType,
    Severity,
    Source,
)
from servicedesk import inputs

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet

    from intake.models import Customer


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class VersionedForm(forms.Form):
    """Carries the complaint's version as shown: a colleague's change in between (or the same
    form sent twice) is refused with a conflict message instead of being overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ComplaintOpenForm(inputs.OneTimeTokenMixin, forms.Form):
    customer: forms.ModelChoiceField[Customer] = forms.ModelChoiceField(
        queryset=None, label=_("Customer")
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    category = forms.ModelChoiceField(
        queryset=ComplaintCategory.objects.filter(is_active=True),
        label=_("Category"),
        required=False,
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial="normal")
    difficult_type = forms.ModelChoiceField(
        queryset=DifficultType.objects.all(), label=_("Difficult-customer type"), required=False
    )
    summary = forms.CharField(
        label=_("Complaint"),
        max_length=inputs.column_max_length(Complaint, "summary"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    promised_reply_at = inputs.DateTimeField(
        label=_("Promised reply by"), required=False, widget=LocalDateTimeInput()
    )

    def __init__(self, *args: Any, customers: QuerySet[Customer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_token()
        inputs.model_choices(self, "customer").queryset = customers


class StageActionForm(forms.Form):
    """Which stage button was pressed (the buttons carry ``name="action"``)."""

    action = forms.CharField(max_length=32)


class ActionForm(VersionedForm):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=inputs.column_max_length(ComplaintContact, "note"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    restatement = forms.CharField(
        label=_("Your restatement"),
        required=False,
        max_length=inputs.column_max_length(Complaint, "restatement"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    customer_confirmed = forms.BooleanField(label=_("The customer confirmed it"), required=False)
    options = forms.CharField(
        label=_("Options (one a line)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    chosen_option = forms.CharField(label=_("Customer's choice"), required=False, max_length=500)
    resolution = forms.CharField(
        label=_("Resolution"),
        required=False,
        max_length=inputs.column_max_length(Complaint, "resolution"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    promised_reply_at = inputs.DateTimeField(
        label=_("Promised reply by"), required=False, widget=LocalDateTimeInput()
    )


class ContactForm(VersionedForm):
    note = forms.CharField(
        label=_("What the customer was told"),
        max_length=inputs.column_max_length(ComplaintContact, "note"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    promised_reply_at = inputs.DateTimeField(
        label=_("New promised reply by"), required=False, widget=LocalDateTimeInput()
    )


class OfferForm(VersionedForm):
    amount = inputs.money_for(CompensationOffer, "amount", label=_("Amount (yuan)"))
    description = forms.CharField(
        label=_("What is offered"),
        max_length=inputs.column_max_length(CompensationOffer, "description"),
    )


class EscalateForm(VersionedForm):
    note = forms.CharField(label=_("Why it is beyond your authority"), max_length=4000)


class DecisionForm(VersionedForm):
    decision = forms.CharField(
        label=_("Supervisor's decision"),
        max_length=inputs.column_max_length(Complaint, "supervisor_decision"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TransferForm(forms.Form):
    owner: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        queryset=None, label=_("New owner")
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args: Any, users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inputs.model_choices(self, "owner").queryset = users


class BulkTransferForm(TransferForm):
    """The queue's bulk transfer: the ticked complaints and their new owner."""

    ids = inputs.IdListField(required=True)


class OfferDecisionForm(forms.Form):
    """A supervisor's approve/refuse buttons on a compensation offer, and where to go back."""

    decision = forms.ChoiceField(choices=[("approve", "approve"), ("refuse", "refuse")])
    next = forms.ChoiceField(choices=[("", ""), ("queue", "queue")], required=False)


class ComplaintTransferForm(TransferForm):
    """Transfer of one complaint (the queue's bulk transfer has no single version)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
