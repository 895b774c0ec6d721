"""Redis down or restarting: the production cache misses instead of failing, so pages still
answer and logged-in staff stay logged in (their sessions are in the database too)."""

import socket

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from servicedesk.cache import ResilientRedisCache
from servicedesk.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def unreachable_redis():
    """A Redis URL on a port nothing listens on (connections are refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def test_an_unreachable_cache_misses_and_skips_writes(unreachable_redis, caplog):
    down = ResilientRedisCache(unreachable_redis, {})
    assert down.get("k", "default") == "default"
    assert down.get_many(["a", "b"]) == {}
    assert down.has_key("k") is False
    assert down.add("k", 1) is False
    assert down.set("k", 1) is None
    assert down.delete("k") is False
    assert down.get_or_set("k", 7) == 7
    with pytest.raises(ValueError):
        down.incr("k")
    assert "cache unreachable" in caplog.text


@pytest.mark.reliability(
    "Redis down or restarting (cache and sessions)",
    "the production cache pointed at a port nothing listens on: staff log in, pages answer,"
    " the session holds (from the database)",
)
def test_pages_and_sessions_work_while_redis_is_unreachable(client, staff_of, unreachable_redis):
    user = staff_of(Role.FRONT_DESK).user
    user.set_password("pw-for-the-outage")
    user.save()
    down = {
        "default": {
            "BACKEND": "servicedesk.cache.ResilientRedisCache",
            "LOCATION": unreachable_redis,
        }
    }
    with override_settings(
        CACHES=down, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"
    ):
        assert cache.get("anything") is None
        response = client.post(
            reverse("login"), {"username": user.username, "password": "pw-for-the-outage"}
        )
        assert response.status_code == 302
        for name in ("home", "intake:board", "repairs:ticket_list"):
            page = client.get(reverse(name))
            assert page.status_code == 200, name
            assert page.context["user"] == user
