"""Who may do what: role checks for views, on top of the tenant scope of ``tenancy``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _

from servicedesk.models import Role
from servicedesk.tenancy import get_profile, scope_for, user_role

if TYPE_CHECKING:
    from servicedesk.models import ServicePoint
    from servicedesk.types import Actor, AnyUser

_View = TypeVar("_View", bound=Callable[..., HttpResponseBase])


def has_role(user: AnyUser | None, roles: Iterable[str]) -> bool:
    role = user_role(user)
    return role is not None and (role in roles or role == Role.ADMIN)


def role_required(
    *roles: str,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """View decorator: logged in, and one of ``roles`` (administrators always pass)."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not has_role(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = frozenset(roles) | {Role.ADMIN}  # type: ignore[attr-defined]
        return wrapped

    return decorator


def check_role(user: AnyUser | None, roles: Iterable[str]) -> None:
    """Inside an object view, after the scoped lookup: so that another point's object is a 404
    for everybody, and only then a 403 for a role that may not use this page."""
    if not has_role(user, roles):
        raise PermissionDenied


def allow_read_only_roles(view: _View) -> _View:
    """Mark a POST view that read-only roles may use (it changes no tenant data: e.g. an export
    request or a language switch)."""
    view.allow_read_only = True  # type: ignore[attr-defined]
    return view


class RoleRequiredMixin(LoginRequiredMixin):
    allowed_roles: Iterable[str] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_role(request.user, self.allowed_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def require_point_role(actor: AnyUser | None, point: ServicePoint, roles: Iterable[str]) -> None:
    """For services: the actor has one of ``roles``, may write, and works at ``point``."""
    scope = scope_for(actor)
    if not has_role(actor, roles) or scope.read_only or not scope.allows(point.pk):
        raise PermissionDenied


def require_valid_certificate(actor: AnyUser | None) -> None:
    """rules#tenancy (持证上岗): receiving devices needs a valid certificate at the front desk."""
    profile = get_profile(actor)
    if profile is not None and profile.role == Role.FRONT_DESK and not profile.certificate_valid:
        raise PermissionDenied(
            _("Your qualification certificate has expired: you cannot take new work.")
        )


def request_actor(request: HttpRequest) -> Actor:
    """The staff account of a request that passed ``login_required`` or ``role_required``: the
    actor the view hands to a service (typed, so the type checker follows it)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user
