"""What the complaint pages share: who may use them and how a refusal is shown."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from servicedesk.models import Role

OPENERS = (
    Role.FRONT_DESK,
    Role.HOTLINE,
    Role.CALLBACK_CLERK,
    Role.SUPERVISOR,
    Role.SERVICE_MANAGER,
)
READERS = (*OPENERS, Role.REGIONAL_CENTER)
QUEUE_ROLES = (Role.SUPERVISOR, Role.SERVICE_MANAGER, Role.REGIONAL_CENTER)
PRINCIPLES = (
    _("Take the customer to a quiet area (隔离)."),
    _("Stay calm (冷静)."),
    _("Stay neutral (中立)."),
    _("Handle feelings before facts (先处理心情后处理事情)."),
)


def form_errors(form: forms.Form) -> ValidationError:
    return ValidationError(
        [
            f"{form.fields[f].label if f in form.fields else ''}: {e}"
            for f, es in form.errors.items()
            for e in es
        ]
    )


def show_errors(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.error(request, str(exc))


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's refusal beside the fields it names (the others above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
