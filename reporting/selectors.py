"""Reads of the reporting layer, scoped to the user's points."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from reporting.models import ExportJob
from servicedesk.tenancy import scope_for

if TYPE_CHECKING:
    from servicedesk.types import AnyUser


def export_list(*, user: AnyUser) -> QuerySet[ExportJob]:
    return (
        scope_for(user)
        .filter(ExportJob.objects.select_related("point", "requested_by"), "point")
        .order_by("-date_from", "point__code", "-id")
    )
