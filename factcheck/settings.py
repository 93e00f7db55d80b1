"""Settings for the fact-check desk, read from the environment.

Defaults are safe for production (DEBUG off, a secret key required); `make run` turns
DEBUG on for local use. See the README for every variable.
"""

import json
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
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


# Without SECRET_KEY a local-only key is used; the WSGI/ASGI entry points refuse to serve
# with it unless DEBUG is on, and `check --deploy` reports it.
INSECURE_SECRET_KEY = "django-insecure-local-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY") or INSECURE_SECRET_KEY


def weak_secret_key(key: str) -> bool:
    """Whether `check --deploy` would call the key weak (security.W009): short, repetitive
    or Django's insecure prefix."""
    return (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


def require_secret_key() -> None:
    """Refuse to serve production traffic with the local-only key or a weak one."""
    if DEBUG:
        return
    if SECRET_KEY == INSECURE_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (or DEBUG=1 for local use)."
        )
    if weak_secret_key(SECRET_KEY):
        raise ImproperlyConfigured(
            f"SECRET_KEY is too weak: use at least {SECRET_KEY_MIN_LENGTH} random characters, "
            'e.g. python -c "import secrets; print(secrets.token_urlsafe(50))".'
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
    "axes",
    "django_htmx",
    "simple_history",
    "django_tasks_db",
    "ninja",
    "claims",
]

MIDDLEWARE = [
    # First: load balancers probe by address over plain HTTP, before host checks and redirects.
    "factcheck.middleware.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "claims.middleware.RefuseUnreadableRequests",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last but for the retry, as django-axes asks: a locked-out login gets the lockout page.
    "axes.middleware.AxesMiddleware",
    # After every middleware with a process_view (axes has none): it runs the view, again if
    # a database restart cut the connection (GET and HEAD only).
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

# Inputs, text areas and menus written in Python, the rest by Django's templates
# (claims/form_rendering.py): the same HTML, a fifth of the claim panel's time saved.
FORM_RENDERER = "claims.form_rendering.DeskFormRenderer"

WSGI_APPLICATION = "factcheck.wsgi.application"

# Queries compiled once per process (claims/baked.py) are compiled afresh on every run too
# and compared with the kept SQL: on in DEBUG (and in the tests), to catch a query whose
# SQL changes with something its key does not name.
BAKED_QUERIES_CHECK = env_flag("BAKED_QUERIES_CHECK", DEBUG)

# Database: SQLite under var/ unless DATABASE_URL names another (PostgreSQL in production).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "db.sqlite3"}
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # IMMEDIATE avoids "database is locked" when two writers meet mid-transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A runaway query is cancelled rather than holding a worker and its locks.
    timeout_ms = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "30000"))
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c statement_timeout={timeout_ms}"
    # Parameters bound by the server, and psycopg preparing a query it has run
    # DATABASE_PREPARE_THRESHOLD times on a connection (Django turns preparing off unless
    # told): the panel's and the workspace's queries cost more to plan than to run. 0 turns
    # preparing off, as a pooler in transaction mode (PgBouncer before 1.21) needs.
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = env_flag(
        "DATABASE_SERVER_SIDE_BINDING", True
    )
    prepare_threshold = int(os.environ.get("DATABASE_PREPARE_THRESHOLD", "5"))
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = prepare_threshold or None
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "claims:article_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or VAR_DIR / "staticfiles")


# With DEBUG off, WhiteNoise serves what collectstatic wrote: compressed, and under names
# that carry a hash of the content, so browsers may keep them for ever.
def _json_object(name: str) -> dict:
    """A setting given as a JSON object in the environment (empty when unset)."""
    try:
        value = json.loads(os.environ.get(name) or "{}")
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"{name} is not valid JSON: {error}") from error
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f'{name} must be a JSON object, like {{"key": "value"}}.')
    return value


STORAGES = {
    # The desk's archived pages. FILE_STORAGE_BACKEND names another Django storage (for
    # example django-storages' S3 backend, installed beside the desk) with its options as
    # JSON in FILE_STORAGE_OPTIONS, so that several machines share the archive.
    "default": {
        "BACKEND": os.environ.get(
            "FILE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": _json_object("FILE_STORAGE_OPTIONS"),
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The cache is shared by every app process when REDIS_URL names a Redis server (several
# processes or machines); otherwise each process keeps its own, which suits `make run`.
# Sessions stay in the database (Django's default): shared by every process already, and
# they survive a cache restart.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that does not answer costs a request 2 s at most, never a hang.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT failures within the cool-off,
# an account, and separately an address, is locked out for LOGIN_COOLOFF_MINUTES. The
# check runs before any password is hashed. Admins unlock in admin → Axes → Access attempts.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "claims.backends.DeskModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "factcheck.accounts.lockout_response"
AXES_CLIENT_IP_CALLABLE = "factcheck.accounts.client_ip"
AXES_VERBOSE = False  # no banner from every process and command
# Behind a proxy the client's address is in a header the proxy sets (e.g. X-Forwarded-For);
# the address the TRUSTED_PROXIES-th proxy from this server saw is taken from it.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "1"))
# Password-reset emails per client address, and per email address, in an hour.
PASSWORD_RESET_LIMIT_PER_HOUR = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_HOUR", "5"))


def mailer(url: str) -> dict:
    """A MAILERS entry from a URL: smtp://, smtp+tls:// (STARTTLS), smtps:// (TLS from the
    start), with the user and password percent-encoded and ?timeout=SECONDS (default 10);
    console: and locmem: for Django's backends of those names."""
    parts = urlsplit(url)
    if parts.scheme in {"console", "locmem"}:
        return {"BACKEND": f"django.core.mail.backends.{parts.scheme}.EmailBackend"}
    if parts.scheme not in {"smtp", "smtp+tls", "smtps"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL: unknown scheme {parts.scheme!r} (smtp, smtp+tls, smtps, console)."
        )
    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": parts.hostname or "localhost",
            "port": parts.port,  # None: 25, 587 with STARTTLS, 465 with TLS
            "username": unquote(parts.username) if parts.username else None,
            "password": unquote(parts.password) if parts.password else None,
            "use_tls": parts.scheme == "smtp+tls",
            "use_ssl": parts.scheme == "smtps",
            "timeout": float(parse_qs(parts.query).get("timeout", ["10"])[0]),
        },
    }


# Email (password resets): EMAIL_URL names the server; without it, the console in DEBUG
# (`make run` prints the emails) and an SMTP server on localhost:25 otherwise.
MAILERS = {
    "default": mailer(os.environ.get("EMAIL_URL") or ("console:" if DEBUG else "smtp://localhost"))
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT_HOURS", "24")) * 3600

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
# Django's database sessions, read with a written-out query (claims/sessions.py).
SESSION_ENGINE = "claims.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_flag("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS: redirect and HSTS are opt-in, because they only make sense once TLS is in front.
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_flag("BEHIND_TLS_PROXY") else None
)

# Background tasks: a queue in the database, run by `manage.py desk_worker` (make run and
# make serve start it).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
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
# The desk's archived copies of fetched and uploaded pages (WARC files) are kept in
# Django's default storage: files under MEDIA_ROOT unless STORAGES names another backend.
# They are served only through the desk's own view, never from MEDIA_URL.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# The organisation named as the author of published ClaimReview; its URL, when not set,
# is the site's own address as the request names it.
DESK_ORGANISATION_NAME = os.environ.get("DESK_ORGANISATION_NAME", "Fact-check desk")
DESK_ORGANISATION_URL = os.environ.get("DESK_ORGANISATION_URL", "")

# `manage.py bench` serves its reference pages (claims/benchmark/floor.py) only with this on.
BENCH = env_flag("BENCH")

# Articles imported by URL have their page fetched again this often by the desk worker, and
# a changed text becomes their next version (claims.refetch); 0 turns the checks off.
ARTICLE_REFETCH_HOURS = float(os.environ.get("ARTICLE_REFETCH_HOURS", "24"))

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
