"""Shared fixtures. Real services: see ``services_available`` and the ``services`` marker."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings

from servicedesk.models import Role
from tests.factories import RegionFactory, ServicePointFactory, make_staff

# The reliability table: tests marked @pytest.mark.reliability(fault, how) and their outcomes.
pytest_plugins = ["tests.reliability_table", "tests.quiet_threads"]

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def services_problem() -> str | None:
    """Why the real services cannot be used, or None when PostgreSQL and Redis are both there."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "DATABASE_URL does not point at PostgreSQL"
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis"):
        return "CELERY_BROKER_URL does not point at Redis"
    if not _reachable(broker, 6379):
        return f"Redis at {broker} is not reachable"
    return None


#: The slow tests: what needs real services, a worker process or the browser, and the directories
#: of the integration runs (load run, backups, worker faults), the browser walks and the
#: development tooling (the data generator, the benchmark). ``scripts/test -m "not slow"``
#: leaves them out (docs/architecture.md, "Tests").
SLOW_DIRECTORIES = frozenset({"integration", "e2e", "devtools"})
SLOW_MARKERS = ("services", "worker", "e2e")
TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        parts = Path(item.path).resolve().relative_to(TESTS).parts
        if parts[0] in SLOW_DIRECTORIES or any(item.get_closest_marker(m) for m in SLOW_MARKERS):
            item.add_marker(pytest.mark.slow)


def pytest_runtest_setup(item):
    """``services`` tests skip without PostgreSQL + Redis, or fail with REQUIRE_SERVICES=1."""
    if "services" not in item.keywords:
        return
    problem = services_problem()
    if problem is None:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {problem}", pytrace=False)
    pytest.skip(f"needs real services: {problem}")


@pytest.fixture
def region(db):
    return RegionFactory(code="NORTH", name="华北")


@pytest.fixture
def point(region):
    return ServicePointFactory(region=region, code="BJ01", name="北京网点")


@pytest.fixture
def other_point(db):
    """A point of another region, with look-alike data in tests."""
    return ServicePointFactory(
        region=RegionFactory(code="EAST", name="华东"), code="SH01", name="上海网点"
    )


@pytest.fixture
def staff_of(point):
    """``staff_of(role)``: a staff member of ``role`` at ``point``."""

    def make(role: str, **kwargs):
        return make_staff(role, point=point, region=point.region, **kwargs)

    return make


@pytest.fixture
def login(client):
    """``login(profile)``: log the test client in as that staff member; returns the client."""

    def do(profile):
        client.force_login(profile.user)
        return client

    return do


ALL_ROLES = list(Role)


@pytest.fixture
def desk_user(staff_of):
    return staff_of(Role.FRONT_DESK).user


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: a user id that a rolled-back test used again must
    not find that test's cached menu badges or rate-limit counters."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _seeded_rows(request):
    """The rows a data migration seeds (the payment methods) are gone after a transactional
    test's flush, for every later test of that worker: put them back for each database test."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db", "live_server"} & set(request.fixturenames):
        return
    transactional = "live_server" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    import importlib
    from types import SimpleNamespace

    from counter.models import PaymentMethod

    # The seed of the payment methods, reading the model from the app that holds it today.
    seed = importlib.import_module("repairs.migrations.0009_counter_money")
    seed.add_methods(SimpleNamespace(get_model=lambda *_names: PaymentMethod), None)
