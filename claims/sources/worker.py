"""The desk's background worker: django-tasks-db's worker, kept alive through database
outages, with a lease on running tasks so that a task whose worker died runs again.

On its own, django-tasks-db marks a task RUNNING when a worker claims it and never looks at
it again, so a worker killed mid-task leaves it RUNNING for ever; and its loop stops at the
first database error, so a PostgreSQL restart ends the worker. The desk worker runs the
library's loop in passes (every ready task, then back here) and between passes:

- re-queues the tasks whose lease expired: RUNNING longer than the lease since a worker
  claimed them. Each claim adds the worker's id to the row, so the ids count the attempts;
  a task claimed `max_attempts` times is marked FAILED instead, and `task_finished` is sent
  so that its owner can show the failure (a source's fetch says it failed);
- queues the scheduled checks of articles imported by URL that are due (claims.refetch),
  at most once every SCHEDULE_SECONDS;
- on a lost database connection closes the connections and tries again after a growing,
  capped delay, with one log line when the database goes away and one when it is back.

The lease must be longer than any task takes (a fetch gives up after FETCH_TIMEOUT_SECONDS),
or a slow task would be run a second time beside the first.
"""

import logging
import random
import time
from contextlib import suppress
from datetime import timedelta

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.tasks import TaskResultStatus
from django.tasks.signals import task_finished
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from claims.refetch import queue_due_checks

logger = logging.getLogger("claims.worker")

FIRST_RETRY_SECONDS = 0.5
SCHEDULE_SECONDS = 60.0  # between two looks for articles whose page is due a check


class LeaseExpired(Exception):
    """The workers that claimed a task stopped before finishing it, too many times."""


def requeue_expired(
    *, lease: float, max_attempts: int, backend_name: str = "default", now=None
) -> tuple[int, int]:
    """Put the tasks held longer than the lease back in the queue, or fail those already
    claimed `max_attempts` times. Returns (re-queued, failed)."""
    now = now or timezone.now()
    expired = DBTaskResult.objects.running().filter(
        backend_name=backend_name, started_at__lt=now - timedelta(seconds=lease)
    )
    requeued = failed = 0
    for result in expired:
        # A conditional update: when several workers look at once, one of them wins.
        unchanged = DBTaskResult.objects.filter(
            pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
        )
        attempts = len(result.worker_ids)
        if attempts < max_attempts:
            if unchanged.update(status=TaskResultStatus.READY, started_at=None):
                requeued += 1
                logger.warning("Task id=%s re-queued after %d lost attempt(s)", result.pk, attempts)
            continue
        error = LeaseExpired(
            f"it was started {attempts} times and each time its worker went away before "
            f"finishing (lease {lease:g} s)."
        )
        result.status = TaskResultStatus.FAILED
        result.finished_at = now
        result.exception_class_path = f"{LeaseExpired.__module__}.{LeaseExpired.__qualname__}"
        result.traceback = f"{result.exception_class_path}: {error}\n"
        result.return_value = None
        if unchanged.update(
            status=result.status,
            finished_at=result.finished_at,
            exception_class_path=result.exception_class_path,
            traceback=result.traceback,
            return_value=None,
        ):
            failed += 1
            announce_failure(result)
    return requeued, failed


def announce_failure(result: DBTaskResult) -> None:
    """Send `task_finished` for a task failed outside its run, as the worker does for one
    that raised."""
    try:
        task_result = result.task_result
        sender = type(result.task.get_backend())
    except ImportError:
        logger.exception("Task id=%s failed: its task can no longer be imported", result.pk)
        return
    task_finished.send(sender=sender, task_result=task_result)


class _PassBoundaries(logging.Filter):
    """Drops the library's "starting" and "no more tasks" lines, which each pass repeats."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.funcName == "run" and record.levelno <= logging.INFO)


class DeskWorker(Worker):
    """django-tasks-db's Worker with leases, and a loop that outlives database outages."""

    def __init__(self, *, lease: float, max_attempts: int, max_backoff: float = 10.0, **options):
        super().__init__(**options)
        self.lease = lease
        self.max_attempts = max_attempts
        self.max_backoff = max_backoff
        # Each pass of the library's loop runs the ready tasks, then returns here.
        self.single_pass = self.batch
        self.batch = True
        self.outage_started: float | None = None
        self.failed_tries = 0
        self.next_schedule = 0.0  # time.monotonic() of the next look for due checks
        library_logger = logging.getLogger("django_tasks_db")
        if not any(isinstance(f, _PassBoundaries) for f in library_logger.filters):
            library_logger.addFilter(_PassBoundaries())

    def run(self) -> None:
        logger.info(
            "Desk worker %s on queues %s (lease %g s, at most %d attempts)",
            self.worker_id,
            ",".join(self.queue_names),
            self.lease,
            self.max_attempts,
        )
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 (spreads workers started together)
        self.startup_delay = False
        while self.running:
            try:
                requeue_expired(
                    lease=self.lease, max_attempts=self.max_attempts, backend_name=self.backend_name
                )
                self.database_back()
                self.queue_scheduled()
                super().run()
            except (OperationalError, InterfaceError) as error:
                time.sleep(self.database_lost(error))
                continue
            if self.single_pass or self.finished_max_tasks():
                return
            if self.running:
                time.sleep(self.interval)

    def queue_scheduled(self) -> None:
        """Queue the due checks of article pages, if the last look is a while ago."""
        if time.monotonic() < self.next_schedule:
            return
        queued = queue_due_checks()
        self.next_schedule = time.monotonic() + SCHEDULE_SECONDS
        if queued:
            logger.info("Queued %d check(s) of article pages for a new version", queued)

    def finished_max_tasks(self) -> bool:
        if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
            logger.info("Ran %d tasks: worker %s stops", self._run_tasks, self.worker_id)
            return True
        return False

    def database_lost(self, error: Exception) -> float:
        """Drop the broken connections; returns how long to wait before the next try."""
        for connection in connections.all(initialized_only=True):
            with suppress(DatabaseError):
                connection.close()
        if self.outage_started is None:
            self.outage_started = time.monotonic()
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
            logger.warning("Database unavailable (%s): worker %s retries", reason, self.worker_id)
        self.failed_tries += 1
        return min(self.max_backoff, FIRST_RETRY_SECONDS * 2 ** (self.failed_tries - 1))

    def database_back(self) -> None:
        if self.outage_started is None:
            return
        logger.warning(
            "Database back after %.1f s: worker %s carries on",
            time.monotonic() - self.outage_started,
            self.worker_id,
        )
        self.outage_started = None
        self.failed_tries = 0
