"""CSRF on every POST, driven by the URLconf (tests/urlwalk): a forged POST without the token, or
with a wrong one, is a 403 and changes nothing; the same POST with the token goes through."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve

from tests import urlwalk

pytestmark = pytest.mark.django_db


def csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/")  # a page with a form: the CSRF cookie is set, as in a real browser
    assert settings.CSRF_COOKIE_NAME in client.cookies
    return client


def test_no_view_is_exempt_from_csrf(point):
    objects = urlwalk.make_objects(point)
    exempt = [
        name
        for _route, name, _pattern in urlwalk.walk()
        if getattr(resolve(urlwalk.url_for(name, objects)).func, "csrf_exempt", False)
    ]
    assert not exempt


@pytest.mark.reliability(
    "Cross-site request forgery",
    "every URL of the URLconf POSTed with a real body, no token or a wrong one",
)
def test_every_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(point):
    objects = urlwalk.make_objects(point)
    posts, actors = urlwalk.posts(), urlwalk.actors()
    failures = []
    for _route, name, _pattern in urlwalk.walk():
        actor = actors.get(name, lambda f: f["supervisor"])(objects)
        client = csrf_client(actor)
        url = urlwalk.url_for(name, objects)
        body = posts[name](objects) if name in posts else {}
        for forged in ({}, {"csrfmiddlewaretoken": "x" * 64}):
            before = urlwalk.db_state()
            response = client.post(url, body | forged)
            if response.status_code != 403:
                failures.append(
                    f"POST {url} ({name}) {forged or 'no token'} -> {response.status_code}"
                )
            if changed := urlwalk.changed_tables(before, urlwalk.db_state()):
                failures.append(f"POST {url} ({name}) changed {changed}")
        if name in posts:
            token = client.cookies[settings.CSRF_COOKIE_NAME].value
            response = client.post(url, body | {"csrfmiddlewaretoken": token})
            if response.status_code == 403:
                failures.append(f"POST {url} ({name}) with the token -> 403")
    assert not failures, "\n".join(failures)
