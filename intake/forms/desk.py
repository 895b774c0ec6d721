from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.models import Customer, CustomerType, Purpose
from servicedesk import inputs
from servicedesk.people import person_with_role

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet

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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_token()


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
    addressee: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Forward to"), queryset=None
    )
    callback_due_at = inputs.DateTimeField(
        label=_("Promised reply by"),
        widget=inputs.DateTimeLocalInput(),
        input_formats=DATETIME_FORMATS,
    )
    read_back_confirmed = forms.BooleanField(
        label=_("I read the details back to the customer"), required=False
    )

    def __init__(self, *args: Any, addressees: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_token()
        inputs.model_choices(self, "addressee").queryset = addressees
        inputs.label_choices(self, "addressee", person_with_role)


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


class DuplicateChoiceField(forms.ModelChoiceField):
    """Another record of the customer, told apart by what the supervisor can compare."""

    def label_from_instance(self, obj: Customer) -> str:
        return f"{obj.name} · {obj.masked_phone} · {timezone.localtime(obj.created_at):%Y-%m-%d}"


class CustomerMergeForm(forms.Form):
    """Which record is the same customer, and a deliberate tick (the record picked is removed)."""

    duplicate = DuplicateChoiceField(
        label=_("The other record of this customer"),
        queryset=Customer.objects.none(),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        empty_label=None,
    )
    confirm = forms.BooleanField(
        label=_("I checked that both records are the same person. This cannot be undone."),
        required=True,
    )

    def __init__(self, data: Any = None, *, candidates: QuerySet[Customer]) -> None:
        super().__init__(data)
        # The candidates are a bounded, scoped list: the choice is checked against it.
        inputs.model_choices(self, "duplicate").queryset = Customer.objects.filter(
            pk__in=[c.pk for c in candidates]
        ).order_by("created_at", "pk")


class VisitRefForm(forms.Form):
    """The visit or call a page was opened from, carried as its id (never its phone number)."""

    visit = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False)

    def visit_id(self) -> int | None:
        self.is_valid()  # a bad value elsewhere does not lose a good visit id
        return self.cleaned_data.get("visit")


class SearchForm(VisitRefForm):
    """The one search box (phone, IMEI, ticket number or name), from a visit or not."""

    q = inputs.CodeField(max_length=64, required=False)

    def query(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("q", "")


class SlipStepForm(forms.Form):
    """Which button of the two-step message slip was pressed."""

    step = forms.ChoiceField(
        choices=[("", ""), ("check", "check"), ("edit", "edit"), ("save", "save")],
        required=False,
    )

    def pressed(self) -> str:
        return self.cleaned_data["step"] if self.is_valid() else ""


class SlipCallbackForm(forms.Form):
    note = forms.CharField(label=_("Callback note"), max_length=4000, required=False)
