from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from servicedesk import inputs
from servicedesk.errors import ActionRefused
from servicedesk.models import Department, ServicePoint, validate_calling_hours
from servicedesk.people import person_label
from servicedesk.services import POINT_SETTING_FIELDS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def apply_errors(form: forms.Form, exc: ValidationError | ActionRefused) -> None:
    """A service's refusal shown on the form, so that nothing typed is lost: a
    ``ValidationError``'s messages beside their fields (the rest at the top), an
    ``ActionRefused`` (stale form, wrong state) at the top."""
    if isinstance(exc, ActionRefused):
        form.add_error(None, str(exc))
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def add_service_errors(
    form: forms.Form,
    errors: Mapping[str, list[str]],
    depends: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """A service's refusals of what a refused form knows, added to the form's own so that one
    submit shows them all (UX: all errors at once): each beside its field (a name the form
    lacks at the top), except where the form has refused that field already, or a field it is
    judged from (``depends``: the amount received from every payment row), since the service
    then judged a blank."""
    for name, texts in errors.items():
        if name not in form.fields:
            form.add_error(None, texts)
        elif not any(n in form.errors for n in (name, *(depends or {}).get(name, ()))):
            form.add_error(name, texts)


class CallingHoursField(forms.CharField):
    """Calling windows typed the way staff say them: "09:00-12:00, 14:00-20:00"."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(f"{a}-{b}" for a, b in value)
        return value

    def to_python(self, value: Any) -> list[list[str]]:  # type: ignore[override]
        text = (
            (super().to_python(value) or "").replace("，", ",").replace("–", "-").replace("～", "-")
        )
        windows = []
        for part in filter(None, (p.strip() for p in text.split(","))):
            bounds = [b.strip() for b in part.split("-")]
            if len(bounds) != 2:
                raise ValidationError(_("Write each window as HH:MM-HH:MM, separated by commas."))
            windows.append(bounds)
        validate_calling_hours(windows)
        return [[_normalise(a), _normalise(b)] for a, b in windows]


def _normalise(text: str) -> str:
    hours, _sep, minutes = text.partition(":")
    return f"{int(hours):02d}:{int(minutes or 0):02d}"


class PercentField(forms.DecimalField):
    """A rate typed and shown as a percentage (30 for 0.30), stored as the fraction."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=0, max_value=100, max_digits=5, decimal_places=0, **kwargs)
        self.widget.attrs.setdefault("step", "1")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):  # the stored fraction; a typed value passes as it is
            return str(int((value * 100).quantize(Decimal("1"))))
        return value

    def clean(self, value: Any) -> Decimal | None:
        percent = super().clean(value)
        return None if percent is None else (Decimal(percent) / 100).quantize(Decimal("0.01"))


class PointSettingsForm(forms.ModelForm):
    callback_sample_rate = PercentField(
        label=_("callback sampling rate (%)"),
        help_text=_("Share of repairs called back, in percent (key customers always)."),
    )
    calling_hours = CallingHoursField(
        label=_("calling hours"),
        help_text=_("Local time, e.g. 09:00-12:00, 14:00-20:00"),
        max_length=200,
    )

    #: The settings version the form was loaded with (a save meanwhile makes it stale).
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)

    class Meta:
        model = ServicePoint
        fields = list(POINT_SETTING_FIELDS)

    def __init__(self, *args: Any, editable_fields: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in editable_fields and name != "version":
                del self.fields[name]
        if "complaint_department" in self.fields:
            # The point's own departments and the network-wide ones, never another point's.
            inputs.model_choices(self, "complaint_department").queryset = Department.objects.filter(
                Q(point=self.instance) | Q(point__isnull=True), is_active=True
            )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.settings_version

    def setting_names(self) -> list[str]:
        return [name for name in self.fields if name != "version"]

    def show_saved_meanwhile(self, current: ServicePoint, changed: dict[str, str] | None) -> None:
        """After a conflict the form keeps what was typed and carries the stored version (saving
        again is a deliberate choice). A field someone else saved meanwhile (``changed``: its
        value when this form was loaded) that was left as loaded takes their value, so saving
        again keeps their change; one changed on both sides keeps the typed value; each says
        what was saved. Without ``changed``, every field that differs from the stored value says
        so."""
        data = self.data.copy()  # type: ignore[attr-defined]  # the posted QueryDict
        data["version"] = str(current.settings_version)
        typed = dict(self.cleaned_data)
        for name in self.setting_names():
            if name not in typed:
                continue
            stored = getattr(current, name)
            if changed is not None and name not in changed:
                continue
            if changed is not None and str(typed[name]) == changed[name]:
                self._fill(data, name, stored)
                self.add_error(
                    name,
                    _("Saved meanwhile, taken over: %(value)s")
                    % {"value": self._shown(name, stored)},
                )
            elif typed[name] != stored:
                self.add_error(
                    name, _("Saved meanwhile: %(value)s") % {"value": self._shown(name, stored)}
                )
        self.data = data

    def _fill(self, data: Any, name: str, value: Any) -> None:
        field = self.fields[name]
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
            else:
                data.pop(name, None)
        else:
            data[name] = str(field.prepare_value(value))

    def _shown(self, name: str, value: Any) -> Any:
        field = self.fields[name]
        if isinstance(field, forms.BooleanField):
            return _("yes") if value else _("no")
        if getattr(field, "choices", None):
            return dict(field.choices).get(value, value)  # type: ignore[attr-defined]
        return field.prepare_value(value)


class NoticeReadForm(forms.Form):
    """Marking a department notice read: nothing to type, the notice is in the URL."""


class DownloadForm(forms.Form):
    """An audited download (an export, a report's CSV): nothing to type, the file is in the URL.
    A POST through this form, never a GET, so that a link or a prefetch on another page cannot
    write an audit row in the user's name."""


class StaffChoiceField(forms.ModelChoiceField):
    """Staff accounts by name and staff number."""

    def label_from_instance(self, obj: User) -> str:
        return person_label(obj)


class AuditFilterForm(forms.Form):
    """Filters of the audit log page; the choices come from the user's own scope."""

    action = forms.ChoiceField(label=_("Action"), required=False)
    actor: forms.ModelChoiceField[User] = StaffChoiceField(
        label=_("Who"), queryset=None, required=False, empty_label=_("All")
    )
    point: forms.ModelChoiceField[ServicePoint] = forms.ModelChoiceField(
        label=_("service point"), queryset=None, required=False, empty_label=_("All")
    )
    date_from = inputs.DateField(label=_("From"), required=False, widget=inputs.DateInput())
    date_to = inputs.DateField(label=_("To"), required=False, widget=inputs.DateInput())

    def __init__(
        self,
        data: Any = None,
        *,
        staff: QuerySet[User],
        points: QuerySet[ServicePoint],
        actions: Sequence[tuple[str, StrOrPromise]],
    ) -> None:
        super().__init__(data)
        inputs.choices(self, "action").choices = [("", _("All actions")), *actions]
        inputs.model_choices(self, "actor").queryset = staff
        inputs.model_choices(self, "point").queryset = points
        if points.count() < 2:
            del self.fields["point"]
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = f"{css} {css}-sm"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data
