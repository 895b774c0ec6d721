"""Who may do what: role checks for views, on top of the tenant scope of ``tenancy``."""

from __future__ import annotations

from collections.abc import Iterable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from servicedesk.models import Role
from servicedesk.tenancy import user_role


def has_role(user, roles: Iterable[str]) -> bool:
    role = user_role(user)
    return role is not None and (role in roles or role == Role.ADMIN)


def role_required(*roles: str):
    """View decorator: logged in, and one of ``roles`` (administrators always pass)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = frozenset(roles) | {Role.ADMIN}
        return wrapped

    return decorator


def check_role(user, roles: Iterable[str]) -> None:
    """Inside an object view, after the scoped lookup: so that another point's object is a 404
    for everybody, and only then a 403 for a role that may not use this page."""
    if not has_role(user, roles):
        raise PermissionDenied


def allow_read_only_roles(view):
    """Mark a POST view that read-only roles may use (it changes no tenant data: e.g. an export
    request or a language switch)."""
    view.allow_read_only = True
    return view


class RoleRequiredMixin(LoginRequiredMixin):
    allowed_roles: Iterable[str] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_role(request.user, self.allowed_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
