"""Liveness and readiness for load balancers and process supervisors.

`/healthz`: the process answers (no database). `/readyz`: this process can serve the desk:
the database answers and every migration is applied. It also reports the cache (the desk
works without it, so it does not decide readiness: with one Redis shared by all machines,
failing on it would take every machine out at once) and the background queue (how many
tasks wait and since when) so that a stalled worker shows.
Both answer JSON, never set a cookie, and are served by `factcheck.middleware`, ahead of
host checks, HTTPS redirects and sessions, because probes come by address over plain HTTP.
"""

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Min
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# Once this process has seen every migration applied, it stays so: new migrations come
# with new code, and new code comes with a new process. Later probes skip the check.
_migrations_applied = False


def pending_migrations() -> list[str]:
    """The migrations this code has that the database has not applied, as "app.name"."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def queue_state() -> dict:
    """How many background tasks are due and waiting, and the oldest one's age in seconds."""
    waiting = DBTaskResult.objects.ready().aggregate(count=Count("pk"), oldest=Min("enqueued_at"))
    oldest = waiting["oldest"]
    return {
        "queued_tasks": waiting["count"],
        "oldest_queued_task_age_seconds": (
            round((timezone.now() - oldest).total_seconds(), 1) if oldest else None
        ),
    }


def readiness() -> tuple[bool, dict]:
    """Whether this process is ready to serve, with what was found."""
    global _migrations_applied  # a per-process memo, see above
    report: dict = {"database": "ok", "migrations": "applied", "cache": "ok"}
    try:
        report.update(queue_state())
        if not _migrations_applied:
            pending = pending_migrations()
            if pending:
                report["migrations"] = "pending"
                report["pending_migrations"] = pending
            _migrations_applied = not pending
    except DatabaseError as error:
        logger.warning("Readiness: the database did not answer: %s", error)
        report.update(database="unreachable", migrations="unknown")
    try:
        cache.get("readyz")
    except Exception as error:  # each cache backend raises its own errors
        logger.warning("Readiness: the cache did not answer: %s", error)
        report["cache"] = "unreachable"
    ready = (report["database"], report["migrations"]) == ("ok", "applied")
    return ready, {"status": "ready" if ready else "not ready", **report}


def _no_store(response: JsonResponse) -> JsonResponse:
    response["Cache-Control"] = "no-store"
    return response


def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answering; nothing else is checked."""
    return _no_store(JsonResponse({"status": "alive"}))


def readyz(request: HttpRequest) -> JsonResponse:
    """200 when this process can serve the desk, 503 (with the reason) when not."""
    ready, report = readiness()
    return _no_store(JsonResponse(report, status=200 if ready else 503))
