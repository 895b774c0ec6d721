"""Tests: SQLite and an in-memory broker by default; PostgreSQL and Redis when URLs are set."""

import tempfile
from pathlib import Path

from .base import *
from .base import env

DEBUG = False
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # its commands are tested too
SECRET_KEY = "test-secret-key-not-for-production-" + "t" * 20
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; argon2 tested apart
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# One process per test worker: local memory is shared enough for django-ratelimit.
SILENCED_SYSTEM_CHECKS = sorted(
    {*SILENCED_SYSTEM_CHECKS, "django_ratelimit.E003", "django_ratelimit.W001"}
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Export files of a test run in a folder of their own, never in the checkout's var/.
EXPORTS_ROOT = Path(tempfile.mkdtemp(prefix="servicedesk-test-exports-"))
