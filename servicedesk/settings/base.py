"""Base settings, read from the environment (12-factor).

With nothing set, the project runs on SQLite and a file-system Celery transport, so trying it
needs nothing but Python. Set DATABASE_URL and CELERY_BROKER_URL to run on PostgreSQL and Redis.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("SERVICEDESK_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
)

SECRET_KEY = env.str("SECRET_KEY", default="insecure-dev-key-change-me-" + "x" * 30)
DEBUG = env.bool("DEBUG")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "axes",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_celery_beat",
    "django_filters",
    "django_htmx",
    "django_ratelimit",
    # ours
    "servicedesk",
    "intake",
    "parts",
    "counter",
    "repairs",
    "complaints",
    "followups",
    "loaners",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "servicedesk.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "servicedesk.middleware.StaffProfileMiddleware",
    "servicedesk.middleware.SessionTimeoutMiddleware",
    "servicedesk.middleware.ReadOnlyRoleMiddleware",
    "servicedesk.middleware.RefusedActionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # axes last: it turns lockouts raised by the authentication backend into a response
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "servicedesk.urls"
WSGI_APPLICATION = "servicedesk.wsgi.application"
ASGI_APPLICATION = "servicedesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "servicedesk.context_processors.navigation",
            ],
            "builtins": [
                "servicedesk.templatetags.people",
                "servicedesk.templatetags.money",
                "servicedesk.templatetags.fields",
                "intake.templatetags.phones",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'servicedesk.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
SILENCED_SYSTEM_CHECKS: list[str] = []
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is the zero-setup default only; WAL lets web, worker and beat share it.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The dashboard's covering indexes (INCLUDE columns) are a PostgreSQL speed-up; SQLite builds
    # them as plain indexes, which is all the try-out needs: no warning on every command.
    SILENCED_SYSTEM_CHECKS += ["models.W040"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Planner settings for this application's sessions (short OLTP requests, SSD storage):
    # JIT compilation costs tens of milliseconds on a dashboard aggregate and never pays back
    # on queries this short; and with the default random_page_cost (4, spinning disks) the
    # planner prefers reading a busy point's whole history over a (point, date) index range.
    # A query parameter ?options=… in DATABASE_URL, or DATABASE_SESSION_OPTIONS, overrides it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", env.str("DATABASE_SESSION_OPTIONS", "-c jit=off -c random_page_cost=1.1")
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# Reverse proxies in front of the app that append to X-Forwarded-For (1 behind the README's nginx).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
    # django-ratelimit wants a cache shared by all processes: local memory is enough for one
    # process (runserver, the tests); production's default is its Redis, where the checks run.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003", "django_ratelimit.W001"]

# --- Auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "servicedesk.auth.StaffModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins are locked out per username + address: the staff of a point share one NAT
# address, so locking by address alone would lock out the whole desk (PITFALLS).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The client address for lockout, rate limits and audit rows: servicedesk/clientip.py.
AXES_CLIENT_IP_CALLABLE = "servicedesk.clientip.client_ip"

# Sessions: a new key at login (Django does this), an idle timeout and an absolute timeout.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 3600)
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Project-wide strings (templates/, servicedesk/) live in locale/; each app keeps its own catalogue
# in <app>/locale/. scripts/messages.py extracts and checks both (it empties this list per app).
LOCALE_PATHS = env.list("SERVICEDESK_LOCALE_PATHS", default=[str(BASE_DIR / "locale")])
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True
# One date format (2026-12-01) and one date-time format (2026-12-01 14:05) in every language: the
# locale format modules would otherwise win over DATE_FORMAT (servicedesk/formats/).
FORMAT_MODULE_PATH = ["servicedesk.formats"]
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Export files (monthly reports to the regional center, on-demand ranges): not under MEDIA_URL,
# they are only served through the export views, which check scope and audit every download.
EXPORTS_ROOT = Path(env.str("EXPORTS_ROOT", default=str(VAR_DIR / "exports")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security headers -----------------------------------------------------------------------
# No inline scripts or styles anywhere, so a strict policy holds.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_FOLDER = VAR_DIR / "celery-broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded transport: messages are files in one folder shared by web, worker and beat.
    for folder in (CELERY_BROKER_FOLDER, VAR_DIR / "celery-control"):
        folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(CELERY_BROKER_FOLDER),
        "data_folder_out": str(CELERY_BROKER_FOLDER),
        "control_folder": str(VAR_DIR / "celery-control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_BEAT_SCHEDULER = "servicedesk.beat:HeartbeatDatabaseScheduler"
# Periodic work. Beat only wakes dispatchers; the schedules themselves live in the database
# (django-celery-beat copies these entries there and an administrator can edit them).
CELERY_BEAT_SCHEDULE = {
    "exports-monthly": {
        "task": "reporting.tasks.exports_monthly_task",
        "schedule": crontab(hour=2, minute=0),
    },
    "exports-sweep": {
        "task": "reporting.tasks.exports_sweep_task",
        "schedule": env.float("EXPORTS_SWEEP_SECONDS", default=300.0),
    },
    "complaints-missed-promises": {
        "task": "complaints.tasks.escalate_missed_promises_task",
        "schedule": env.float("COMPLAINTS_ESCALATE_SECONDS", default=120.0),
    },
    "slip-reminders": {
        "task": "intake.tasks.slip_reminders_task",
        "schedule": env.float("SLIP_REMINDERS_SECONDS", default=300.0),
    },
    "notifications-sweep": {
        "task": "servicedesk.tasks.notifications_sweep_task",
        "schedule": env.float("NOTIFICATIONS_SWEEP_SECONDS", default=60.0),
    },
    "followups-monthly-report": {
        "task": "followups.tasks.callback_reports_task",
        "schedule": crontab(hour=1, minute=30),
    },
    "followups-dispatch": {
        "task": "followups.tasks.callbacks_dispatch_task",
        "schedule": env.float("FOLLOWUPS_DISPATCH_SECONDS", default=120.0),
    },
    "worker-heartbeat-probe": {
        "task": "servicedesk.tasks.heartbeat_probe_task",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
}

# The dispatcher claims due callbacks in batches of this size, one transaction each.
FOLLOWUPS_DISPATCH_BATCH = env.int("FOLLOWUPS_DISPATCH_BATCH", default=2000)
# A waiting export job is handed to a worker again after this long (its first message was lost).
EXPORTS_PENDING_GRACE_SECONDS = env.int("EXPORTS_PENDING_GRACE_SECONDS", default=60)

# Nationwide device history: how many different devices one user may look up across points
# per hour (the same device again does not count); the lookup refuses beyond it.
CROSS_POINT_LOOKUPS_PER_HOUR = env.int("CROSS_POINT_LOOKUPS_PER_HOUR", default=60)

# Customer notifications (outbox): the sender class and its gateway.
NOTIFICATION_SENDER = env.str(
    "NOTIFICATION_SENDER", default="servicedesk.notifications.DatabaseSender"
)
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
# A sender's claim on a batch of messages is a lease: a batch whose worker died is sent by
# another after this long. A sender stops starting sends this long before its lease ends (the
# gateway's own timeout), so a message is never sent twice while its sender is alive.
NOTIFICATION_LEASE_SECONDS = env.int("NOTIFICATION_LEASE_SECONDS", default=300)
NOTIFICATION_SEND_TIMEOUT_SECONDS = env.int("NOTIFICATION_SEND_TIMEOUT_SECONDS", default=10)

# Health: how old a heartbeat may be before the component counts as down.
HEALTH_HEARTBEAT_SECONDS = env.int("HEALTH_HEARTBEAT_SECONDS", default=15)
HEALTH_STALE_SECONDS = env.int("HEALTH_STALE_SECONDS", default=90)
# A monitor sending `Authorization: Bearer <HEALTH_TOKEN>` sees /health/'s parts (unset: staff)
HEALTH_TOKEN = env.str("HEALTH_TOKEN", default="")

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
