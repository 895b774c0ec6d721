from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.models import CallerKind, Purpose
from intake.services.hotline import CALL_KINDS
from servicedesk import inputs
from servicedesk.people import person_label

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet

    from intake.models import Customer
    from servicedesk.models import Department

OPENED_SALT = "intake.hotline.call-opened"


def sign_opened(now: dt.datetime | None = None) -> str:
    """When the call screen was opened (the call answered), signed so the page cannot move it."""
    return signing.dumps((now or timezone.now()).timestamp(), salt=OPENED_SALT)


def read_opened(value: str) -> dt.datetime | None:
    try:
        stamp = signing.loads(value or "", salt=OPENED_SALT, max_age=24 * 3600)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    try:
        return dt.datetime.fromtimestamp(float(stamp), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError):
        return None


class CallForm(inputs.OneTimeTokenMixin, forms.Form):
    """One answered call (rules#hotline). Keyboard order: phone, name, caller, kind, rings,
    summary."""

    opened = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)
    hold_log = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20000)
    customer: forms.ModelChoiceField[Customer] = forms.ModelChoiceField(
        queryset=None, required=False, widget=forms.HiddenInput
    )
    contact_phone = forms.CharField(
        label=_("Caller's number"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "tel"}),
    )
    contact_name = forms.CharField(label=_("Caller's name"), max_length=64, required=False)
    company = forms.CharField(label=_("Company"), max_length=100, required=False)
    create_customer = forms.BooleanField(
        label=_("Create a customer record for this caller"), required=False
    )
    caller_kind = forms.ChoiceField(
        label=_("Caller"),
        choices=CallerKind.choices,
        initial=CallerKind.CUSTOMER,
        widget=forms.RadioSelect,
    )
    purpose = forms.ChoiceField(
        label=_("The call is about"),
        choices=[(value, label) for value, label in Purpose.choices if value in CALL_KINDS],
        widget=forms.RadioSelect,
    )
    rings_to_answer = forms.IntegerField(
        label=_("Rings before you answered"),
        required=False,
        min_value=1,
        max_value=30,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    answer_seconds = forms.IntegerField(
        label=_("or seconds before you answered"),
        required=False,
        min_value=0,
        max_value=600,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    summary = forms.CharField(
        label=_("What the caller said"),
        max_length=4000,
        required=False,  # checked by the service with the rest, so every error shows at once
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    outcome = forms.CharField(
        label=_("What you answered or did"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    transferred_to = forms.CharField(
        label=_("Transferred to"),
        max_length=100,
        required=False,
        help_text=_("The engineer or department you put the caller through to."),
    )
    department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(
        label=_("Forward the suggestion to"), queryset=None, required=False
    )
    praised_staff: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Praised colleague"), queryset=None, required=False
    )

    def __init__(
        self,
        *args: Any,
        customers: QuerySet[Customer],
        departments: QuerySet[Department],
        colleagues: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.add_token()
        inputs.model_choices(self, "customer").queryset = customers
        inputs.model_choices(self, "department").queryset = departments
        inputs.model_choices(self, "praised_staff").queryset = colleagues
        inputs.label_choices(self, "praised_staff", person_label)
        if not self.is_bound:
            self.initial.setdefault("opened", sign_opened())


class CallerLookupForm(forms.Form):
    """The call screen's "who is calling": the number typed so far (``q`` from a link)."""

    contact_phone = forms.CharField(max_length=64, required=False)
    q = forms.CharField(max_length=64, required=False)

    def query(self) -> str:
        if not self.is_valid():
            return ""
        return self.cleaned_data["contact_phone"] or self.cleaned_data["q"]
