"""Settings read from the environment, as a production process reads them (a subprocess
with `factcheck.settings`, not the tests' settings)."""

import functools
import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from factcheck.settings import mailer, weak_secret_key

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "k" * 10 + uuid.uuid4().hex + uuid.uuid4().hex


def production_env(**overrides) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DEBUG", "REDIS_URL", "SECRET_KEY", "EMAIL_URL"}
    }
    env.update(DJANGO_SETTINGS_MODULE="factcheck.settings", PYTHONPATH=str(ROOT), **overrides)
    return env


def run_python(script: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )


NAMES = [
    "CACHES",
    "STORAGES",
    "MAILERS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
]


@functools.cache
def _settings(env: tuple[tuple[str, str], ...]) -> dict:
    script = (
        "import django, json; django.setup()\n"
        "from django.conf import settings\n"
        f"print(json.dumps({{name: getattr(settings, name) for name in {NAMES!r}}}))\n"
    )
    result = run_python(script, production_env(**dict(env)))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def settings_with(**env) -> dict:
    """Some settings as a production process with this environment sees them."""
    return _settings(tuple(sorted(env.items())))


CONFIGURED = {
    "REDIS_URL": "redis://cache.internal:6379/2",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "EMAIL_URL": "smtps://desk:secret@mail.example.org",
}


def test_cache_is_redis_when_redis_url_is_set():
    """REDIS_URL puts Django's cache on Redis (shared by every process)."""
    assert settings_with(**CONFIGURED)["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/2",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }


def test_cache_is_local_memory_without_redis():
    """Without REDIS_URL (`make run`) each process keeps a cache in memory."""
    backend = settings_with()["CACHES"]["default"]["BACKEND"]
    assert backend == "django.core.cache.backends.locmem.LocMemCache"


def redis_is_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


def test_two_processes_share_the_cache_through_redis():
    """What one process puts in the cache, another reads (the machine's Redis)."""
    if not redis_is_up():
        pytest.fail("Redis is not running on 127.0.0.1:6379: start redis-server (CI does).")
    env = production_env(REDIS_URL="redis://127.0.0.1:6379/15")
    key = f"test-shared-{uuid.uuid4().hex}"
    setup = "import django; django.setup()\nfrom django.core.cache import cache\n"
    written = run_python(setup + f"cache.set({key!r}, 'from the first', 30)", env)
    assert written.returncode == 0, written.stderr
    read = run_python(setup + f"print(cache.get({key!r})); cache.delete({key!r})", env)
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip().splitlines()[-1] == "from the first"


def test_hsts_subdomains_and_preload_come_from_the_environment():
    """SECURE_HSTS_INCLUDE_SUBDOMAINS and SECURE_HSTS_PRELOAD are off unless set."""
    assert settings_with()["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert settings_with()["SECURE_HSTS_PRELOAD"] is False
    assert settings_with(**CONFIGURED)["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert settings_with(**CONFIGURED)["SECURE_HSTS_PRELOAD"] is True


def test_static_files_are_hashed_and_compressed_with_debug_off():
    """DEBUG off: WhiteNoise's compressed, hashed storage; DEBUG on: plain files."""
    production = settings_with()["STORAGES"]["staticfiles"]["BACKEND"]
    assert production == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    local = settings_with(DEBUG="1")["STORAGES"]["staticfiles"]["BACKEND"]
    assert local == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_email_goes_to_the_console_in_debug_and_to_smtp_otherwise():
    """`make run` (DEBUG) prints emails; production sends them to EMAIL_URL."""
    console = settings_with(DEBUG="1")["MAILERS"]["default"]
    assert console == {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    assert settings_with()["MAILERS"]["default"]["OPTIONS"]["host"] == "localhost"
    configured = settings_with(**CONFIGURED)["MAILERS"]["default"]["OPTIONS"]
    assert (configured["host"], configured["use_ssl"]) == ("mail.example.org", True)


@pytest.mark.parametrize(
    ("url", "options"),
    [
        (
            "smtp+tls://desk%40example.org:p%40ss@smtp.example.org:2525?timeout=5",
            {"host": "smtp.example.org", "port": 2525, "username": "desk@example.org",
             "password": "p@ss", "use_tls": True, "use_ssl": False, "timeout": 5.0},
        ),
        (
            "smtps://mail.example.org",
            {"host": "mail.example.org", "port": None, "username": None, "password": None,
             "use_tls": False, "use_ssl": True, "timeout": 10.0},
        ),
        (
            "smtp://localhost",
            {"host": "localhost", "port": None, "username": None, "password": None,
             "use_tls": False, "use_ssl": False, "timeout": 10.0},
        ),
    ],
)  # fmt: skip
def test_email_url_becomes_a_mailer(url, options):
    """EMAIL_URL: scheme for the security, percent-encoded user and password, a timeout."""
    assert mailer(url) == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": options,
    }


def test_console_and_unknown_email_urls():
    """console: is Django's console backend; an unknown scheme is refused by name."""
    assert mailer("console:") == {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    with pytest.raises(ImproperlyConfigured, match="unknown scheme 'http'"):
        mailer("http://mail.example.org")


def test_weak_secret_keys():
    """Short, repetitive or django-insecure keys are weak; 50 random characters are not."""
    assert weak_secret_key("CHANGE-ME")
    assert weak_secret_key("a" * 60)
    assert weak_secret_key("django-insecure-" + uuid.uuid4().hex * 2)
    assert not weak_secret_key(STRONG_KEY)


@pytest.mark.parametrize(
    ("key", "message"),
    [(None, "SECRET_KEY is not set"), ("CHANGE-ME", "SECRET_KEY is too weak")],
)
def test_the_wsgi_entry_point_refuses_a_missing_or_weak_key(key, message):
    """A production server does not start without a real SECRET_KEY (with one it does: see
    test_production)."""
    env = production_env(**({"SECRET_KEY": key} if key else {}))
    result = run_python("import factcheck.wsgi", env)
    assert result.returncode != 0
    assert message in result.stderr


def test_archived_pages_go_to_the_storage_the_environment_names():
    """The archive is the file system by default; FILE_STORAGE_BACKEND and its JSON options
    name a shared one (an object store) for several machines."""
    default = settings_with()["STORAGES"]["default"]
    assert default == {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {}}
    shared = settings_with(
        FILE_STORAGE_BACKEND="storages.backends.s3.S3Storage",
        FILE_STORAGE_OPTIONS='{"bucket_name": "desk-archive"}',
    )["STORAGES"]["default"]
    assert shared == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "desk-archive"},
    }


@pytest.mark.parametrize("options", ["{bucket", '["a list"]'])
def test_storage_options_that_are_not_a_json_object_stop_the_start(options):
    result = run_python(
        "import django; django.setup()", production_env(FILE_STORAGE_OPTIONS=options)
    )
    assert result.returncode != 0
    assert "FILE_STORAGE_OPTIONS" in result.stderr


def _database_options(**env) -> dict:
    script = (
        "import django, json; django.setup()\n"
        "from django.conf import settings\n"
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))\n"
    )
    environment = production_env(DATABASE_URL="postgres://desk@db.internal:5432/desk", **env)
    result = run_python(script, environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgresql_prepares_repeated_queries_unless_told_not_to():
    """Django leaves psycopg's prepared statements off; the desk turns them on (a query
    run five times on a connection is planned once), and DATABASE_PREPARE_THRESHOLD=0
    turns them off for a pooler in transaction mode."""
    options = _database_options()
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5
    assert _database_options(DATABASE_PREPARE_THRESHOLD="0")["prepare_threshold"] is None
    assert _database_options(DATABASE_PREPARE_THRESHOLD="2")["prepare_threshold"] == 2


@pytest.mark.django_db
def test_the_connection_prepares_what_it_runs_often():
    """On PostgreSQL the open connection really prepares (psycopg's own setting)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    connection.ensure_connection()
    assert connection.connection.prepare_threshold == 5
