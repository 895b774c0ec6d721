"""The one mechanism that scopes tenant data to the user's service points.

Every model holding a point's data derives from ``TenantModel`` (or declares ``tenant_field`` and
uses ``TenantQuerySet``). Views read through ``scoped(model, user)`` or fetch one object with
``get_scoped_or_404(model, user, pk=…)``: another point's object is then simply not found (404),
for lists, detail pages, actions and exports alike. Regional-center staff see every point of their
region, read-only; administrators see everything; a user without a profile sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

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
