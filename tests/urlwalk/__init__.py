"""Registry for the URL walks (tenant isolation, CSRF, read-only roles: tests/servicedesk/
test_url_walk.py and test_csrf_walk.py).

Each app has a module here with:
- ``PLAIN_URLS``: names of URL patterns that take no object id;
- ``OBJECT_URLS``: {url name: function(objects) -> kwargs}, building the URL's arguments from
  ``objects``, a dict of one service point's objects (another point's, in the tenant walk);
- ``make_foreign(point, objects)``: adds that app's objects of ``point`` to ``objects``;
- ``POSTS``: {url name: function(objects) -> dict}: a POST body that really changes data when
  the right person sends it for their own point (checked by the walk itself), so that "refused
  and nothing changed" proves something; every URL that accepts a POST is listed here;
- ``GET_ONLY``: names of URL patterns that change nothing (pages, lookups, downloads);
- optionally ``ACTORS``: {url name: function(objects) -> user} when the supervisor of the point is
  not the one who may send that POST (e.g. only a slip's addressee logs its callback);
- optionally ``AUDITED_EACH_TIME``: POSTs that, sent twice, write a second audit row on purpose.

A URL pattern that no module lists makes the walk fail, so coverage cannot silently drop.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil

from django.apps import apps
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

SKIPPED_PREFIXES = ("admin/",)  # Django admin: administrators only, and they are global by design
#: POSTs that change a session, a cache counter or nothing stored (login, logout, language,
#: the public status lookup): the CSRF walk covers them, the "really changes data" check not.
SESSION_ONLY = frozenset({"login", "logout", "set_language", "repairs:status_lookup"})
#: Tables left out of the database fingerprint: sessions and login-lockout bookkeeping change on
#: every request by design.
UNTRACKED_APPS = frozenset({"sessions", "axes"})


def modules():
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
    ]


def walk(resolver=None, prefix="", namespace=None):
    """(route, url name, pattern) of every URL pattern outside the admin."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith(SKIPPED_PREFIXES):
                continue
            ns = entry.namespace
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(entry, route, full_ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield route, name, entry


def registry():
    """(plain url names, {object url name: kwargs builder}) of every module."""
    plain, objects = set(), {}
    for module in modules():
        plain |= set(module.PLAIN_URLS)
        objects.update(module.OBJECT_URLS)
    return plain, objects


def posts():
    """{url name: POST body builder} of every module."""
    bodies = {}
    for module in modules():
        bodies.update(module.POSTS)
    return bodies


def get_only():
    names = set()
    for module in modules():
        names |= set(module.GET_ONLY)
    return names


def actors():
    found = {}
    for module in modules():
        found.update(getattr(module, "ACTORS", {}))
    return found


def audited_each_time():
    names = set()
    for module in modules():
        names |= set(getattr(module, "AUDITED_EACH_TIME", ()))
    return names


def module_of(name: str):
    for module in modules():
        if name in module.PLAIN_URLS or name in module.OBJECT_URLS:
            return module
    raise LookupError(name)


def make_objects(point) -> dict:
    """Every module's objects of ``point`` (its supervisor under "supervisor")."""
    from servicedesk.models import Role
    from tests.factories import make_staff

    objects = {"supervisor": make_staff(Role.SUPERVISOR, point=point, region=point.region).user}
    for module in modules():
        module.make_foreign(point, objects)
    return objects


def url_for(name: str, objects: dict) -> str:
    from django.urls import reverse

    _plain, object_urls = registry()
    return (
        reverse(name, kwargs=object_urls[name](objects)) if name in object_urls else reverse(name)
    )


def local_input(days: int = 1, hour: int = 10) -> str:
    """A future local time inside the default calling hours, as a datetime-local input sends it."""
    moment = timezone.localtime() + dt.timedelta(days=days)
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def db_state() -> dict[str, object]:
    """A fingerprint of every stored row (sessions and login lockouts aside), to prove that a
    refused request changed nothing. One query on PostgreSQL."""
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.app_label not in UNTRACKED_APPS
    ]
    tables = sorted({model._meta.db_table for model in models})
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        # Table names come from the model registry, not from input.
        sql = " UNION ALL ".join(
            f"SELECT '{table}', md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) "  # noqa: S608
            f"FROM {quote(table)} x"
            for table in tables
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return dict(cursor.fetchall())
    return {
        model._meta.db_table: sorted(map(repr, model._base_manager.values_list()))
        for model in models
    }


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(
        table for table in before.keys() | after.keys() if before.get(table) != after.get(table)
    )
