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
    existing = model._default_manager.filter(point=point, **{field: token}).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        existing = model._default_manager.filter(point=point, **{field: token}).first()
        if existing is not None:
            return existing
        if model._default_manager.filter(**{field: token}).exists():
            raise ValidationError(
                _("This form was already used. Reload the page and enter it again.")
            ) from None
        raise
