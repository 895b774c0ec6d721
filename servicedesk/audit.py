"""Audit events: one function per event, called from services only (STYLE 8).

The audit log is append-only (see ``AuditLog``); supervisors read it, nobody edits it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from servicedesk.models import AuditLog, ServicePoint

#: Every action written here, with the words the audit log page shows for it.
ACTION_LABELS = {
    "auth.login": _("Logged in"),
    "auth.login_failed": _("Failed login"),
    "point.settings_changed": _("Point settings changed"),
    "pii.phone_revealed": _("Full phone number shown"),
    "customer.data_exported": _("Customer's personal data exported"),
    "customer.erased": _("Customer's personal data erased"),
    "export.written": _("Export written"),
    "export.downloaded": _("Export downloaded"),
    "export.callback_report": _("Callback report downloaded"),
    "ticket.warranty_overridden": _("Warranty decision overridden"),
    "device.history_shown": _("Device history shown from other points"),
    "complaint.compensation_decided": _("Compensation decided"),
    "complaint.reassigned": _("Complaint transferred"),
    "money.refunded": _("Money refunded"),
}


def _write(
    *,
    actor,
    action: str,
    point: ServicePoint | None = None,
    obj: Any = None,
    summary: str = "",
    detail: dict | None = None,
    ip_address: str | None = None,
) -> AuditLog:
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        point=point,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:255],
        detail=detail or {},
        ip_address=ip_address,
    )


def audit_point_settings_changed(*, actor, point: ServicePoint, changes: dict) -> AuditLog:
    return _write(
        actor=actor,
        action="point.settings_changed",
        point=point,
        obj=point,
        summary=", ".join(sorted(changes)),
        detail={"changes": changes},
    )


def audit_login(*, user, ip_address: str | None) -> AuditLog:
    profile = getattr(user, "staff_profile", None)
    return _write(
        actor=user,
        action="auth.login",
        point=getattr(profile, "point", None),
        ip_address=ip_address,
    )


def audit_login_failed(*, username: str, ip_address: str | None) -> AuditLog:
    return _write(
        actor=None,
        action="auth.login_failed",
        summary=username,
        ip_address=ip_address,
    )


def audit_callback_report_downloaded(*, actor, report) -> AuditLog:
    return _write(
        actor=actor,
        action="export.callback_report",
        point=report.point,
        obj=report,
        summary=f"{report.month:%Y-%m}",
        detail={"month": report.month.isoformat()},
    )


def _export_detail(job) -> dict:
    return {
        "kind": job.kind,
        "from": job.date_from.isoformat(),
        "to": job.date_to.isoformat(),
        "rows": job.rows_total,
    }


def audit_export_written(*, job) -> AuditLog:
    """rules#tenancy: every export is logged (who, when, what range)."""
    return _write(
        actor=job.requested_by,
        action="export.written",
        point=job.point,
        obj=job,
        summary=f"{job.date_from}–{job.date_to} ({job.rows_total})",
        detail=_export_detail(job),
    )


def audit_export_downloaded(*, actor, job) -> AuditLog:
    return _write(
        actor=actor,
        action="export.downloaded",
        point=job.point,
        obj=job,
        summary=f"{job.date_from}–{job.date_to} ({job.rows_total})",
        detail=_export_detail(job),
    )


def audit_warranty_overridden(*, actor, ticket, before: str, reason: str) -> AuditLog:
    """rules#warranty: a supervisor's override of the computed warranty decision."""
    return _write(
        actor=actor,
        action="ticket.warranty_overridden",
        point=ticket.point,
        obj=ticket,
        summary=f"{ticket.number}: {before} → {ticket.warranty_status}",
        detail={"before": before, "after": ticket.warranty_status, "reason": reason},
    )


def audit_customer_phone_revealed(*, actor, customer) -> AuditLog:
    """Personal data shown in full on purpose is logged (who saw whose number, when). The entry
    names the customer by record id only: the audit log keeps no personal data of its own, so
    erasing a customer (``customer_erase``) leaves nothing of theirs behind in it."""
    return _write(actor=actor, action="pii.phone_revealed", point=customer.point, obj=customer)


def audit_slip_phone_revealed(*, actor, slip) -> AuditLog:
    """A message slip's number shown in full (for the callback), by record id only."""
    return _write(actor=actor, action="pii.phone_revealed", point=slip.point, obj=slip)


def audit_compensation_decided(*, actor, offer) -> AuditLog:
    """rules#complaints: approvals (and refusals) of compensation above the offering role's
    limit."""
    return _write(
        actor=actor,
        action="complaint.compensation_decided",
        point=offer.complaint.point,
        obj=offer,
        summary=f"¥{offer.amount} {offer.status}",
        detail={
            "amount": str(offer.amount),
            "status": offer.status,
            "complaint": offer.complaint_id,
        },
    )


def audit_complaint_reassigned(*, actor, complaint, previous_owner_id: int | None) -> AuditLog:
    """rules#complaints: an explicit transfer of a complaint's ownership (首问责任制)."""
    return _write(
        actor=actor,
        action="complaint.reassigned",
        point=complaint.point,
        obj=complaint,
        summary=f"{previous_owner_id} -> {complaint.owner_id}",
        detail={"from": previous_owner_id, "to": complaint.owner_id},
    )


def audit_customer_data_exported(*, actor, customer, counts: dict) -> AuditLog:
    """A data-protection request: everything held on a customer, handed out. The entry names
    the record, never its content."""
    return _write(
        actor=actor,
        action="customer.data_exported",
        point=customer.point,
        obj=customer,
        detail={"counts": counts},
    )


def audit_customer_erased(*, actor, customer, reason: str, counts: dict) -> AuditLog:
    """A data-protection request: a customer's personal data erased (who, when, which record,
    why, how many rows were anonymised), without the erased data."""
    return _write(
        actor=actor,
        action="customer.erased",
        point=customer.point,
        obj=customer,
        summary=reason[:255],
        detail={"reason": reason[:2000], "counts": counts},
    )


# --- reading the log ------------------------------------------------------------------------
#: What each kind of object is called on the audit page, and the page that shows it.
OBJECT_PAGES: dict[str, tuple[Any, str]] = {
    "intake.customer": (_("customer"), "intake:customer_detail"),
    "intake.messageslip": (_("message slip"), ""),
    "repairs.repairticket": (_("repair record"), "repairs:ticket_detail"),
    "complaints.complaint": (_("complaint"), "complaints:detail"),
    "complaints.compensationoffer": (_("compensation offer"), ""),
    "servicedesk.servicepoint": (_("service point"), "servicedesk:point_detail"),
    "reporting.exportjob": (_("export"), "reporting:export_status"),
}
OFFER_STATUS_WORDS = {
    "approved": _("approved"),
    "refused": _("refused"),
    "pending": _("waiting for approval"),
}


def describe(entry: AuditLog, people: dict[int, str] | None = None) -> dict[str, Any]:
    """The words and the link the audit page shows for one entry: the action in words, the object
    by its name with a link to its page, and the summary without codes."""
    from django.urls import NoReverseMatch, reverse

    label, url_name = OBJECT_PAGES.get(entry.object_type, (entry.object_type, ""))
    object_id = entry.object_id
    url = ""
    detail = entry.detail or {}
    if entry.object_type == "complaints.compensationoffer" and detail.get("complaint"):
        label, url_name, object_id = _("complaint"), "complaints:detail", str(detail["complaint"])
    if url_name and object_id.isdigit():
        try:
            url = reverse(url_name, args=[int(object_id)])
        except NoReverseMatch:
            url = ""
    summary = entry.summary
    if entry.action == "complaint.compensation_decided" and "amount" in detail:
        status = OFFER_STATUS_WORDS.get(detail.get("status", ""), detail.get("status", ""))
        summary = f"¥{detail['amount']} {status}"
    elif entry.action == "complaint.reassigned" and people is not None:
        before, after = detail.get("from"), detail.get("to")
        summary = f"{people.get(before, '—') if before else '—'} → {people.get(after or 0, '—')}"
    return {
        "action_label": ACTION_LABELS.get(entry.action, entry.action),
        "object_label": f"{label} #{object_id}" if object_id else "",
        "object_url": url,
        "summary": summary,
    }


def audit_device_history_shown(
    *,
    actor,
    point: ServicePoint,
    purpose: str,
    device_key: str,
    shown: list[tuple[str, int]],
    obj: Any = None,
) -> AuditLog:
    """Nationwide warranty: a lookup that showed another point's records of a device (who, at
    which point, from which screen, which device, which points' records). The device is named
    by a keyed digest of its IMEI or serial number and by the record ids shown, never by the
    identifier itself."""
    codes = sorted({code for code, _row in shown})
    return _write(
        actor=actor,
        action="device.history_shown",
        point=point,
        obj=obj,
        summary=", ".join(codes),
        detail={
            "purpose": purpose,
            "device": device_key,
            "points": codes,
            "tickets": sorted(row for _code, row in shown),
        },
    )


def audit_money_refunded(*, actor, ticket, entry) -> AuditLog:
    """rules#payment: every refund, with its amount, method and reason."""
    return _write(
        actor=actor,
        action="money.refunded",
        point=ticket.point,
        obj=ticket,
        summary=f"{ticket.number}: ¥{entry.amount} {entry.method.name}",
        detail={"amount": str(entry.amount), "method": entry.method.code, "reason": entry.reason},
    )
