"""Reads of the reporting layer, scoped to the user's points."""

from __future__ import annotations

from django.db.models import QuerySet

from reporting.models import ExportJob
from servicedesk.tenancy import scope_for


def export_list(*, user) -> QuerySet[ExportJob]:
    return (
        scope_for(user)
        .filter(ExportJob.objects.select_related("point", "requested_by"), "point")
        .order_by("-date_from", "point__code", "-id")
    )
