"""What reporting adds to the shared core's pages through typed events (subscribed in
``ReportingConfig.ready``): its exports in words on the audit log page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import ngettext

from reporting.models import ExportKind
from servicedesk import events

if TYPE_CHECKING:
    from servicedesk.models import AuditLog


def subscribe() -> None:
    events.on_audit_words.subscribe(audit_words)


def audit_words(*, entry: AuditLog) -> str | None:
    """An export written or downloaded: its kind, its dates and its size in words."""
    if entry.action not in ("export.written", "export.downloaded"):
        return None
    detail = entry.detail or {}
    kind = detail.get("kind", "")
    rows = detail.get("rows")
    parts = [
        str(dict(ExportKind.choices).get(kind, kind)),
        f"{detail.get('from', '')} – {detail.get('to', '')}",
    ]
    if isinstance(rows, int):
        parts.append(ngettext("%(count)d row", "%(count)d rows", rows) % {"count": rows})
    return " · ".join(part for part in parts if part.strip(" –"))
