"""A PostgreSQL restart under load costs at most one failed request per web worker, and
none once the restart is over: the production web server with two workers, four clients
of logged-in pages, and `pg_ctl restart -m fast` in the middle. The figures are printed so
that CI logs show them (pytest -s, or the captured output of a failure)."""

import http.client
import sys
import threading
import time

import pytest

from tests.faults.conftest import wait_for
from tests.faults.postgres import free_port

pytestmark = pytest.mark.fault

WEB_WORKERS = 2
CLIENTS = 4
WINDOW_SECONDS = 10
RESTART_AT_SECONDS = 4

# The production web server as the production profile runs it, with two web workers.
SERVER_COMMAND = [
    *(sys.executable, "-m", "gunicorn", "factcheck.wsgi:application"),
    *("--workers", str(WEB_WORKERS), "--bind", "127.0.0.1:{port}", "--graceful-timeout", "5"),
]


def get(port: int, path: str, session: str, *, htmx: bool = False) -> int | str:
    """One logged-in GET on a new connection: the status, or the connection error's name."""
    headers = {"Cookie": f"sessionid={session}"}
    if htmx:
        headers["HX-Request"] = "true"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError as error:
        return type(error).__name__
    finally:
        connection.close()


def test_a_postgresql_restart_under_load_costs_at_most_one_request_per_worker(
    running, tmp_path, capsys
):
    port = free_port()
    log = tmp_path / "server.log"
    server = running.start([part.format(port=port) for part in SERVER_COMMAND], log)

    def answers() -> bool:
        if server.poll() is not None:
            pytest.fail(f"The web server stopped:\n{log.read_text()}")
        return get(port, running.workspace, running.session) == 200

    wait_for(answers, timeout=30, step=0.25, what="the web server to answer")

    requests = []  # (started, ended, status) relative to the start of the window
    start = time.monotonic()
    stop_at = start + WINDOW_SECONDS

    def client(number: int):
        pages = [(running.workspace, False), (running.panel, True)]
        turn = number
        while time.monotonic() < stop_at:
            path, htmx = pages[turn % 2]
            turn += 1
            began = time.monotonic() - start
            status = get(port, path, running.session, htmx=htmx)
            requests.append((began, time.monotonic() - start, status))

    clients = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in clients:
        thread.start()
    time.sleep(RESTART_AT_SECONDS)
    restart_began = time.monotonic() - start
    running.postgres.restart()
    restart_ended = time.monotonic() - start
    for thread in clients:
        thread.join()

    failed = [(began, status) for began, _, status in requests if status != 200]
    after = [(began, status) for began, status in failed if began > restart_ended]
    with capsys.disabled():
        print(
            f"\nPostgreSQL restart under load: {len(requests)} requests from {CLIENTS} clients "
            f"to {WEB_WORKERS} web workers in {WINDOW_SECONDS} s; restart from "
            f"{restart_began:.2f} s to {restart_ended:.2f} s; {len(failed)} failed "
            f"({len(after)} after the restart): "
            + (", ".join(f"{status} at {began:.2f} s" for began, status in failed) or "none")
        )
    assert len(requests) > 20, "too few requests to say anything"
    assert len(failed) <= WEB_WORKERS, failed
    assert after == [], after
