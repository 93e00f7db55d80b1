"""Liveness and readiness probes: /healthz and /readyz."""

import datetime
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.migrations import Migration
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from claims.views import health

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def fresh_memo(monkeypatch):
    """Each test starts as a new process would: migrations not yet seen applied."""
    monkeypatch.setattr(health, "_migrations_applied", False)


def test_healthz_answers_without_the_database(client):
    """Liveness is the process alone: 200, JSON, no cookie, not cached. (No django_db mark:
    a query would fail the test.)"""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


@pytest.mark.django_db
def test_readyz_when_ready(client, django_assert_max_num_queries):
    """Database up, migrations applied, cache up: 200, with the queue reported; no cookie."""
    with django_assert_max_num_queries(3):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "database": "ok",
        "migrations": "applied",
        "cache": "ok",
        "queued_tasks": 0,
        "oldest_queued_task_age_seconds": None,
    }
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


@pytest.mark.django_db
def test_readyz_checks_migrations_once_per_process(client, django_assert_num_queries):
    """Once every migration was seen applied, a probe costs one query (the queue)."""
    client.get("/readyz")
    with django_assert_num_queries(1):
        assert client.get("/readyz").status_code == 200


def enqueue(enqueued_at, *, status="READY", run_after=None):
    task = DBTaskResult.objects.create(
        task_path="claims.sources.tasks.fetch_source",
        args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default",
        status=status,
        run_after=run_after or get_date_max(),  # what the queue stores for "now"
    )
    # enqueued_at is set on creation (auto_now_add); age it afterwards.
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=enqueued_at)


@pytest.mark.django_db
def test_readyz_reports_the_oldest_queued_task(client):
    """The age of the oldest task waiting to run is reported; running, finished and
    not-yet-due tasks are not waiting."""
    now = timezone.now()
    enqueue(now - datetime.timedelta(seconds=90))
    enqueue(now - datetime.timedelta(seconds=5))
    enqueue(now - datetime.timedelta(hours=2), status="RUNNING")
    enqueue(now - datetime.timedelta(hours=3), status="SUCCESSFUL")
    enqueue(now - datetime.timedelta(hours=4), run_after=now + datetime.timedelta(hours=1))
    report = client.get("/readyz").json()
    assert report["queued_tasks"] == 2
    assert 90 <= report["oldest_queued_task_age_seconds"] < 100


@pytest.mark.django_db
def test_readyz_503_while_a_migration_is_not_applied(client):
    """A migration the code has and the database lacks: not ready (503), and it says which."""
    pending = [(Migration("0099_future", "claims"), False)]
    with mock.patch.object(MigrationExecutor, "migration_plan", return_value=pending):
        response = client.get("/readyz")
    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "not ready"
    assert report["migrations"] == "pending"
    assert report["pending_migrations"] == ["claims.0099_future"]
    # Once applied, the same process turns ready.
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_reports_a_cache_that_is_down_but_stays_ready(client):
    """A cache that does not answer (Redis down) is reported; the desk works without it, so
    the process stays ready (one shared Redis down must not take every machine out)."""
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",
            }
        }
    ):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["cache"] == "unreachable"


@pytest.mark.django_db
def test_readyz_503_when_the_database_errors(client):
    """A database error on the probe's query: not ready, and the answer is still JSON."""
    with mock.patch.object(health, "queue_state", side_effect=OperationalError("gone")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_readyz_503_when_the_database_is_unreachable(tmp_path):
    """A server whose PostgreSQL does not answer (a closed port): 503, in JSON."""
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "response = Client().get('/readyz')\n"
        "print(response.status_code, response.content.decode())\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert '"database": "unreachable"' in body


def test_probes_skip_host_checks_and_https_redirects(client, settings):
    """Load balancers probe by address over plain HTTP: no 400 for the host, no redirect."""
    settings.ALLOWED_HOSTS = ["desk.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    # The desk itself still refuses the host.
    assert client.get("/login/", HTTP_HOST="10.0.0.7:8000").status_code == 400


def test_probes_answer_get_only(client):
    """A POST to a probe is refused."""
    assert client.post("/healthz").status_code == 405
