"""Drive the production profile with wrk and judge the figures against the budgets.

Every page is compared with the floor (`/bench/floor/`) measured in the same run, on the
same machine, through the same middleware: ratios survive a slower or busier machine
better than milliseconds do. Queries and bytes per request are measured in this process
with Django's test client; speed and latency by wrk against gunicorn; memory from /proc.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from claims.benchmark.data import CLAIMS_PER_ARTICLE, BenchData

CONNECTIONS = 16
WEB_WORKERS = 3
REPORT = """\
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, '
    .. '"errors": %d, "non2xx": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
"""
HTMX = {"HX-Request": "true"}


@dataclass
class Page:
    name: str
    path: str
    headers: dict = field(default_factory=dict)
    admin: bool = False  # measured as the library's admin, not as the reviewer
    queries: int = 0
    bytes: int = 0
    status: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0


def pages(data: BenchData) -> list[Page]:
    """The pages measured, the floor first."""
    article = data.articles
    claim = data.claims
    middle = CLAIMS_PER_ARTICLE[1]
    largest = CLAIMS_PER_ARTICLE[-1]
    panel = f"/articles/{article[largest]}/claims/{claim[largest]}/"
    listed = [Page("floor", "/bench/floor/"), Page("empty desk page", "/bench/desk-page/")]
    listed += [Page(f"workspace, {n:,} claims", f"/articles/{article[n]}/") for n in article]
    listed += [
        Page(
            f"workspace filter, {largest:,} claims",
            f"/articles/{article[largest]}/?q=launchers",
            {**HTMX, "HX-Target": "claim-list"},
        ),
        Page(
            f"claim panel, {middle} claims",
            f"/articles/{article[middle]}/claims/{claim[middle]}/",
            HTMX,
        ),
        Page(f"claim panel, {largest:,} claims", panel, HTMX),
        Page("checked before", f"{panel}sections/checked-before/", HTMX),
        Page("library search", f"{panel}sources/?source_q=ceasefire", HTMX),
        Page("my work", "/my-work/"),
        Page("public fact-check", f"/fact-checks/{data.published_claim}/"),
        Page("/fact-checks/", "/fact-checks/"),
        Page("/api/claims", "/api/claims"),
        Page("stock admin changelist", "/bench/admin/claims/claim/", admin=True),
        Page("admin claim changelist", "/admin/claims/claim/", admin=True),
        Page("admin source search", "/admin/claims/source/?q=ceasefire", admin=True),
    ]
    return listed


def session_cookie(user_id: int) -> str:
    """A logged-in session for the benchmark's user, as login would leave it."""
    user = get_user_model().objects.get(pk=user_id)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "claims.backends.DeskModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def count_queries(page: Page, cookie: str) -> None:
    """Queries and bytes of one request, after one to warm the process's caches."""
    client = Client()
    name, value = cookie.split("=", 1)
    client.cookies[name] = value
    client.get(page.path, headers=page.headers)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.path, headers=page.headers)
    page.queries = len(queries)
    page.status = response.status_code
    page.bytes = len(response.content)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, log: Path) -> subprocess.Popen:
    """The production profile (`python -m factcheck.serve`), web workers only, on `port`."""
    env = {**os.environ, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(WEB_WORKERS)}
    env["TASK_WORKERS"] = "0"
    env["GUNICORN_CMD_ARGS"] = "--access-logfile=/dev/null"
    server = subprocess.Popen(
        [sys.executable, "-m", "factcheck.serve"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited; its log:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/floor/", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError(f"the server did not answer in 120 s; its log:\n{log.read_text()[-3000:]}")


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=45)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def worker_rss_mb(server: subprocess.Popen) -> list[float]:
    """Each gunicorn worker's resident memory, in MB (the serve process → gunicorn → workers)."""
    sizes = []
    for master in children(server.pid):
        for worker in children(master):
            try:
                status = Path(f"/proc/{worker}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
    return sizes


def cpu_ticks(server: subprocess.Popen) -> int:
    """CPU time used so far by the gunicorn workers and the database's backends, in ticks."""
    pids = [worker for master in children(server.pid) for worker in children(master)]
    pids += postgres_backends()
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def postgres_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def wait_until_idle(server: subprocess.Popen, limit: float = 90) -> None:
    """Wait for the requests wrk abandoned (still queued in gunicorn, or running) to drain:
    neither the workers nor their database backends use any CPU for half a second."""
    deadline = time.monotonic() + limit
    before = cpu_ticks(server)
    quiet = 0
    while time.monotonic() < deadline and quiet < 2:
        time.sleep(0.25)
        now = cpu_ticks(server)
        quiet = quiet + 1 if now == before else 0
        before = now


def wrk(port: int, page: Page, cookie: str, seconds: float, script: Path, conns: int) -> dict:
    command = ["wrk", "-t", "2", "-c", str(conns), "-d", f"{max(1, round(seconds))}s"]
    command += ["--timeout", "30s"]
    command += ["-s", str(script), "-H", f"Cookie: {cookie}"]
    for name, value in page.headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{page.path}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    return json.loads(output.strip().splitlines()[-1])


def measure(server, port: int, page: Page, cookie: str, seconds: float, script: Path) -> None:
    wrk(port, page, cookie, 1, script, WEB_WORKERS)  # warm every worker
    wait_until_idle(server)
    result = wrk(port, page, cookie, seconds, script, CONNECTIONS)
    wait_until_idle(server)
    page.rps = result["requests"] / (result["duration_us"] / 1e6)
    page.p50_ms = result["p50"] / 1000
    page.p95_ms = result["p95"] / 1000
    page.p99_ms = result["p99"] / 1000
    page.errors = result["errors"] + result["non2xx"]


def run(data: BenchData, *, seconds: float, out=sys.stdout) -> bool:
    """Measure every page, print the table and the budgets; whether every budget is met."""
    cookies = {False: session_cookie(data.user_id), True: session_cookie(data.admin_id)}
    measured = pages(data)
    for page in measured:
        count_queries(page, cookies[page.admin])
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        script = Path(folder) / "report.lua"
        script.write_text(REPORT)
        log = Path(folder) / "serve.log"
        print(f"Starting the production profile on 127.0.0.1:{port} …", file=out, flush=True)
        server = start_server(port, log)
        try:
            for page in measured:
                print(f"  {page.name} …", file=out, flush=True)
                measure(server, port, page, cookies[page.admin], seconds, script)
            rss = worker_rss_mb(server)
        finally:
            stop_server(server)
    print_table(measured, rss, out)
    return print_budgets(measured, rss, out)


def print_table(measured: list[Page], rss: list[float], out) -> None:
    floor = measured[0]
    print(
        f"\n{'page':<34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'floor %':>8} "
        f"{'p99 ×':>7} {'queries':>7} {'bytes':>10} {'errors':>6}",
        file=out,
    )
    for page in measured:
        share = 100 * page.rps / floor.rps if floor.rps else 0
        p99 = page.p99_ms / floor.p99_ms if floor.p99_ms else 0
        print(
            f"{page.name:<34} {page.rps:>8.1f} {page.p50_ms:>8.1f} {page.p99_ms:>8.1f} "
            f"{share:>7.2f}% {p99:>6.1f}× {page.queries:>7} {page.bytes:>10,} {page.errors:>6}",
            file=out,
        )
    print(f"\nweb workers' RSS after the run: {', '.join(f'{mb:.0f} MB' for mb in rss)}", file=out)


def budgets(measured: list[Page], rss: list[float]) -> list[tuple[bool, str]]:
    """The budgets of docs/bench.md: (met, what was measured)."""
    page = {p.name: p for p in measured}
    floor = page["floor"]
    small, large = CLAIMS_PER_ARTICLE[0], CLAIMS_PER_ARTICLE[-1]
    middle = CLAIMS_PER_ARTICLE[1]
    ws = page[f"workspace, {middle} claims"]
    ws_large = page[f"workspace, {large:,} claims"]
    stock = page["stock admin changelist"]
    panel = page[f"claim panel, {large:,} claims"]
    public = page["public fact-check"]
    workspace_queries = [page[f"workspace, {n:,} claims"].queries for n in CLAIMS_PER_ARTICLE]
    panel_queries = [page[f"claim panel, {n:,} claims"].queries for n in (middle, large)]

    def share(p: Page) -> float:
        return 100 * p.rps / floor.rps if floor.rps else 0.0

    return [
        (share(ws) >= 10, f"workspace at {middle} claims ≥ 10 % of the floor: {share(ws):.2f} %"),
        (
            ws.rps >= 4 * stock.rps,
            f"workspace at {middle} claims ≥ 4× the stock admin changelist: "
            f"{ws.rps / stock.rps if stock.rps else 0:.2f}×",
        ),
        (
            ws.p99_ms <= 15 * floor.p99_ms,
            f"workspace at {middle} claims p99 ≤ 15× the floor's: "
            f"{ws.p99_ms / floor.p99_ms if floor.p99_ms else 0:.1f}×",
        ),
        (
            ws_large.rps > 0 and ws_large.p50_ms <= 1.5 * ws.p50_ms,
            f"workspace at {large:,} claims within 1.5× of its time at {middle} (p50): "
            f"{ws_large.p50_ms / ws.p50_ms if ws.p50_ms else 0:.1f}×",
        ),
        (share(panel) >= 5, f"claim panel ≥ 5 % of the floor: {share(panel):.2f} %"),
        (share(public) >= 15, f"public fact-check page ≥ 15 % of the floor: {share(public):.2f} %"),
        (
            max(workspace_queries) <= 6 and len(set(workspace_queries)) == 1,
            f"workspace ≤ 6 queries, constant ({small} to {large:,} claims): {workspace_queries}",
        ),
        (
            max(panel_queries) <= 8 and len(set(panel_queries)) == 1,
            f"claim panel ≤ 8 queries, constant ({middle} to {large:,} claims): {panel_queries}",
        ),
        (
            page["library search"].p95_ms < 50,
            f"library search p95 < 50 ms: {page['library search'].p95_ms:.1f} ms",
        ),
        (
            page["admin source search"].p95_ms < 200,
            f"admin source search p95 < 200 ms: {page['admin source search'].p95_ms:.1f} ms",
        ),
        (
            bool(rss) and max(rss) <= 150,
            f"every web worker ≤ 150 MB after the run: {max(rss, default=0):.0f} MB",
        ),
        (
            all(p.errors == 0 and p.status == 200 for p in measured),
            "every request answered 200: "
            + (
                ", ".join(
                    f"{p.name} ({p.status}, {p.errors} errors)"
                    for p in measured
                    if p.errors or p.status != 200
                )
                or "yes"
            ),
        ),
    ]


def print_budgets(measured: list[Page], rss: list[float], out) -> bool:
    print("\nBudgets:", file=out)
    results = budgets(measured, rss)
    for met, text in results:
        print(f"  {'PASS' if met else 'FAIL'}  {text}", file=out)
    return all(met for met, _ in results)
