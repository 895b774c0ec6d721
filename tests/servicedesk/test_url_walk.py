"""Tenant isolation (DOMAIN 1): every URL taking an object id, requested by every role with another
point's object, is a 404. Driven by the URLconf itself: an unknown pattern fails the walk."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from servicedesk.models import Role
from tests import urlwalk
from tests.factories import make_staff

SKIPPED_PREFIXES = ("admin/",)  # Django admin: administrators only, and they are global by design
ROLES = [role for role in Role if role != Role.ADMIN]  # administrators see every point by design


def walk(resolver=None, prefix="", namespace=None):
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
    plain, objects = set(), {}
    for module in urlwalk.modules():
        plain |= set(module.PLAIN_URLS)
        objects.update(module.OBJECT_URLS)
    return plain, objects


@pytest.mark.reliability(
    "A new URL escaping the tenant walk",
    "every URL pattern of the URLconf must be listed in the walk's registry",
)
def test_every_url_pattern_is_known_to_the_walk():
    plain, objects = registry()
    unknown = []
    for route, name, pattern in walk():
        takes_args = bool(pattern.pattern.regex.groupindex) or "<" in route
        if name is None:
            unknown.append(route)
        elif takes_args and name not in objects:
            unknown.append(f"{route} ({name}): takes an id but has no OBJECT_URLS entry")
        elif not takes_args and name not in plain and name not in objects:
            unknown.append(f"{route} ({name}): not listed in PLAIN_URLS")
    assert not unknown, "URL patterns the tenant walk does not know:\n" + "\n".join(unknown)


@pytest.fixture
def foreign(other_point):
    objects = {}
    for module in urlwalk.modules():
        module.make_foreign(other_point, objects)
    return objects


@pytest.mark.reliability(
    "Another point's data requested (tenant isolation)",
    "every URL taking an id, requested by every role with another point's object: 404",
)
@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_another_points_object_is_404_for_every_role(role, point, foreign, client):
    me = make_staff(role, point=point, region=point.region)
    client.force_login(me.user)
    _plain, objects = registry()
    failures = []
    for name, build in sorted(objects.items()):
        url = reverse(name, kwargs=build(foreign))
        response = client.get(url)
        if response.status_code != 404:
            failures.append(f"GET {url} ({name}) -> {response.status_code}")
        response = client.post(url, {})
        # Read-only roles are refused every change before any lookup (403, whatever the id).
        expected = {403} if role == Role.REGIONAL_CENTER else {404}
        if response.status_code not in expected | {405}:
            failures.append(f"POST {url} ({name}) -> {response.status_code}")
    assert not failures, "\n".join(failures)
