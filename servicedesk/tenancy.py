"""The one mechanism that scopes tenant data to the user's service points.

Every model holding a point's data derives from ``TenantModel`` (or declares ``tenant_field`` and
uses ``TenantQuerySet``). Views read through ``scoped(model, user)`` or fetch one object with
``get_scoped_or_404(model, user, pk=…)``: another point's object is then simply not found (404),
for lists, detail pages, actions and exports alike. Regional-center staff see every point of their
region, read-only; administrators see everything; a user without a profile sees nothing.

The one exception is the device's nationwide history (``cross_point_lookup`` below): facts about
one device that the point has in hand, from every point, audited and rate-limited.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from servicedesk.audit import audit_device_history_shown
from servicedesk.models import Role, ServicePoint, StaffProfile

if TYPE_CHECKING:
    from servicedesk.types import AnyUser

_M = TypeVar("_M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    """Which points a user may see, and whether they may change anything there."""

    all_points: bool
    point_ids: frozenset[int]
    read_only: bool

    def filter(self, queryset: models.QuerySet[_M], field: str = "point") -> models.QuerySet[_M]:
        if self.all_points:
            return queryset
        if not self.point_ids:
            return queryset.none()
        if len(self.point_ids) == 1:
            (only,) = self.point_ids
            return queryset.filter(**{f"{field}_id": only})
        return queryset.filter(**{f"{field}__in": sorted(self.point_ids)})

    def allows(self, point_id: int | None) -> bool:
        return self.all_points or (point_id is not None and point_id in self.point_ids)

    @property
    def several_points(self) -> bool:
        """Lists then say which point each row is at (and show its times in that point's zone)."""
        return self.all_points or len(self.point_ids) > 1


NO_SCOPE = Scope(all_points=False, point_ids=frozenset(), read_only=True)


def get_profile(user: AnyUser | None) -> StaffProfile | None:
    """The user's staff profile, or None (anonymous, or an account not assigned to anything)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not user.is_active:
        return None
    try:
        return user.staff_profile
    except StaffProfile.DoesNotExist:
        return None


def user_role(user: AnyUser | None) -> str | None:
    profile = get_profile(user)
    if profile is not None:
        return profile.role
    if (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_superuser
    ):
        return Role.ADMIN
    return None


def scope_for(user: AnyUser | None) -> Scope:
    """Compute (once per request object) the points this user may see."""
    cached: Scope | None = getattr(user, "_servicedesk_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    if user is not None and getattr(user, "is_authenticated", False):
        user._servicedesk_scope = scope  # type: ignore[union-attr]
    return scope


def _compute_scope(user: AnyUser | None) -> Scope:
    role = user_role(user)
    if role is None:
        return NO_SCOPE
    if role == Role.ADMIN:
        return Scope(all_points=True, point_ids=frozenset(), read_only=False)
    profile = get_profile(user)
    if profile is None:  # every role but the administrator's comes from a profile
        return NO_SCOPE
    if role == Role.REGIONAL_CENTER:
        if profile.region_id is None:
            return NO_SCOPE
        region_points = ServicePoint.objects.filter(region_id=profile.region_id)
        return Scope(
            all_points=False,
            point_ids=frozenset(region_points.values_list("id", flat=True)),
            read_only=True,
        )
    ids: set[int | None] = {profile.point_id}
    if role == Role.SERVICE_MANAGER:
        ids |= set(profile.managed_points.values_list("id", flat=True))
    point_ids = frozenset(i for i in ids if i is not None)
    return Scope(all_points=False, point_ids=point_ids, read_only=False)


class TenantQuerySet(models.QuerySet[_M]):
    def for_user(self, user: AnyUser | None) -> models.QuerySet[_M]:
        return scope_for(user).filter(self, getattr(self.model, "tenant_field", "point"))


class TenantModel(models.Model):
    """Abstract base of every model that belongs to one service point."""

    point = models.ForeignKey(
        ServicePoint, on_delete=models.PROTECT, related_name="+", verbose_name=_("service point")
    )

    tenant_field = "point"
    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


def scoped(
    model_or_queryset: type[_M] | models.QuerySet[_M], user: AnyUser | None
) -> models.QuerySet[_M]:
    """All rows of a tenant model (or a narrower queryset of one) that ``user`` may see."""
    queryset = (
        model_or_queryset
        if isinstance(model_or_queryset, models.QuerySet)
        else model_or_queryset._default_manager.all()
    )
    if queryset.model is ServicePoint:
        return _points(queryset, user)
    field = getattr(queryset.model, "tenant_field", None)
    if field is None:
        raise TypeError(f"{queryset.model.__name__} is not a tenant model: declare tenant_field.")
    return scope_for(user).filter(queryset, field)


def _points(queryset: models.QuerySet[_M], user: AnyUser | None) -> models.QuerySet[_M]:
    scope = scope_for(user)
    if scope.all_points:
        return queryset
    return queryset.filter(pk__in=sorted(scope.point_ids))


def get_scoped_or_404(
    model_or_queryset: type[_M] | models.QuerySet[_M], user: AnyUser | None, **lookup: Any
) -> _M:
    """One object the user may see, or 404 (never 403: another point's ids are not disclosed)."""
    queryset = scoped(model_or_queryset, user)
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# --- Cross-point device facts -------------------------------------------------------------
#
# Nationwide warranty (全国联保): a device may be repaired at any point, and the repeat-repair and
# exchange rules count its repairs at every point. This is the one read of tenant rows that
# crosses the point scope. It is narrow on purpose: it is opened for one device that the user's
# own point has in hand (typed or scanned at its desk, or on a page of its own device or
# ticket), from the few places listed below, a bounded number of times per hour, and every
# lookup that shows another point's records is written to the audit log. What it may return
# (facts about the device, never its customer) is the selector's contract:
# ``repairs.selectors.device_facts_across_points``. No other query bypasses the point scope.

#: Where a cross-point lookup may be made, and whether the limit may refuse it there. Each counts
#: the device against the user's hourly limit, saving the intake form too (opening a ticket
#: looks like a preview does). Only saving the intake form is never refused: it opens a ticket,
#: itself a record of who did what, and the rules it applies must never be cut short by the
#: limit. Each is a POST (CSRF-checked): the intake preview, the device page's and the ticket
#: page's reveal, the intake itself; a GET never opens a lookup, so a link never looks (nor
#: writes an audit row) in a user's name.
CROSS_POINT_PURPOSES: dict[str, bool] = {
    "intake_preview": True,
    "device_page": True,
    "ticket_page": True,
    "ticket_open": False,
}


_UNCOUNTABLE = _(
    "The limit of device histories cannot be checked right now: only this point's records are"
    " shown. Show the history again from the ticket once the service is back."
)


class CrossPointRefused(Exception):
    """A cross-point lookup refused: the user holds no such point, or has looked up too many
    devices this hour (``settings.CROSS_POINT_LOOKUPS_PER_HOUR``)."""


def device_key(identity: str) -> str:
    """A keyed digest of an IMEI or serial number: what the rate limit and the audit log keep
    instead of the identifier itself (the audit log holds no personal data of its own; the
    digest of a known IMEI finds its lookups)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), identity.encode(), hashlib.sha256)
    return digest.hexdigest()[:20]


@dataclass(frozen=True)
class CrossPointLookup:
    """One granted lookup: unscoped reads of one device's rows, and the audit of what was shown."""

    user: AnyUser
    point: ServicePoint
    purpose: str
    key: str
    scope: Scope

    def rows(self, model: type[_M]) -> models.QuerySet[_M]:
        """Every point's rows of ``model``: the caller filters them to the one device."""
        return model._default_manager.all()

    def shows_own(self, point_id: int) -> bool:
        return self.scope.allows(point_id)

    def record(self, *, shown: list[tuple[int, str, int]], obj: models.Model | None = None) -> None:
        """Audit the lookup when it showed another point's records: ``shown`` holds
        (point id, point code, record id) of every record shown."""
        foreign = [(code, row) for point_id, code, row in shown if not self.scope.allows(point_id)]
        if not foreign:
            return
        audit_device_history_shown(
            actor=self.user,
            point=self.point,
            purpose=self.purpose,
            device_key=self.key,
            obj=obj,
            shown=foreign,
        )


def cross_point_lookup(
    *, user: AnyUser | None, point: ServicePoint, purpose: str, identity: str
) -> CrossPointLookup:
    """Open a cross-point lookup of the device ``identity`` (IMEI or serial number) that
    ``point`` has in hand. Refused unless the user may see ``point`` (its staff, its manager,
    its region's center); rate-limited per user for the screens' lookups."""
    if purpose not in CROSS_POINT_PURPOSES:
        raise ValueError(f"not a place for a cross-point lookup: {purpose}")
    if not identity:
        raise ValueError("a cross-point lookup needs the device's IMEI or serial number")
    scope = scope_for(user)
    if user is None or user_role(user) is None or not scope.allows(point.pk):
        raise CrossPointRefused(_("This device's history is not available to you."))
    key = device_key(identity)
    try:
        _count_lookup(user, key)
    except CrossPointRefused:
        if CROSS_POINT_PURPOSES[purpose]:
            raise
    return CrossPointLookup(user=user, point=point, purpose=purpose, key=key, scope=scope)


def _count_lookup(user: AnyUser, key: str) -> None:
    """Per user and clock hour, count the different devices looked up; the same device again
    (the preview refreshes as the form is filled) does not count. It fails closed: while the
    cache cannot count (Redis down), the lookup is refused, as the public status page's is."""
    bucket = int(time.time() // 3600)
    counter = f"xpoint:{user.pk}:{bucket}"
    seen = f"{counter}:{key}"
    if not cache.add(seen, 1, 3700):
        # Seen this hour already, or the cache cannot be reached (then it answers no key).
        if cache.has_key(seen):
            return
        raise CrossPointRefused(_UNCOUNTABLE)
    cache.add(counter, 0, 3700)
    try:
        count = cache.incr(counter)
    except ValueError:
        # The counter is gone (Redis unreachable, or restarted between the two calls): not
        # counted, so not granted; the device counts afresh on the next try.
        cache.delete(seen)
        raise CrossPointRefused(_UNCOUNTABLE) from None
    if count > settings.CROSS_POINT_LOOKUPS_PER_HOUR:
        cache.delete(seen)
        raise CrossPointRefused(
            _("Too many device histories looked up this hour: only this point's records are shown.")
        )
