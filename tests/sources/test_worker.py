"""The desk worker: tasks whose worker died run again after their lease, at most a few
times; a failed fetch shows on its source; the loop outlives a lost database.

The real faults (a PostgreSQL restart, a worker killed mid-fetch) are in tests/faults/."""

import logging
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from claims.models import FetchStatus
from claims.sources import worker as desk_worker
from claims.sources.tasks import fetch_source
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAGE = b"<!doctype html><html><head><title>Shells report</title></head><body>Text</body></html>"


class Page(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)


@pytest.fixture
def page_url(settings):
    settings.FETCH_ALLOW_LOOPBACK = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/report"
    server.shutdown()
    server.server_close()


@pytest.fixture
def database_queue(settings):
    """Tasks go to the database queue (Django resets its backends when TASKS changes)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def claimed(result_id, *, minutes_ago: float, workers: list[str]) -> DBTaskResult:
    """Mark a queued task as claimed by these workers, the last one `minutes_ago`."""
    row = DBTaskResult.objects.get(pk=result_id)
    row.status = TaskResultStatus.RUNNING
    row.started_at = timezone.now() - timedelta(minutes=minutes_ago)
    row.worker_ids = workers
    row.save()
    return row


def make_worker(**options) -> desk_worker.DeskWorker:
    defaults = {
        "lease": 60,
        "max_attempts": 3,
        "queue_names": ["default"],
        "excluded_queue_names": [],
        "interval": 0,
        "batch": True,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": "test-worker",
    }
    return desk_worker.DeskWorker(**{**defaults, **options})


def test_a_task_past_its_lease_is_queued_again(database_queue):
    """A task held past its lease goes back to the queue; one within it stays running."""
    lost = fetch_source.enqueue(SourceFactory().pk)
    busy = fetch_source.enqueue(SourceFactory().pk)
    claimed(lost.id, minutes_ago=10, workers=["dead"])
    claimed(busy.id, minutes_ago=1, workers=["alive"])

    assert desk_worker.requeue_expired(lease=300, max_attempts=3) == (1, 0)

    lost_row, busy_row = DBTaskResult.objects.get(pk=lost.id), DBTaskResult.objects.get(pk=busy.id)
    assert lost_row.status == TaskResultStatus.READY
    assert lost_row.started_at is None
    assert lost_row.worker_ids == ["dead"]
    assert busy_row.status == TaskResultStatus.RUNNING


def test_a_task_lost_max_attempts_times_fails_and_its_source_shows_it(database_queue):
    """After its last attempt a lost fetch is marked failed, and so is its source's fetch."""
    source = SourceFactory(fetch_status=FetchStatus.PENDING)
    result = fetch_source.enqueue(source.pk)
    claimed(result.id, minutes_ago=10, workers=["one", "two", "three"])

    assert desk_worker.requeue_expired(lease=300, max_attempts=3) == (0, 1)

    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class is desk_worker.LeaseExpired
    source.refresh_from_db()
    assert source.fetch_status == FetchStatus.FAILED
    assert source.fetch_error.startswith("The fetch stopped: it was started 3 times")


def test_a_late_failure_does_not_overwrite_a_later_fetch(database_queue):
    """A lost fetch failing after a newer fetch succeeded leaves the source fetched."""
    source = SourceFactory(fetch_status=FetchStatus.FETCHED)
    result = fetch_source.enqueue(source.pk)
    claimed(result.id, minutes_ago=10, workers=["one", "two", "three"])
    desk_worker.requeue_expired(lease=300, max_attempts=3)
    source.refresh_from_db()
    assert source.fetch_status == FetchStatus.FETCHED


def test_desk_worker_runs_a_lost_task_again_to_the_end(database_queue, page_url):
    """The command re-queues a task whose worker died, then runs it, as its second attempt."""
    source = SourceFactory(url=page_url, title="", fetch_status=FetchStatus.PENDING)
    result = fetch_source.enqueue(source.pk)
    claimed(result.id, minutes_ago=2, workers=["killed"])

    call_command("desk_worker", "--batch", "--no-startup-delay", "--interval", "0", "--lease", "60")

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert len(result.worker_ids) == 2
    source.refresh_from_db()
    assert (source.title, source.fetch_status) == ("Shells report", FetchStatus.FETCHED)


def test_a_fetch_that_raises_leaves_its_source_failed(database_queue, monkeypatch):
    """An unexpected error in a fetch marks the source failed instead of pending for ever."""

    def broken(*args, **kwargs):
        raise ValueError("the parser broke")

    monkeypatch.setattr("claims.sources.library.fetch_page", broken)
    source = SourceFactory(fetch_status=FetchStatus.PENDING)
    result = fetch_source.enqueue(source.pk)

    make_worker().run()

    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    source.refresh_from_db()
    assert source.fetch_status == FetchStatus.FAILED
    assert source.fetch_error == "The fetch stopped: the parser broke"


def test_the_worker_waits_out_a_lost_database_and_carries_on(
    database_queue, page_url, monkeypatch, caplog
):
    """Database errors make the worker wait longer each time, with one line when the
    database goes and one when it is back; then it runs the queue."""
    real_requeue = desk_worker.requeue_expired
    outage = iter([OperationalError("server closed the connection"), OperationalError("no")])

    def requeue_during_outage(**kwargs):
        error = next(outage, None)
        if error is not None:
            raise error
        return real_requeue(**kwargs)

    waits = []
    monkeypatch.setattr(desk_worker, "requeue_expired", requeue_during_outage)
    monkeypatch.setattr(desk_worker.time, "sleep", waits.append)
    source = SourceFactory(url=page_url, title="")
    result = fetch_source.enqueue(source.pk)

    with caplog.at_level(logging.INFO, logger="claims.worker"):
        make_worker().run()

    assert waits == [0.5, 1.0]
    lines = [r.getMessage() for r in caplog.records if r.name == "claims.worker"]
    assert sum("Database unavailable (server closed the connection)" in m for m in lines) == 1
    assert sum("Database back after" in m for m in lines) == 1
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL


def test_retry_waits_grow_and_are_capped():
    """Waits double from half a second up to the cap."""
    worker = make_worker(max_backoff=5)
    waits = [worker.database_lost(OperationalError("down")) for _ in range(6)]
    assert waits == [0.5, 1.0, 2.0, 4.0, 5, 5]
