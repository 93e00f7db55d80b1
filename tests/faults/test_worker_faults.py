"""The background worker under real faults: PostgreSQL going away and coming back, and a
worker killed in the middle of a fetch."""

import os
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.faults.conftest import MANAGE, wait_for

pytestmark = pytest.mark.fault

QUEUE_FETCH = """
import json
from claims.models import Source
from claims.sources.tasks import queue_refresh
from django.db import transaction

with transaction.atomic():
    source = Source.objects.create(url="{url}")
    queue_refresh(source)
from django_tasks_db.models import DBTaskResult
task = DBTaskResult.objects.get(args_kwargs__args=[source.pk])
print(json.dumps([source.pk, str(task.pk)]))
"""

PAGE = b"<!doctype html><html><head><title>Report of {path}</title></head><body>Text</body></html>"


class PageSite:
    """Pages on 127.0.0.1 for the worker to fetch; while `held`, requests wait unanswered."""

    def __init__(self):
        self.released = threading.Event()
        self.released.set()
        self.arrived = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                site.arrived.set()
                site.released.wait(timeout=60)
                body = PAGE.replace(b"{path}", self.path.encode())
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    site = PageSite()
    yield site
    site.close()


def desk_worker(running, log, *, lease: float):
    return running.start(
        [*MANAGE, "desk_worker", "--interval", "0.2", "--no-startup-delay", "--lease", str(lease)],
        log,
        FETCH_TIMEOUT_SECONDS=30,
    )


def task_status(running, task_id: str) -> tuple:
    """The task's status, the workers that claimed it, and when the last one did."""
    return running.query(
        "SELECT status, worker_ids, started_at FROM django_tasks_database_dbtaskresult "
        "WHERE id = %s",
        task_id,
    )


def source_fetch(running, source_id: int) -> tuple[str, str]:
    return running.query("SELECT fetch_status, title FROM claims_source WHERE id = %s", source_id)


def test_worker_survives_a_postgresql_restart_and_runs_the_next_task(running, site, tmp_path):
    """A restart of PostgreSQL (down for a second) does not end the worker: it says once
    that the database is gone and once that it is back, then runs a fetch queued after."""
    log = tmp_path / "worker.log"
    worker = desk_worker(running, log, lease=60)
    wait_for(lambda: "Desk worker" in log.read_text(), timeout=20, what="the worker to start")

    running.postgres.stop_for(1.0)
    source_id, task_id = running.shell(QUEUE_FETCH.replace("{url}", site.url("/after-restart")))

    wait_for(
        lambda: task_status(running, task_id)[0] == "SUCCESSFUL",
        timeout=20,
        what="the fetch queued after the restart",
    )
    assert worker.poll() is None, log.read_text()
    assert source_fetch(running, source_id) == ("fetched", "Report of /after-restart")
    output = log.read_text()
    assert output.count("Database unavailable") == 1, output
    assert output.count("Database back after") == 1, output


def test_a_task_whose_worker_was_killed_runs_again_after_its_lease(running, site, tmp_path):
    """kill -9 in the middle of a fetch leaves the task RUNNING; once its lease expires a
    new worker queues it again and finishes it, as its second attempt."""
    site.released.clear()
    source_id, task_id = running.shell(QUEUE_FETCH.replace("{url}", site.url("/killed")))
    first = desk_worker(running, tmp_path / "first.log", lease=3)
    assert site.arrived.wait(timeout=20), (tmp_path / "first.log").read_text()
    status, workers, first_started = task_status(running, task_id)
    assert (status, len(workers)) == ("RUNNING", 1)

    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    site.released.set()
    assert task_status(running, task_id)[0] == "RUNNING"

    log = tmp_path / "second.log"
    desk_worker(running, log, lease=3)
    wait_for(
        lambda: task_status(running, task_id)[0] == "SUCCESSFUL",
        timeout=20,
        what="the lost fetch to run again",
    )
    status, workers, second_started = task_status(running, task_id)
    assert len(set(workers)) == 2
    assert (second_started - first_started).total_seconds() >= 3, "re-run within the lease"
    assert source_fetch(running, source_id) == ("fetched", "Report of /killed")
    assert "re-queued after 1 lost attempt" in log.read_text()
