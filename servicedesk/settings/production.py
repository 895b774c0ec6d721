"""Production: PostgreSQL, Redis, HTTPS. Everything still comes from the environment.

Required: SECRET_KEY, DATABASE_URL (postgres://…), CELERY_BROKER_URL (redis://…), ALLOWED_HOSTS.
"""

from typing import cast

from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import CELERY_BROKER_URL, DATABASES, INSTALLED_APPS, SECRET_KEY, TEMPLATES, env

DEBUG = False
# The development-only tools stay out of production unless asked for (a load run's client).
if env.bool("SERVICEDESK_DEVTOOLS", default=False):
    INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]

if SECRET_KEY.startswith("insecure-"):
    raise ImproperlyConfigured("Set SECRET_KEY for production.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise ImproperlyConfigured("Set DATABASE_URL to a PostgreSQL database for production.")
if CELERY_BROKER_URL.startswith("filesystem://"):
    raise ImproperlyConfigured("Set CELERY_BROKER_URL to a Redis URL for production.")

# Templates are read and compiled once per process (issue #36). Django does this by itself when
# DEBUG is off; it is spelled out so that a DEBUG switched on by mistake cannot turn it off.
_TEMPLATE_OPTIONS = cast("dict[str, object]", TEMPLATES[0]["OPTIONS"])
TEMPLATES = [
    {
        **TEMPLATES[0],
        "APP_DIRS": False,
        "OPTIONS": {
            **_TEMPLATE_OPTIONS,
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
        },
    }
]

CACHES = {
    "default": env.cache(
        "CACHE_URL", default=CELERY_BROKER_URL.replace("redis://", "rediscache://")
    )
}
# A Redis restart must not give error pages: while it is unreachable the cache misses and the
# sessions come from the database (servicedesk/cache.py).
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "servicedesk.cache.ResilientRedisCache"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# HTTPS everywhere; the TLS terminator in front sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
