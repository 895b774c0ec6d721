"""One effect per form: a create form carries a one-time token (a hidden UUID), stored in a unique
column of the row it creates, so a double click, a resent POST or two tabs create one row."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from servicedesk.models import ServicePoint

T = TypeVar("T", bound=models.Model)


class FormTokenModel(models.Model):
    """A row a create form makes: the form's one-time token in a unique column, so that a double
    click, a resent POST or two tabs make one row (``create_once``, ``made_before``)."""

    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        abstract = True


def made_before(
    *, model: type[T], point: ServicePoint, token: uuid.UUID | None, field: str = "form_token"
) -> T | None:
    """The row ``token`` made at ``point`` already, or ``None`` (always ``None`` without a
    token). A token already used at another point is refused without revealing anything of that
    point. Called under the lock that orders two requests at once, it sees the first one's row."""
    if token is None:
        return None
    existing = model._default_manager.filter(point=point, **{field: token}).first()
    if existing is not None:
        return existing
    if model._default_manager.filter(**{field: token}).exists():
        raise ValidationError(_("This form was already used. Reload the page and enter it again."))
    return None


def create_once(
    *,
    model: type[T],
    point: ServicePoint,
    token: uuid.UUID | None,
    create: Callable[[], T],
    field: str = "form_token",
) -> T:
    """``create()`` the first time ``token`` is seen at ``point``; the row it made afterwards.

    Without a token (a scripted client) every call creates. Two requests at once: the unique
    column lets one win, and the other returns the winner's row. A token already used at another
    point is refused without revealing anything of that point."""
    if token is None:
        return create()
    # One query in the usual case; a token of another point shows itself at the unique column.
    existing = model._default_manager.filter(point=point, **{field: token}).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        existing = made_before(model=model, point=point, token=token, field=field)
        if existing is not None:
            return existing
        raise
