"""Complaint forms: parse input only; the rules live in complaints.services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

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
from complaints.services.stages import ClarifyInput, NoteInput, ProposeInput, ResolveInput
from servicedesk import inputs

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet

    from intake.models import Customer
    from repairs.models import RepairTicket


InputT = TypeVar("InputT")


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
        label=_("Promised reply by"),
        required=False,
        widget=LocalDateTimeInput(),
        help_text=_("When the customer will hear back: the complaint is not resolved yet."),
    )
    ticket: forms.ModelChoiceField[RepairTicket] = forms.ModelChoiceField(
        queryset=None, label=_("Repair record"), required=False
    )

    #: Picked in the customer search (complaints/_customer_pick.html), not drawn by crispy.
    PICKED = ("customer", "ticket")

    def __init__(
        self,
        *args: Any,
        customers: QuerySet[Customer],
        tickets: QuerySet[RepairTicket],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.add_token()
        inputs.model_choices(self, "customer").queryset = customers
        inputs.model_choices(self, "ticket").queryset = tickets

    def typed_fields(self) -> list[forms.BoundField]:
        """The fields typed on the form (the customer and the ticket are picked apart)."""
        return [field for field in self.visible_fields() if field.name not in self.PICKED]


class CustomerSearchForm(forms.Form):
    """The complaint form's customer search: a phone, its last four digits, or a name."""

    q = forms.CharField(max_length=64, required=False)

    def query(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("q", "").strip()


class ComplaintStartForm(forms.Form):
    """What a new complaint starts from, carried as ids in the link (never personal data)."""

    ticket = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    callback = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False)

    def ticket_id(self) -> int | None:
        self.is_valid()  # a bad value is ignored: the form opens without it
        return self.cleaned_data.get("ticket")

    def callback_id(self) -> int | None:
        self.is_valid()
        return self.cleaned_data.get("callback")


class StageActionForm(forms.Form):
    """Which stage button was pressed (the buttons carry ``name="action"``)."""

    action = forms.CharField(max_length=32)


#: Every field a stage form may carry. Each stage's form holds only its own; one of the others,
#: posted anyway, is refused (never silently dropped).
STAGE_FIELDS = (
    "restatement",
    "customer_confirmed",
    "options",
    "chosen_option",
    "resolution",
    "promised_reply_at",
)


def _note_field() -> forms.CharField:
    return forms.CharField(
        label=_("Note"),
        required=False,
        max_length=inputs.column_max_length(ComplaintContact, "note"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _promise_field() -> inputs.DateTimeField:
    return inputs.DateTimeField(
        label=_("Promised reply by"),
        required=False,
        widget=LocalDateTimeInput(),
        help_text=_("When the customer will hear back, while the complaint is unresolved."),
    )


class StageForm(VersionedForm, Generic[InputT]):
    """One step of the complaint (rules#complaints stages): only that step's fields. Which
    fields each step needs is checked by the step's service (``complaints.services.stages``),
    so every error comes back at once, beside its field; ``to_input`` gives it what it takes."""

    note = _note_field()
    #: The partial drawing the step: its card with this form, under its heading and button.
    partial = "complaints/_stage_step.html"

    def __init__(self, *args: Any, action: str, complaint: Complaint, **kwargs: Any) -> None:
        # Two steps can be offered on one page: their ids differ, their field names do not.
        kwargs.setdefault("auto_id", f"id_{action}_%s")
        super().__init__(*args, **kwargs)
        self.action = action
        self.complaint = complaint

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        foreign = [
            name
            for name in STAGE_FIELDS
            if name not in self.fields and str(self.data.get(name, "")).strip()
        ]
        for name in foreign:
            self.add_error(
                None,
                _("“%(field)s” is not part of this step and was not saved: %(value)s")
                % {"field": STAGE_FIELD_LABELS.get(name, name), "value": self.data.get(name)},
            )
        return cleaned

    def to_input(self) -> InputT:
        """The cleaned fields as the step's service takes them."""
        raise NotImplementedError


STAGE_FIELD_LABELS = {
    "restatement": _("Your restatement"),
    "customer_confirmed": _("The customer confirmed it"),
    "options": _("Solution options (one a line)"),
    "chosen_option": _("Customer's choice"),
    "resolution": _("Outcome"),
    "promised_reply_at": _("Promised reply by"),
}


class ClarifyForm(StageForm[ClarifyInput]):
    """解释澄清: the owner restates the complaint and the customer confirms."""

    restatement = forms.CharField(
        label=STAGE_FIELD_LABELS["restatement"],
        required=False,
        max_length=inputs.column_max_length(Complaint, "restatement"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    customer_confirmed = forms.BooleanField(
        label=STAGE_FIELD_LABELS["customer_confirmed"], required=False
    )
    promised_reply_at = _promise_field()
    field_order = ["restatement", "customer_confirmed", "promised_reply_at", "note"]

    def to_input(self) -> ClarifyInput:
        data = self.cleaned_data
        return ClarifyInput(
            restatement=data["restatement"],
            customer_confirmed=data["customer_confirmed"],
            promised_reply_at=data["promised_reply_at"],
            note=data["note"],
        )


class ProposeForm(StageForm[ProposeInput]):
    """提出解决方案: one or more options for the customer to choose from."""

    options = forms.CharField(
        label=STAGE_FIELD_LABELS["options"],
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    promised_reply_at = _promise_field()
    field_order = ["options", "promised_reply_at", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.complaint.options and not self.is_bound:
            self.initial.setdefault("options", "\n".join(self.complaint.options))

    def to_input(self) -> ProposeInput:
        data = self.cleaned_data
        return ProposeInput(
            options=tuple(data["options"].splitlines()),
            promised_reply_at=data["promised_reply_at"],
            note=data["note"],
        )


class ResolveForm(StageForm[ResolveInput]):
    """Resolved: the option the customer chose and the outcome."""

    chosen_option = forms.ChoiceField(
        label=STAGE_FIELD_LABELS["chosen_option"], required=False, widget=forms.RadioSelect
    )
    resolution = forms.CharField(
        label=STAGE_FIELD_LABELS["resolution"],
        required=False,
        max_length=inputs.column_max_length(Complaint, "resolution"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    field_order = ["chosen_option", "resolution", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = inputs.choices(self, "chosen_option")
        choices.choices = [(option, option) for option in self.complaint.options]
        if self.complaint.chosen_option and not self.is_bound:
            self.initial.setdefault("chosen_option", self.complaint.chosen_option)

    def to_input(self) -> ResolveInput:
        data = self.cleaned_data
        return ResolveInput(
            resolution=data["resolution"], chosen_option=data["chosen_option"], note=data["note"]
        )


class NoteStageForm(StageForm[NoteInput]):
    """A step with a note only (followed up, closed)."""

    def to_input(self) -> NoteInput:
        return NoteInput(note=self.cleaned_data["note"])


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
