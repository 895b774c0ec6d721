"""Audit events: one function per event, called from services only (STYLE 8).

The audit log is append-only (see ``AuditLog``); supervisors read it, nobody edits it.
"""

from __future__ import annotations

import ast
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from servicedesk import events
from servicedesk.models import AuditLog, ServicePoint

#: Every action written here, with the words the audit log page shows for it.
ACTION_LABELS = {
    "auth.login": _("Logged in"),
    "auth.login_failed": _("Failed login"),
    "point.settings_changed": _("Point settings changed"),
    "pii.phone_revealed": _("Full phone number shown"),
    "customer.data_exported": _("Customer's personal data exported"),
    "customer.erased": _("Customer's personal data erased"),
    "customer.merged": _("Customer records merged"),
    "export.written": _("Export written"),
    "export.downloaded": _("Export downloaded"),
    "export.callback_report": _("Callback report downloaded"),
    "ticket.warranty_overridden": _("Warranty decision overridden"),
    "device.history_shown": _("Device history shown from other points"),
    "complaint.compensation_decided": _("Compensation decided"),
    "complaint.reassigned": _("Complaint transferred"),
    "money.refunded": _("Money refunded"),
    "stock.received": _("Parts delivery received"),
    "stock.adjusted": _("Parts stock counted or adjusted"),
    "returns.batch_created": _("Return batch made"),
    "returns.batch_moved": _("Return batch packed, shipped or received"),
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
        # The settings version this change made: a stale form finds what changed since its own.
        detail={"changes": changes, "version": point.settings_version},
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


def audit_customers_merged(
    *, actor, kept, duplicate_id: int, counts: dict, fields: list[str]
) -> AuditLog:
    """Two records of one customer merged (who, when, which record went into which, how many
    rows moved, which fields the kept record took), without the personal data."""
    return _write(
        actor=actor,
        action="customer.merged",
        point=kept.point,
        obj=kept,
        summary=f"#{duplicate_id} → #{kept.pk}",
        detail={"duplicate": duplicate_id, "kept": kept.pk, "counts": counts, "fields": fields},
    )


# --- reading the log ------------------------------------------------------------------------
#: What each kind of object is called on the audit page, and the page that shows it.
OBJECT_PAGES: dict[str, tuple[Any, str]] = {
    "intake.customer": (_("customer"), "intake:customer_detail"),
    "intake.device": (_("device"), "repairs:device_detail"),
    "intake.messageslip": (_("message slip"), ""),
    "repairs.repairticket": (_("repair record"), "repairs:ticket_detail"),
    "complaints.complaint": (_("complaint"), "complaints:detail"),
    "complaints.compensationoffer": (_("compensation offer"), ""),
    "servicedesk.servicepoint": (_("service point"), "servicedesk:point_detail"),
    "reporting.exportjob": (_("export"), "reporting:export_status"),
}
#: Where a device's history across points was looked up (``tenancy.CROSS_POINT_PURPOSES``).
LOOKUP_PLACES = {
    "intake_preview": _("while filling in the intake form"),
    "ticket_open": _("when the repair record was opened"),
    "device_page": _("on the device page"),
    "ticket_page": _("on the repair record page"),
}
#: A stock adjustment's kind in words (``stock.adjusted``; the parts stock form's choices).
STOCK_ADJUST_WORDS = {
    "count": _("stock counted"),
    "defective": _("set aside as defective"),
    "defective_out": _("defective parts sent back or scrapped"),
    "level": _("reorder level set"),
}
#: Audit rows keep the model label they were written with; a model that moved to another app
#: is still found under its old label.
MOVED_MODELS: dict[str, str] = {
    "repairs.part": "parts.part",
    "repairs.partline": "parts.partline",
    "repairs.partstock": "parts.partstock",
    "repairs.stockmovement": "parts.stockmovement",
    "repairs.defectivedevice": "parts.defectivedevice",
    "repairs.returnbatch": "parts.returnbatch",
    "repairs.defectivepart": "parts.defectivepart",
    "repairs.payment": "counter.payment",
    "repairs.paymentmethod": "counter.paymentmethod",
    "repairs.moneyentry": "counter.moneyentry",
    "repairs.cashup": "counter.cashup",
}
#: A compensation decision in words, with its amount: 批准 ¥30.00.
OFFER_DECISION_WORDS = {
    "approved": _("Approved %(amount)s"),
    "refused": _("Refused %(amount)s"),
    "pending": _("Waiting for approval: %(amount)s"),
}


def describe(
    entry: AuditLog,
    people: dict[int, str] | None = None,
    logins: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The words and the link the audit page shows for one entry: the action in words, the object
    by its name with a link to its page, and the summary without codes. ``people`` names staff by
    account id and ``logins`` by login name (a failed login is shown by the person it tried)."""
    from django.urls import NoReverseMatch, reverse

    label, url_name = OBJECT_PAGES.get(entry.object_type, (None, ""))
    if label is None:
        model = _model(entry.object_type)
        label = model._meta.verbose_name if model else _("record")
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
    return {
        "action_label": ACTION_LABELS.get(entry.action, entry.action),
        "object_label": f"{label} #{object_id}" if object_id else "",
        "object_url": url,
        "summary": _summary(entry, detail, people or {}, logins or {}),
    }


def _summary(entry: AuditLog, detail: dict, people: dict[int, str], logins: dict[str, str]) -> str:
    """The entry's summary in words: codes, field names and login names become what the staff
    call them. The domain apps word their own actions (``events.audit_words``)."""
    action = entry.action
    if action == "complaint.compensation_decided" and "amount" in detail:
        status = detail.get("status", "")
        amount = f"¥{detail['amount']}"
        words = OFFER_DECISION_WORDS.get(status)
        return str(words % {"amount": amount}) if words else f"{amount} {status}"
    if action == "complaint.reassigned":
        before, after = detail.get("from"), detail.get("to")
        return f"{people.get(before, '—') if before else '—'} → {people.get(after or 0, '—')}"
    if action == "auth.login_failed":
        # What was typed at the login form: the person when it is someone's login name.
        return logins.get(entry.summary, entry.summary)
    if action == "point.settings_changed" and isinstance(detail.get("changes"), dict):
        return "; ".join(
            _setting_change(name, change)
            for name, change in sorted(detail["changes"].items())
            if isinstance(change, list) and len(change) == 2
        )
    if action == "device.history_shown" and detail.get("purpose") in LOOKUP_PLACES:
        return f"{LOOKUP_PLACES[detail['purpose']]} · {entry.summary}"
    if action == "returns.batch_moved" and {"batch", "from", "to"} <= detail.keys():
        states = _status_words(entry.object_type)
        before, after = str(detail["from"]), str(detail["to"])
        return f"{detail['batch']}: {states.get(before, before)} → {states.get(after, after)}"
    if action == "returns.batch_created" and {"batch", "pieces", "devices"} <= detail.keys():
        return _("%(batch)s: %(pieces)s defective parts, %(devices)s devices") % {
            "batch": detail["batch"],
            "pieces": detail["pieces"],
            "devices": detail["devices"],
        }
    if action == "stock.adjusted" and detail.get("kind") in STOCK_ADJUST_WORDS:
        return f"{detail.get('part', '')}: {STOCK_ADJUST_WORDS[detail['kind']]}"
    summary = events.audit_words(entry=entry)
    return entry.summary if summary is None else summary


def _model(object_type: str) -> type[models.Model] | None:
    """The model an audit row names (``app_label.modelname``), if it still exists."""
    try:
        return apps.get_model(MOVED_MODELS.get(object_type, object_type))
    except (LookupError, ValueError):
        return None


def _status_words(object_type: str) -> dict[str, str]:
    """The words of the named model's ``status`` choices: ``shipped`` → 已发出."""
    model = _model(object_type)
    try:
        field = model._meta.get_field("status") if model else None
    except FieldDoesNotExist:
        field = None
    if not isinstance(field, models.Field):
        return {}
    return {str(code): str(words) for code, words in field.flatchoices}


def _setting_change(name: str, change: list) -> str:
    """``回访抽样比例：30% → 50%``: a point setting by its name, its values as the form shows
    them."""
    try:
        field = ServicePoint._meta.get_field(name)
    except FieldDoesNotExist:
        return f"{name}: {change[0]} → {change[1]}"
    before, after = (_setting_value(field, str(value)) for value in change)
    return f"{capfirst(getattr(field, 'verbose_name', name))}: {before} → {after}"


def _setting_value(field: Any, text: str) -> str:
    if field.choices:
        return str(dict(field.flatchoices).get(text, text))
    if field.get_internal_type() == "BooleanField":
        return str({"True": _("Yes"), "False": _("No")}.get(text, text))
    if field.name == "callback_sample_rate":
        try:
            return f"{(Decimal(text) * 100).quantize(Decimal('1'))}%"
        except InvalidOperation:
            return text
    if field.name == "calling_hours":
        try:
            windows = ast.literal_eval(text)
            return ", ".join(f"{start}-{end}" for start, end in windows)
        except (ValueError, SyntaxError, TypeError, RecursionError):
            return text
    return text


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


def audit_stock_received(*, actor, point: ServicePoint, part, quantity: int) -> AuditLog:
    """rules#parts: every delivery into a point's stock."""
    return _write(
        actor=actor,
        action="stock.received",
        point=point,
        obj=part,
        summary=f"{part.code} +{quantity}",
        detail={"part": part.code, "quantity": quantity},
    )


def audit_return_batch_created(*, actor, batch, pieces: int, devices: int) -> AuditLog:
    """rules#parts (旧件返还): a return batch made from the pieces waiting at the point."""
    return _write(
        actor=actor,
        action="returns.batch_created",
        point=batch.point,
        obj=batch,
        summary=f"{batch.number}: {pieces} + {devices}",
        detail={"batch": batch.number, "pieces": pieces, "devices": devices},
    )


def audit_return_batch_moved(*, actor, batch, action: str, before: str, note: str) -> AuditLog:
    """rules#parts (旧件返还): a return batch packed, shipped (carrier and tracking) or received."""
    return _write(
        actor=actor,
        action="returns.batch_moved",
        point=batch.point,
        obj=batch,
        summary=f"{batch.number}: {before} → {batch.status}",
        detail={
            "batch": batch.number,
            "action": action,
            "from": before,
            "to": batch.status,
            "note": note,
        },
    )


def audit_stock_adjusted(
    *, actor, point: ServicePoint, part, kind: str, before: dict, after: dict, reason: str
) -> AuditLog:
    """rules#parts: a count, a defective part set aside or sent back, a new reorder level."""
    return _write(
        actor=actor,
        action="stock.adjusted",
        point=point,
        obj=part,
        summary=f"{part.code}: {kind}",
        detail={
            "part": part.code,
            "kind": kind,
            "before": before,
            "after": after,
            "reason": reason,
        },
    )
