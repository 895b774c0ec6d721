"""A supervisor merges two records of one customer (rules#customers: one record per customer
at a point). Every row of the duplicate moves to the kept record: intake's own here, the other
apps' through ``app_events.customer_merged``; the kept record takes what the duplicate knew;
the duplicate is deleted; one audit row says who merged which records and how many rows moved."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from intake import app_events
from intake.customer_duplicates import merged_fields
from intake.models import Customer, Device, MessageSlip, Visit
from intake.services.privacy import may_handle_requests
from servicedesk.audit import audit_customers_merged

if TYPE_CHECKING:
    from servicedesk.types import Actor


@transaction.atomic
def customer_merge(*, kept: Customer, duplicate: Customer, actor: Actor) -> dict[str, int]:
    """Merge ``duplicate`` into ``kept`` (both of one point, neither erased); returns how many
    rows of each kind moved. Only the point's supervisor or service manager may."""
    if not (may_handle_requests(actor, kept) and may_handle_requests(actor, duplicate)):
        raise PermissionDenied(_("Only the point's supervisor or service manager may do this."))
    if kept.pk == duplicate.pk or kept.point_id != duplicate.point_id:
        raise ValidationError(_("Pick another record of this customer at this point."))
    # Both rows locked, in one order, so two merges of the same pair cannot cross.
    locked = {
        c.pk: c
        for c in Customer.objects.select_for_update()
        .filter(pk__in=[kept.pk, duplicate.pk])
        .order_by("pk")
    }
    if len(locked) != 2:
        raise ValidationError(_("This record has just been merged or removed. Reload the page."))
    kept, duplicate = locked[kept.pk], locked[duplicate.pk]
    if kept.erased_at or duplicate.erased_at:
        raise ValidationError(_("A record whose personal data was erased cannot be merged."))

    counts = {
        "devices": Device.objects.filter(customer=duplicate).update(customer=kept),
        "visits": Visit.objects.filter(customer=duplicate).update(customer=kept),
        "message_slips": MessageSlip.objects.filter(customer=duplicate).update(customer=kept),
    }
    counts.update(app_events.customer_merged(kept=kept, duplicate=duplicate))
    _check_nothing_left(duplicate)

    changes = merged_fields(kept, duplicate)
    for field, value in changes.items():
        setattr(kept, field, value)
    duplicate_id = duplicate.pk
    duplicate.delete()
    if changes:
        # The duplicate's number may become the alternative contact: saved after its row is gone.
        kept.save(update_fields=list(changes))
    audit_customers_merged(
        actor=actor, kept=kept, duplicate_id=duplicate_id, counts=counts, fields=sorted(changes)
    )
    return counts


def _check_nothing_left(duplicate: Customer) -> None:
    """Every table pointing at customers must have moved its rows (a new one without a hook
    handler would otherwise block the merge with a database error, or lose the link)."""
    for relation in Customer._meta.related_objects:
        rows = relation.related_model._default_manager.filter(**{relation.field.name: duplicate})
        if rows.exists():
            raise RuntimeError(
                f"{relation.related_model._meta.label} has rows of customer {duplicate.pk} that "
                "no CUSTOMER_MERGED handler moved"
            )
