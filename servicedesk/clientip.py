"""The client's address, one rule for every use (login lockout, rate limits, audit rows).

`TRUSTED_PROXY_COUNT` is the number of reverse proxies in front of the app that each append the
address they saw to `X-Forwarded-For` (nginx's `proxy_add_x_forwarded_for`). With 0 the header
is ignored and `REMOTE_ADDR` is the client; with N the client is the N-th entry from the right,
so whatever a caller writes into the header itself (the entries further left) is never trusted.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies <= 0:
        return remote
    # django-ipware counts the proxies listed after the client in the header; the nearest proxy
    # is REMOTE_ADDR and not listed, hence N - 1. Non-strict: a longer chain (a caller's own
    # header in front) still yields the entry our proxies appended.
    ip, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return ip or remote


def ratelimit_key(group: str, request: HttpRequest) -> str:
    """django-ratelimit key: the client address by the rule above."""
    return client_ip(request) or ""
