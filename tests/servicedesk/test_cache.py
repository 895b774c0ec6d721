"""Redis down or restarting: the production cache misses instead of failing, so pages still
answer and logged-in staff stay logged in (their sessions are in the database too)."""

import socket
import threading
import time

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from servicedesk.cache import ResilientRedisCache
from servicedesk.models import Role
from servicedesk.tenancy import CrossPointRefused, _count_lookup, cross_point_lookup

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
    began = time.monotonic()
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
    # No retries with backoff: a page waits for an unreachable cache a moment, never seconds.
    assert time.monotonic() - began < 2


@pytest.fixture
def silent_port():
    """A port that accepts connections and never answers (a Redis hanging, or half gone)."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []

    def accept():
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()
    for connection in accepted:
        connection.close()


def test_a_hanging_cache_is_given_up_after_its_socket_timeout(silent_port):
    hanging = ResilientRedisCache(f"redis://127.0.0.1:{silent_port}/0", {})
    began = time.monotonic()
    assert hanging.get("k", "default") == "default"
    assert time.monotonic() - began < 5  # two tries of 1 s each, not the client's backoff


def test_a_lost_lookup_counter_refuses_the_lookup_without_an_error(staff_of, monkeypatch):
    """Redis may restart between the lookup's two cache calls: not counted, so not granted (the
    lookup fails closed), and no server error."""

    def gone(*args, **kwargs):
        raise ValueError("no counter")

    monkeypatch.setattr(cache, "incr", gone)
    with translation.override("en"), pytest.raises(CrossPointRefused, match="cannot be checked"):
        _count_lookup(staff_of(Role.FRONT_DESK).user, "imei:356938035643809")


@pytest.mark.reliability(
    "Redis down: the cross-point lookup limit cannot count",
    "the lookup fails closed (own point's records only, with the reason); after the outage the"
    " ticket's history shows every point again",
)
def test_the_cross_point_lookup_fails_closed_while_redis_is_unreachable(
    point, staff_of, unreachable_redis
):
    from repairs import selectors
    from tests.opening import VALID_IMEI

    desk = staff_of(Role.FRONT_DESK).user
    down = {
        "default": {
            "BACKEND": "servicedesk.cache.ResilientRedisCache",
            "LOCATION": unreachable_redis,
        }
    }

    def history():
        return selectors.device_facts_across_points(
            user=desk, imei=VALID_IMEI, serial="", point=point, purpose="ticket_page"
        )

    with override_settings(CACHES=down), translation.override("en"):
        refused = history()
        assert "cannot be checked" in refused.refused
        # Saving the intake form is never cut short, even during the outage.
        assert cross_point_lookup(
            user=desk, point=point, purpose="ticket_open", identity=VALID_IMEI
        )
    assert history().refused == ""


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
