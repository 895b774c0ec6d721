"""Customers recorded twice at one point under one phone number, before the (point, phone)
constraint existed: which record is kept and which are merged into it.

Used by the migrations that merge them (intake's own, and one per app that holds rows of a
customer: each re-points its own rows, in the layer order, before intake adds the constraint).
The functions take the migration's historical models, so they never depend on today's code."""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import Count, Min

logger = logging.getLogger("intake.customer_duplicates")


def duplicate_map(customer_model: Any) -> dict[int, int]:
    """{duplicate customer id: kept customer id}. The oldest record of a (point, phone) is kept;
    erased customers (their phone blanked) are never duplicates."""
    groups = (
        customer_model.objects.exclude(phone="")
        .values("point_id", "phone")
        .annotate(kept=Min("pk"), n=Count("pk"))
        .filter(n__gt=1)
    )
    mapping: dict[int, int] = {}
    for group in groups:
        others = (
            customer_model.objects.filter(point_id=group["point_id"], phone=group["phone"])
            .exclude(pk=group["kept"])
            .values_list("pk", flat=True)
        )
        mapping.update(dict.fromkeys(others, group["kept"]))
    return mapping


def repoint(model: Any, mapping: dict[int, int], field: str = "customer") -> int:
    """Move ``model``'s rows of each duplicate to the kept customer; logs and returns how many."""
    moved = 0
    for duplicate, kept in mapping.items():
        count = model.objects.filter(**{f"{field}_id": duplicate}).update(**{f"{field}_id": kept})
        if count:
            logger.warning(
                "customer %s merged into %s: %s %s row(s) moved",
                duplicate,
                kept,
                count,
                model._meta.label,
            )
        moved += count
    return moved


def merged_fields(kept: Any, duplicate: Any) -> dict[str, Any]:
    """What the kept record takes from the one merged into it, so that nothing known of the
    customer is lost: a key-customer mark of either stays (VIP, complained, special attention
    since the earlier day, an enterprise or government type), a second number becomes the
    alternative contact when there is none, and the company and notes are filled or appended."""
    changes: dict[str, Any] = {}
    if duplicate.is_vip and not kept.is_vip:
        changes["is_vip"] = True
    if duplicate.has_complained and not kept.has_complained:
        changes["has_complained"] = True
    if duplicate.special_attention_since and (
        not kept.special_attention_since
        or duplicate.special_attention_since < kept.special_attention_since
    ):
        changes["special_attention_since"] = duplicate.special_attention_since
    if kept.customer_type == "individual" and duplicate.customer_type != "individual":
        changes["customer_type"] = duplicate.customer_type
    if not kept.company and duplicate.company:
        changes["company"] = duplicate.company
    if not kept.alt_phone:
        other = duplicate.phone if duplicate.phone != kept.phone else duplicate.alt_phone
        if other and other != kept.phone:
            changes["alt_phone"] = other
    if duplicate.notes and duplicate.notes not in kept.notes:
        notes = f"{kept.notes}\n{duplicate.notes}".strip()
        changes["notes"] = notes[:2000]
    return changes
