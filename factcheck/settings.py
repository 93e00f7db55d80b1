"""Settings for the fact-check desk, read from the environment.

Defaults are safe for production (DEBUG off, a secret key required); `make run` turns
DEBUG on for local use. See the README for every variable.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DEBUG")
TESTING = "pytest" in sys.modules


# Without SECRET_KEY a local-only key is used; the WSGI/ASGI entry points refuse to serve
# with it unless DEBUG is on, and `check --deploy` reports it.
INSECURE_SECRET_KEY = "django-insecure-local-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY") or INSECURE_SECRET_KEY


def require_secret_key() -> None:
    """Refuse to serve production traffic with the local-only key."""
    if not DEBUG and SECRET_KEY == INSECURE_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (or DEBUG=1 for local use)."
        )


ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "simple_history",
    "django_tasks_db",
    "ninja",
    "claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # After every middleware with a process_view: it runs the view, again if a database
    # restart cut the connection (GET and HEAD only).
    "factcheck.middleware.RetryReadsOnDatabaseRestart",
]

ROOT_URLCONF = "factcheck.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "claims.context_processors.my_work",
            ],
        },
    },
]

WSGI_APPLICATION = "factcheck.wsgi.application"

# Database: SQLite under var/ unless DATABASE_URL names another (PostgreSQL in production).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {
                # IMMEDIATE avoids "database is locked" when two writers meet mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A runaway query is cancelled rather than holding a worker and its locks.
    timeout_ms = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "30000"))
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c statement_timeout={timeout_ms}"
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if TESTING:
    # Tests create many users; the production hasher is slow by design.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "claims:article_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"

# Security headers. The CSP allows only this site's own scripts and styles, plus
# inline scripts that carry the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_flag("SECURE_COOKIES", default=not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS: redirect and HSTS are opt-in, because they only make sense once TLS is in front.
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_flag("BEHIND_TLS_PROXY") else None
)

# Background tasks: a queue in the database, run by `manage.py db_worker` (make run starts
# one). Tests keep tasks in memory and run them explicitly.
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.dummy.DummyBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}
# `manage.py desk_worker` runs a task again when its worker has held it this long (the worker
# is taken for dead), at most TASK_MAX_ATTEMPTS times in all; longer than any task takes.
TASK_LEASE_SECONDS = float(os.environ.get("TASK_LEASE_SECONDS", "300"))
TASK_MAX_ATTEMPTS = int(os.environ.get("TASK_MAX_ATTEMPTS", "3"))

# Fetching source pages for their metadata.
FETCH_TIMEOUT_SECONDS = float(os.environ.get("FETCH_TIMEOUT_SECONDS", "10"))
FETCH_MAX_BYTES = int(os.environ.get("FETCH_MAX_BYTES", str(5_000_000)))
# Loopback addresses are refused unless allowed (tests serve pages on 127.0.0.1).
FETCH_ALLOW_LOOPBACK = env_flag("FETCH_ALLOW_LOOPBACK")
# A reviewer may fetch a source again once its fetch has been pending this long.
FETCH_STUCK_SECONDS = float(os.environ.get("FETCH_STUCK_SECONDS", "120"))

# The organisation named as the author of published ClaimReview; its URL, when not set,
# is the site's own address as the request names it.
DESK_ORGANISATION_NAME = os.environ.get("DESK_ORGANISATION_NAME", "Fact-check desk")
DESK_ORGANISATION_URL = os.environ.get("DESK_ORGANISATION_URL", "")

# Article bodies larger than this are refused at import, with a clear message.
ARTICLE_MAX_CHARS = int(os.environ.get("ARTICLE_MAX_CHARS", str(1_000_000)))
DATA_UPLOAD_MAX_MEMORY_SIZE = ARTICLE_MAX_CHARS * 4 + 1_000_000
# Worker processes that detect claims in parts of a long article beside the importing one
# (0: one process reads it all). By default one fewer than the processors, at most 3.
DETECTION_PROCESSES = int(
    os.environ.get("DETECTION_PROCESSES", str(min(3, max(0, (os.cpu_count() or 1) - 1))))
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
