"""Tenant isolation (DOMAIN 1), driven by the URLconf itself (an unknown pattern fails the walk):
every URL taking an object id, requested by every role with another point's object, is a 404 on
GET and on a real POST, and nothing changes; the regional center's every POST is refused."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import resolve

from servicedesk.models import Role
from tests import urlwalk
from tests.factories import make_staff

ROLES = [role for role in Role if role != Role.ADMIN]  # administrators see every point by design


@pytest.mark.reliability(
    "A new URL escaping the tenant walk",
    "every URL pattern of the URLconf must be listed in the walk's registry",
)
def test_every_url_pattern_is_known_to_the_walk():
    plain, objects = urlwalk.registry()
    posts, get_only = urlwalk.posts(), urlwalk.get_only()
    unknown = []
    for route, name, pattern in urlwalk.walk():
        takes_args = bool(pattern.pattern.regex.groupindex) or "<" in route
        if name is None:
            unknown.append(route)
        elif takes_args and name not in objects:
            unknown.append(f"{route} ({name}): takes an id but has no OBJECT_URLS entry")
        elif not takes_args and name not in plain and name not in objects:
            unknown.append(f"{route} ({name}): not listed in PLAIN_URLS")
        if name is not None and (name in posts) == (name in get_only):
            unknown.append(f"{route} ({name}): list it in exactly one of POSTS and GET_ONLY")
    assert not unknown, "URL patterns the walk does not know:\n" + "\n".join(unknown)


@pytest.fixture
def foreign(other_point):
    return urlwalk.make_objects(other_point)


@pytest.fixture
def mine(point):
    return urlwalk.make_objects(point)


CHANGING_POSTS = sorted(set(urlwalk.posts()) - urlwalk.SESSION_ONLY)


@pytest.mark.django_db
@pytest.mark.parametrize("name", CHANGING_POSTS)
def test_each_walked_post_body_really_changes_data_for_its_own_point(name, mine, client):
    """The walk's POST bodies are real actions: sent by the right person for their own point they
    change stored data, so "refused and nothing changed" below proves something."""
    actor = urlwalk.actors().get(name, lambda f: f["supervisor"])(mine)
    client.force_login(actor)
    before = urlwalk.db_state()
    response = client.post(urlwalk.url_for(name, mine), urlwalk.posts()[name](mine))
    assert response.status_code in (200, 302)
    assert urlwalk.changed_tables(before, urlwalk.db_state()), f"POST {name} changed nothing"


@pytest.mark.django_db
@pytest.mark.reliability(
    "Another point's data requested (tenant isolation)",
    "every URL taking an id, by every role with another point's object: GET and a real POST"
    " are 404 (a POST-only URL's GET 405, whatever the id), nothing changes",
)
@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_another_points_object_is_404_for_every_role(role, point, foreign, client):
    me = make_staff(role, point=point, region=point.region)
    client.force_login(me.user)
    _plain, objects = urlwalk.registry()
    posts = urlwalk.posts()
    failures = []
    for name in sorted(objects):
        url = urlwalk.url_for(name, foreign)
        response = client.get(url)
        # A POST-only URL answers a GET with 405 before any lookup: the same for every id.
        if response.status_code not in (404, 405):
            failures.append(f"GET {url} ({name}) -> {response.status_code}")
        before = urlwalk.db_state()
        response = client.post(url, posts[name](foreign) if name in posts else {})
        # Read-only roles are refused every change before any lookup (403, whatever the id),
        # except on the views that change no tenant data (a number shown, audited).
        read_only_refused = not getattr(resolve(url).func, "allow_read_only", False)
        expected = {403} if role == Role.REGIONAL_CENTER and read_only_refused else {404}
        if response.status_code not in expected | {405}:
            failures.append(f"POST {url} ({name}) -> {response.status_code}")
        if changed := urlwalk.changed_tables(before, urlwalk.db_state()):
            failures.append(f"POST {url} ({name}) changed {changed}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.reliability(
    "Regional center (read-only) tries to change data",
    "every URL of the URLconf POSTed with a real body for a point of its own region",
)
def test_regional_center_is_refused_every_post_and_nothing_changes(point, mine, client):
    regional = make_staff(Role.REGIONAL_CENTER, region=point.region)
    client.force_login(regional.user)
    posts = urlwalk.posts()
    failures = []
    for _route, name, _pattern in urlwalk.walk():
        url = urlwalk.url_for(name, mine)
        if getattr(resolve(url).func, "allow_read_only", False):
            continue  # logout, language, export requests: they change no tenant data
        before = urlwalk.db_state()
        response = client.post(url, posts[name](mine) if name in posts else {})
        if response.status_code != 403:
            failures.append(f"POST {url} ({name}) -> {response.status_code}")
        if changed := urlwalk.changed_tables(before, urlwalk.db_state()):
            failures.append(f"POST {url} ({name}) changed {changed}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.reliability(
    "A link or prefetch acting in a colleague's name (an audited action by GET)",
    "every URL of the URLconf requested with GET by every role and by each URL's own actor,"
    " for its own point: no audit row is written (reveals and downloads are POSTs)",
)
def test_no_get_writes_an_audit_row(point, mine, client):
    from servicedesk.models import AuditLog

    actors = urlwalk.actors()
    people = [make_staff(role, point=point, region=point.region).user for role in Role]
    # The walk's device was repaired at a point of another region: a page that looked across
    # points on GET (the ticket page, the device page, the intake preview) would write a row.
    assert mine["traveller"].device.imei == mine["device"].imei
    assert mine["traveller"].point.region_id != point.region_id
    preview = urlwalk.url_for("repairs:ticket_preview", mine)
    query = urlencode(urlwalk.posts()["repairs:ticket_preview"](mine))
    failures = []
    for _route, name, _pattern in urlwalk.walk():
        url = urlwalk.url_for(name, mine)
        if url == preview:
            url = f"{preview}?{query}"  # the preview as it once was sent, by GET
        for user in [*people, actors.get(name, lambda f: f["supervisor"])(mine)]:
            client.force_login(user)  # a login is audited: count from here
            before = AuditLog.objects.count()
            client.get(url)
            if (written := AuditLog.objects.count() - before) > 0:
                failures.append(f"GET {url} ({name}) as {user.username}: {written} audit rows")
    assert not failures, "\n".join(failures)
