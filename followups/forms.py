from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from followups.models import Outcome, OutsideHoursReason, QuestionKind
from followups.outcomes import OutcomeInput
from followups.services import MoveInput, SlipInput, callback_outcome_errors
from servicedesk import inputs
from servicedesk.people import person_with_role

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.contrib.auth.models import User
    from django.db.models import QuerySet

    from followups.models import Question
    from servicedesk.models import ServicePoint

#: The answer's words beside its number, as the clerk reads them out to the customer.
RATING_WORDS = {
    5: _("very satisfied"),
    4: _("satisfied"),
    3: _("neutral"),
    2: _("dissatisfied"),
    1: _("very dissatisfied"),
}
RATING_CHOICES = [("", "—")] + [
    (str(n), format_lazy("{} {}", n, word)) for n, word in RATING_WORDS.items()
]
YES_NO_CHOICES = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]


class OutcomeForm(forms.Form):
    """The callback screen: the questionnaire in its fixed order, then how the call ended."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    duration_seconds = forms.IntegerField(
        widget=forms.HiddenInput(attrs={"class": "js-call-duration"}),
        required=False,
        min_value=0,
        max_value=24 * 3600,
    )
    outcome = forms.ChoiceField(
        label=_("How did the call end?"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    dissatisfaction_reason = forms.CharField(
        label=_("Why is the customer dissatisfied?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the customer is dissatisfied: ask why and write it down."),
    )
    call_back_at = inputs.DateTimeField(
        label=_("Customer's preferred time to call back"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)
    outside_hours_reason = forms.ChoiceField(
        label=_("Outside the calling hours?"),
        choices=[("", _("No: I am calling within the calling hours")), *OutsideHoursReason.choices],
        required=False,
        help_text=_(
            "Outside the calling hours a call is recorded only when the customer called us."
        ),
    )

    def __init__(
        self,
        *args: Any,
        questions: Sequence[Question],
        point: ServicePoint | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.point = point
        for index, question in enumerate(questions, 1):
            name = f"q_{question.pk}"
            field: forms.Field
            if question.kind == QuestionKind.RATING:
                field = forms.ChoiceField(choices=RATING_CHOICES, required=False)
            elif question.kind == QuestionKind.YES_NO:
                field = forms.ChoiceField(choices=YES_NO_CHOICES, required=False)
            else:
                field = forms.CharField(required=False, max_length=1000)
            field.label = f"{index}. {question.text}"
            self.fields[name] = field
        # The questionnaire first, in its fixed order; the outcome last.
        order = [f"q_{q.pk}" for q in questions]
        self.order_fields(
            [
                *order,
                "outcome",
                "dissatisfaction_reason",
                "call_back_at",
                "note",
                "outside_hours_reason",
            ]
        )

    def clean(self) -> dict[str, Any]:
        """The outcome's own requirements (a reason, a time to call back) are checked here as
        well as in the service, so that a refused form shows every error at once (UX 1)."""
        data = super().clean() or {}
        if self.point is not None and data.get("outcome"):
            errors = callback_outcome_errors(
                point=self.point,
                outcome=data["outcome"],
                dissatisfaction_reason=data.get("dissatisfaction_reason") or "",
                call_back_at=data.get("call_back_at"),
                now=timezone.now(),
                outside_hours_reason=data.get("outside_hours_reason") or "",
            )
            for name, messages in errors.items():
                if name not in self.errors:
                    self.add_error(name, messages)
        return data

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(f"q_{q.pk}") for q in self.questions}

    def to_input(self) -> OutcomeInput:
        """What ``followups.services.callback_record_outcome`` takes."""
        data = self.cleaned_data
        return OutcomeInput(
            outcome=data["outcome"],
            answers=self.answers(),
            dissatisfaction_reason=data["dissatisfaction_reason"],
            call_back_at=data["call_back_at"],
            duration_seconds=data["duration_seconds"],
            note=data["note"],
            outside_hours_reason=data["outside_hours_reason"],
        )


class MoveForm(forms.Form):
    """Moving the callback by hand: when to call, and why (``followups.services.callback_move``)."""

    #: The form on the callback screen.
    partial = "followups/actions/move.html"

    version = forms.IntegerField(widget=forms.HiddenInput)
    due_at = inputs.DateTimeField(
        label=_("Call at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    reason = forms.CharField(label=_("Why move it?"), max_length=255)

    def input(self) -> MoveInput:
        return MoveInput(due_at=self.cleaned_data["due_at"], reason=self.cleaned_data["reason"])


class SlipForm(inputs.OneTimeTokenMixin, forms.Form):
    """A question the clerk cannot answer is not improvised: it becomes a message slip
    (``followups.services.callback_take_slip``)."""

    #: The form on the callback screen.
    partial = "followups/actions/slip.html"

    message = forms.CharField(
        label=_("The customer's question"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    addressee: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Forward to"), queryset=None
    )
    callback_due_at = inputs.DateTimeField(
        label=_("Promised callback by"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    read_back_confirmed = forms.BooleanField(
        label=_("I read the question back to the customer"), required=False
    )

    def __init__(self, *args: Any, addressees: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_token()
        inputs.model_choices(self, "addressee").queryset = addressees
        inputs.label_choices(self, "addressee", person_with_role)

    def input(self) -> SlipInput:
        data = self.cleaned_data
        return SlipInput(
            message=data["message"],
            addressee=data["addressee"],
            callback_due_at=data["callback_due_at"],
            read_back_confirmed=data["read_back_confirmed"],
            token=data["token"],
        )
