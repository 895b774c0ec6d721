"""Production settings pass ``check --deploy``; the i18n catalogues are complete."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.reliability(
    "Insecure production configuration",
    "manage.py check --deploy --fail-level WARNING on the production settings",
)
def test_production_settings_pass_check_deploy_without_warnings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        "DATABASE_URL": "postgres://servicedesk@127.0.0.1:5432/servicedesk",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "ALLOWED_HOSTS": "desk.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


def test_every_translation_is_filled_in():
    result = subprocess.run(
        [sys.executable, "scripts/messages.py", "check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_every_beat_entry_names_a_registered_task():
    from django.conf import settings

    from servicedesk.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "complaints.tasks.escalate_missed_promises_task" in tasks
    assert "followups.tasks.callbacks_dispatch_task" in tasks


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "servicedesk.settings.production",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "DATABASE_URL": "postgres://servicedesk@127.0.0.1:5432/servicedesk",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "desk.example.com",
}
COOKIE_SETTINGS = [
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "X_FRAME_OPTIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
]


@pytest.mark.reliability(
    "Session or CSRF cookie stolen over plain HTTP or by a script",
    "the production settings read back: every cookie Secure and HttpOnly, SameSite=Lax,"
    " sessions end with the browser, HTTPS forced, framing denied",
)
def test_production_cookies_are_secure_http_only_and_same_site():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        **PRODUCTION_ENV,
    }
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {COOKIE_SETTINGS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
    }


def test_production_templates_are_compiled_once_per_process():
    """Issue #36: the cached loader in production, whatever DEBUG says, with the same context
    processors and builtins as everywhere else."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        **PRODUCTION_ENV,
    }
    code = (
        "import json, django; django.setup(); from django.template import engines; "
        "e = engines['django'].engine; "
        "print(json.dumps([e.loaders, e.context_processors, 'servicedesk.templatetags.fields' "
        "in e.builtins]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    loaders, processors, fields = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaders == [
        [
            "django.template.loaders.cached.Loader",
            [
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        ]
    ]
    assert "servicedesk.context_processors.navigation" in processors
    assert fields


@pytest.mark.django_db
def test_the_login_sets_its_cookies_with_those_flags(client, settings):
    from django.urls import reverse

    from servicedesk.models import Role
    from tests.factories import PASSWORD, ServicePointFactory, make_staff

    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    me = make_staff(Role.FRONT_DESK, point=ServicePointFactory())
    client.get(reverse("login"), secure=True)
    response = client.post(
        reverse("login"), {"username": me.user.username, "password": PASSWORD}, secure=True
    )
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert not session["max-age"]  # ends with the browser; the server enforces the timeouts
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
