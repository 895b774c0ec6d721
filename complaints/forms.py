"""Complaint forms: parse input only; the rules live in complaints.services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import Channel, ComplaintCategory, DifficultType, Severity, Source
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
    summary = forms.CharField(label=_("Complaint"), widget=forms.Textarea(attrs={"rows": 4}))
    promised_reply_at = inputs.DateTimeField(
        label=_("Promised reply by"), required=False, widget=LocalDateTimeInput()
    )

    def __init__(self, *args: Any, customers: QuerySet[Customer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_token()
        inputs.model_choices(self, "customer").queryset = customers


class ActionForm(VersionedForm):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    restatement = forms.CharField(
        label=_("Your restatement"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    customer_confirmed = forms.BooleanField(label=_("The customer confirmed it"), required=False)
    options = forms.CharField(
        label=_("Options (one a line)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    chosen_option = forms.CharField(label=_("Customer's choice"), required=False, max_length=500)
    resolution = forms.CharField(
        label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    promised_reply_at = inputs.DateTimeField(
        label=_("Promised reply by"), required=False, widget=LocalDateTimeInput()
    )


class ContactForm(VersionedForm):
    note = forms.CharField(
        label=_("What the customer was told"), widget=forms.Textarea(attrs={"rows": 2})
    )
    promised_reply_at = inputs.DateTimeField(
        label=_("New promised reply by"), required=False, widget=LocalDateTimeInput()
    )


class OfferForm(VersionedForm):
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), min_value=0, max_digits=10, decimal_places=2
    )
    description = forms.CharField(label=_("What is offered"), max_length=255)


class EscalateForm(VersionedForm):
    note = forms.CharField(label=_("Why it is beyond your authority"), max_length=4000)


class DecisionForm(VersionedForm):
    decision = forms.CharField(
        label=_("Supervisor's decision"), widget=forms.Textarea(attrs={"rows": 2})
    )


class TransferForm(forms.Form):
    owner: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        queryset=None, label=_("New owner")
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args: Any, users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inputs.model_choices(self, "owner").queryset = users


class ComplaintTransferForm(TransferForm):
    """Transfer of one complaint (the queue's bulk transfer has no single version)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
