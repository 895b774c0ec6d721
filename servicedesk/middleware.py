"""Request-wide guards: the staff profile on the request, session timeouts, read-only roles."""

from __future__ import annotations

import contextlib
import logging
import time
import zoneinfo
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.log import log_response
from django.utils.translation import gettext as _
from django.views.defaults import permission_denied

from servicedesk.errors import ActionRefused
from servicedesk.tenancy import get_profile

if TYPE_CHECKING:
    from servicedesk.models import ServicePoint

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
logger = logging.getLogger(__name__)
LOGIN_AT_KEY = "servicedesk_login_at"
SEEN_AT_KEY = "servicedesk_seen_at"
# Write the idle clock to the session at most this often, not on every request.
SEEN_RESOLUTION_SECONDS = 60


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user picked another language with the footer's switch (the
    language cookie). The browser's Accept-Language is not consulted: desk PCs often run an
    English system, and the staff know the screens by their Chinese terms."""

    def process_request(self, request):
        language = settings.LANGUAGE_CODE
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen:
            with contextlib.suppress(LookupError):
                language = translation.get_supported_language_variant(chosen)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class StaffProfileMiddleware:
    """``request.staff``: the user's StaffProfile, or None; and times shown in the time zone of
    the user's service point (others see the settings' TIME_ZONE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.staff = get_profile(request.user)
        zone = point_time_zone(request)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def point_zone_activate(point: ServicePoint) -> None:
    """A page about one point's record shows (and reads typed) times in that point's zone,
    whoever looks: a regional center, an administrator or a manager of several points has no
    zone of their own that fits every record. Lasts until the end of the request (the middleware
    above deactivates it). Lists of several points' rows switch per row in the template
    (``{% timezone row.point.zone %}``)."""
    timezone.activate(point.zone)


def point_time_zone(request) -> zoneinfo.ZoneInfo | None:
    """The time zone of the user's service point, or None (no point, or an unknown name)."""
    profile = request.staff
    if profile is None or profile.point_id is None:
        return None
    try:
        return zoneinfo.ZoneInfo(profile.point.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class SessionTimeoutMiddleware:
    """Idle and absolute session timeouts (PITFALLS: logins at a service point)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            login_at = request.session.get(LOGIN_AT_KEY)
            seen_at = request.session.get(SEEN_AT_KEY)
            if login_at is None:
                request.session[LOGIN_AT_KEY] = login_at = now
            expired = now - login_at > settings.SESSION_COOKIE_AGE or (
                seen_at is not None and now - seen_at > settings.SESSION_IDLE_SECONDS
            )
            if expired:
                logout(request)
                messages.info(request, _("Your session has expired. Please log in again."))
                return redirect_to_login(request.get_full_path())
            if seen_at is None or now - seen_at > SEEN_RESOLUTION_SECONDS:
                request.session[SEEN_AT_KEY] = now
        return self.get_response(request)


class ReadOnlyRoleMiddleware:
    """Read-only roles (the regional center) can never change data, whatever view they reach."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS:
            return None
        if getattr(view_func, "allow_read_only", False):
            return None
        profile = request.staff
        if profile is not None and profile.is_read_only:
            # An expected refusal, not a fault: the 403 page and one log line, no traceback.
            refusal = PermissionDenied(_("Your role can view but not change data."))
            response = permission_denied(request, refusal)
            log_response(
                "Read-only role refused: %s %s (user %s)",
                request.method,
                request.path,
                _user_id(request),
                response=response,
                request=request,
            )
            return response
        return None


class RefusedActionMiddleware:
    """The one place where a refused action becomes what the user sees. A service that refuses a
    move (wrong state, a role that may not make this step, a stale form) raises ``ActionRefused``;
    unless the view shows it on its form (``servicedesk.forms.apply_errors``, so nothing typed
    is lost), the user goes back to the page they came from with the reason as a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # A refusal is an expected answer, not a fault: one log line each, never a traceback.
        if isinstance(exception, PermissionDenied):
            response = permission_denied(request, exception)
            log_response(
                "Refused by role: %s %s (user %s)",
                request.method,
                request.path,
                _user_id(request),
                response=response,
                request=request,
            )
            return response
        if not isinstance(exception, ActionRefused):
            return None
        logger.info(
            "Action refused: %s %s (user %s): %s",
            request.method,
            request.path,
            _user_id(request),
            type(exception).__name__,
        )
        messages.error(request, str(exception) or _("This is not possible at the moment."))
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = request.path if request.method in SAFE_METHODS else "/"
        return redirect(back)


def _user_id(request: HttpRequest) -> int | None:
    """Who made the request, for the log line (a request may come before authentication)."""
    return getattr(getattr(request, "user", None), "pk", None)
