"""The production cache on Redis, which a Redis outage does not turn into error pages.

Nothing kept in the cache is the only copy: sessions are ``cached_db`` (the database holds each
one), the menu badges are counted again, rate-limit counters start again. So while Redis cannot
be reached (restarting, failing over, its connection reset), a read is a miss and a write is
skipped, each logged as one warning line, and the page is served from the database. Redis
restarted in the middle of a load run (issue #21) gave a 500 to every request in flight without
this; with it, none.

The counters' callers decide what a miss means for them: django-ratelimit refuses while it
cannot count (it fails closed, so the public status page answers "too many lookups" during an
outage), and so does the cross-point lookup's per-user counter (``cache.add`` is false and the
key is not there: the lookup is refused, only the point's own records are shown).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)

F = TypeVar("F", bound=Callable[..., Any])


def _or(fallback: Callable[..., Any]) -> Callable[[F], F]:
    """Call the method; when Redis cannot be reached, log it and answer ``fallback(*args)``."""

    def wrap(method: F) -> F:
        @functools.wraps(method)
        def call(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as exc:
                logger.warning("cache unreachable, %s skipped: %s", method.__name__, exc)
                return fallback(*args, **kwargs)

        return call  # type: ignore[return-value]

    return wrap


def _missing_counter(*args: Any, **kwargs: Any) -> int:
    raise ValueError("the cache cannot be reached: no counter")


#: How the cache's connections meet an outage: one immediate retry (a connection Redis closed
#: when it restarted is simply opened again), then give up. The client's default (three retries
#: with backoff of up to seconds) held every web worker for 10–15 s per Redis restart in the
#: load run; a cache must rather miss. Redis answers in well under a millisecond normally.
FAIL_FAST = {
    "retry": Retry(NoBackoff(), 1),
    "socket_connect_timeout": 1,
    "socket_timeout": 1,
}


class ResilientRedisCache(RedisCache):
    """Django's Redis cache; while Redis is unreachable reads miss and writes are skipped, each
    call failing within about a second at worst (``FAIL_FAST``, unless ``OPTIONS`` say else)."""

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        params = {**params, "OPTIONS": {**FAIL_FAST, **params.get("OPTIONS", {})}}
        super().__init__(server, params)

    @_or(lambda key, default=None, **kw: default)
    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return super().get(key, default, version)

    @_or(lambda keys, **kw: {})
    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return super().get_many(keys, version)

    @_or(lambda key, **kw: False)
    def has_key(self, key: Any, version: Any = None) -> bool:
        return super().has_key(key, version)

    @_or(lambda *args, **kw: None)
    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        return super().set(key, value, timeout, version)

    @_or(lambda data, *args, **kw: list(data))
    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        return super().set_many(data, timeout, version)

    @_or(lambda *args, **kw: False)
    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return super().add(key, value, timeout, version)

    @_or(lambda *args, **kw: False)
    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return super().touch(key, timeout, version)

    @_or(lambda *args, **kw: False)
    def delete(self, key: Any, version: Any = None) -> bool:
        return super().delete(key, version)

    @_or(lambda *args, **kw: None)
    def delete_many(self, keys: Any, version: Any = None) -> None:
        return super().delete_many(keys, version)

    @_or(_missing_counter)
    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return super().incr(key, delta, version)
