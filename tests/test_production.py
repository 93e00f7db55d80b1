"""The production profile: `python -m factcheck.serve` (make serve) with the documented
environment, spoken to over plain HTTP as a TLS proxy would."""

import gzip
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings

from factcheck import serve
from tests.conftest import CHROMIUM

ROOT = Path(__file__).resolve().parent.parent
HOST = "desk.example.org"
MARKER = "<!-- production-environment"
HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")
FOREVER = "max-age=315360000, public, immutable"


def documented_environment() -> str:
    """The shell block the deployment docs give as the production environment."""
    for doc in (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))):
        text = doc.read_text()
        if MARKER in text:
            block = text.split(MARKER, 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
            return block
    raise AssertionError("No production environment block in README.md or docs/")


def environment(**overrides) -> dict[str, str]:
    """The documented environment as bash reads it, with these values for this machine."""
    script = documented_environment() + "\nenv -0\n"
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    result = subprocess.run(  # noqa: S603 (our own script)
        ["/bin/bash", "-c", script], env=clean, capture_output=True, text=True, check=True
    )
    env = dict(item.split("=", 1) for item in result.stdout.split("\0") if "=" in item)
    env.update(DJANGO_SETTINGS_MODULE="factcheck.settings", PYTHONPATH=str(ROOT), **overrides)
    return env


def strong_key() -> str:
    return secrets.token_urlsafe(50)


def test_check_deploy_gives_no_warning_with_the_documented_environment():
    """`manage.py check --deploy` with the documented environment: 0 warnings (HSTS
    subdomains and preload included)."""
    env = environment(SECRET_KEY=strong_key())
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": "CHANGE-ME"}, "SECRET_KEY is too weak"),
        ({"DEBUG": "1"}, "DEBUG is on"),
        ({"DATABASE_URL": ""}, "DATABASE_URL is not set"),
    ],
)
def test_serve_refuses_an_unsafe_environment(overrides, message):
    """The production command does not start with the placeholder key, DEBUG, or no
    database named (it would otherwise serve the demo's SQLite file)."""
    env = environment(**{"SECRET_KEY": strong_key(), **overrides})
    result = subprocess.run(
        [sys.executable, "-m", "factcheck.serve"], env=env, cwd=ROOT,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert message in result.stderr


def sleeper(seconds: float = 60, *, ignore_term: bool = False) -> subprocess.Popen:
    code = "import signal, time\n"
    if ignore_term:
        code += "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    code += f"print('up', flush=True)\ntime.sleep({seconds})\n"
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)  # noqa: S603
    child.stdout.readline()  # its signal handling is in place
    return child


def test_supervise_stops_every_child_on_a_signal():
    """A stop signal: every child gets SIGTERM, and the launcher exits 0."""
    children = [("a", sleeper()), ("b", sleeper())]
    assert serve.supervise(children, stopping=[signal.SIGTERM]) == 0
    assert [child.returncode for _name, child in children] == [-signal.SIGTERM] * 2


def test_supervise_stops_the_others_when_one_exits():
    """One child exits: the others are stopped and the launcher exits 1 (to be restarted)."""
    children = [("web", sleeper()), ("short", sleeper(0.1))]
    assert serve.supervise(children, stopping=[]) == 1
    assert children[0][1].returncode == -signal.SIGTERM
    assert children[1][1].returncode == 0


def test_supervise_kills_a_child_that_will_not_stop(monkeypatch):
    """A child that ignores SIGTERM is killed after the grace period."""
    monkeypatch.setattr(serve, "KILL_AFTER", 0.5)
    children = [("stubborn", sleeper(ignore_term=True))]
    assert serve.supervise(children, stopping=[signal.SIGINT]) == 0
    assert children[0][1].returncode == -signal.SIGKILL


def test_a_child_stops_when_the_launcher_is_killed():
    """Killed without a chance to stop its children (SIGKILL), the launcher still leaves
    none behind: each child was told to take SIGTERM when its parent dies."""
    middle = (
        "import subprocess, sys, time\n"
        "from factcheck.serve import _die_with_parent\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'],\n"
        "                         preexec_fn=_die_with_parent)\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    launcher = subprocess.Popen(  # noqa: S603 (our own script)
        [sys.executable, "-c", middle], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    child = int(launcher.stdout.readline())
    assert alive(child)
    launcher.kill()
    launcher.wait()
    deadline = time.monotonic() + 5
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)


@pytest.mark.django_db
def test_machines_migrate_one_at_a_time(monkeypatch):
    """On PostgreSQL, migrate waits while another machine holds the migration lock."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the migration lock is a PostgreSQL advisory lock")
    import psycopg

    ran_at = []
    monkeypatch.setattr(
        "django.core.management.call_command",
        lambda *args, **kwargs: ran_at.append(time.monotonic()),
    )
    params = connection.get_connection_params()
    other_machine = psycopg.connect(**{**params, "autocommit": True})
    other_machine.execute("SELECT pg_advisory_lock(%s)", [serve.MIGRATION_LOCK])
    released_at = []

    def release():
        time.sleep(0.5)
        released_at.append(time.monotonic())
        other_machine.execute("SELECT pg_advisory_unlock(%s)", [serve.MIGRATION_LOCK])

    releaser = threading.Thread(target=release)
    releaser.start()
    serve.migrate()
    releaser.join()
    other_machine.close()
    assert len(ran_at) == 1
    assert ran_at[0] >= released_at[0]


# The whole profile, end to end.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def own_database(tmp_path: Path) -> tuple[str, Callable[[], None]]:
    """A database for the server alone (the tests' own is not visible to another process):
    a PostgreSQL database when the suite runs on PostgreSQL, else a SQLite file."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        return f"sqlite:///{tmp_path / 'desk.sqlite3'}", lambda: None
    import psycopg

    name = f"{default['NAME']}_serve_{os.getpid()}"
    params = {
        "host": default["HOST"] or None, "port": default["PORT"] or None,
        "user": default["USER"] or None, "password": default["PASSWORD"] or None,
    }  # fmt: skip
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    netloc = urllib.parse.quote(params["user"] or "", safe="")
    if params["password"]:
        netloc += ":" + urllib.parse.quote(params["password"], safe="")
    netloc += f"@{params['host'] or 'localhost'}:{params['port'] or 5432}"
    return f"postgres://{netloc}/{name}", drop


def descendants(pid: int) -> set[int]:
    """Every process below pid, from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Server:
    def __init__(self, port: int):
        self.port = port

    def request(self, method, path, *, body=None, headers=None, proxied=True):
        """As the TLS proxy forwards it (Host, X-Forwarded-Proto and -For set), or as a
        load balancer's probe comes (by address, plain HTTP)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        sent = (
            {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.10"}
            if proxied
            else {}
        )
        connection.request(method, path, body=body, headers={**sent, **(headers or {})})
        response = connection.getresponse()
        response.body = response.read()
        connection.close()
        return response


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """`python -m factcheck.serve` with the documented environment (2 web workers, 1
    background worker), its own database and static root; a user and an article in it."""
    if socket.socket().connect_ex(("127.0.0.1", 6379)) != 0:
        pytest.fail("Redis is not running on 127.0.0.1:6379: start redis-server (CI does).")
    tmp = tmp_path_factory.mktemp("production")
    database_url, drop_database = own_database(tmp)
    port = free_port()
    env = environment(
        SECRET_KEY=strong_key(),
        DATABASE_URL=database_url,
        REDIS_URL="redis://127.0.0.1:6379/15",
        BIND=f"127.0.0.1:{port}",
        STATIC_ROOT=str(tmp / "static"),
        WEB_CONCURRENCY="2",
        TASK_WORKERS="1",
    )
    log = (tmp / "serve.log").open("w+")
    launcher = subprocess.Popen(
        [sys.executable, "-m", "factcheck.serve"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    server = Server(port)
    server.launcher, server.log, server.env = launcher, log, env
    try:
        deadline = time.monotonic() + 90
        while True:
            assert launcher.poll() is None, f"serve exited:\n{read_log(log)}"
            assert time.monotonic() < deadline, f"not ready in time:\n{read_log(log)}"
            try:
                if server.request("GET", "/readyz").status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        server.processes = descendants(launcher.pid)
        server.username, server.password = "ada", strong_key()
        server.article_id = seed(server)
        yield server
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
        launcher.wait()
        log.close()
        drop_database()


def read_log(log) -> str:
    log.flush()
    log.seek(0)
    return log.read()[-5000:]


def seed(server) -> int:
    """An admin account and an article, made as an operator would (manage.py)."""
    script = (
        "import django; django.setup()\n"
        "from django.contrib.auth.models import User\n"
        "from claims.models import Article\n"
        "from django.core.management import call_command\n"
        f"User.objects.create_superuser('ada', 'ada@example.org', {server.password!r})\n"
        "call_command('import_article', 'claims/fixtures/seed-article.txt', title='Seoul')\n"
        "print(Article.objects.get().pk)\n"
    )
    result = subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "-c", script], env=server.env, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip().splitlines()[-1])


def static_links(html: bytes) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html.decode())


def cookie(response, name: str) -> str:
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith(f"{name}="):
            return header.split(";", 1)[0]
    raise AssertionError(f"no {name} cookie in {response.headers}")


def assert_served_for_ever(server, links: list[str]) -> None:
    """Each linked static file: a hashed name, 200, cacheable for ever, gzip on request."""
    assert links
    for link in links:
        assert HASHED.search(link), link
        response = server.request("GET", link, headers={"Accept-Encoding": "gzip"})
        assert response.status == 200, link
        assert response.headers["Cache-Control"] == FOREVER, link
        if response.headers.get("Content-Encoding") == "gzip":
            assert gzip.decompress(response.body)
        assert len(response.body) > 100, link


def test_the_desk_serves_its_pages_and_static_files(production):
    """Login page, then (logged in) an article's workspace: every CSS and JavaScript file
    they link (desk.css, htmx, desk.js) answers 200 under a hashed name, cached for ever;
    HSTS is sent; the CSS is compressed."""
    login = production.request("GET", "/login/")
    assert login.status == 200
    assert "includeSubDomains; preload" in login.headers["Strict-Transport-Security"]
    links = static_links(login.body)
    assert any("/static/claims/desk." in link for link in links)
    assert any("/static/django_htmx/htmx-2.min." in link for link in links)
    assert_served_for_ever(production, links)
    css = next(link for link in links if "/static/claims/desk." in link)
    compressed = production.request("GET", css, headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip"

    csrf_cookie = cookie(login, "csrftoken")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', login.body).group(1)
    form = urllib.parse.urlencode(
        {"username": production.username, "password": production.password,
         "csrfmiddlewaretoken": token.decode()}
    )  # fmt: skip
    logged_in = production.request(
        "POST", "/login/", body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": csrf_cookie,
                 "Origin": f"https://{HOST}", "Referer": f"https://{HOST}/login/"},
    )  # fmt: skip
    assert logged_in.status == 302, logged_in.body[:2000]
    session = cookie(logged_in, "sessionid")
    workspace = production.request(
        "GET", f"/articles/{production.article_id}/", headers={"Cookie": session}
    )
    assert workspace.status == 200
    links = static_links(workspace.body)
    assert any("/static/claims/desk." in link and link.endswith(".js") for link in links)
    assert_served_for_ever(production, links)


def test_the_admin_and_the_api_docs_have_their_static_files(production):
    """The admin's CSS and JavaScript and the API docs' (Swagger UI) assets are served."""
    admin = production.request("GET", "/admin/login/")
    assert admin.status == 200
    links = static_links(admin.body)
    assert any(link.startswith("/static/admin/css/") for link in links)
    assert_served_for_ever(production, links)
    docs = production.request("GET", "/api/docs")
    assert docs.status == 200
    links = static_links(docs.body)
    assert any("/static/ninja/swagger-ui." in link for link in links)
    assert any("/static/ninja/swagger-ui-bundle." in link for link in links)
    assert_served_for_ever(production, links)


def test_plain_http_is_redirected_to_https(production):
    """A request the proxy marks as plain HTTP is sent to HTTPS."""
    response = production.request("GET", "/login/", headers={"X-Forwarded-Proto": "http"})
    assert response.status == 301
    assert response.headers["Location"] == f"https://{HOST}/login/"


def test_readiness_by_address_over_plain_http(production):
    """A load balancer's probe (its own Host, plain HTTP) gets the readiness report."""
    response = production.request("GET", "/readyz", proxied=False)
    assert response.status == 200
    assert b'"status": "ready"' in response.body


# Several app servers on one database and one Redis: any request may land on any of them.


@pytest.fixture(scope="module")
def second_server(production):
    """Another app server (gunicorn alone, one worker) beside the first, sharing its
    database, Redis, static files and SECRET_KEY, as a second machine would."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "factcheck.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-control-socket",
    ]  # fmt: skip
    server = subprocess.Popen(  # noqa: S603 (fixed arguments)
        command, env=production.env, cwd=ROOT, stdout=production.log, stderr=subprocess.STDOUT
    )
    other = Server(port)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, read_log(production.log)
            assert time.monotonic() < deadline, read_log(production.log)
            try:
                if other.request("GET", "/readyz").status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        yield other
    finally:
        server.terminate()
        server.wait(timeout=40)


def form_token(response) -> tuple[str, str]:
    """The CSRF cookie and the form's token from a page."""
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.body).group(1)
    return cookie(response, "csrftoken"), token.decode()


def post_form(server, path, fields, *, cookies, client="192.0.2.10"):
    return server.request(
        "POST", path, body=urllib.parse.urlencode(fields),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": "; ".join(cookies),
                 "Origin": f"https://{HOST}", "Referer": f"https://{HOST}{path}",
                 "X-Forwarded-For": client},
    )  # fmt: skip


def test_log_in_on_one_server_and_work_on_the_other(production, second_server):
    """A session started on one server works on the other; an article imported there
    (with the other's form token) opens on the first, with its confirmation message."""
    login = production.request("GET", "/login/")
    csrf, token = form_token(login)
    fields = {"username": production.username, "password": production.password}
    logged_in = post_form(
        production, "/login/", {**fields, "csrfmiddlewaretoken": token}, cookies=[csrf]
    )
    assert logged_in.status == 302
    session = cookie(logged_in, "sessionid")
    form = second_server.request("GET", "/articles/new/", headers={"Cookie": session})
    assert form.status == 200
    csrf, token = form_token(form)
    title = f"Two servers {secrets.token_hex(4)}"
    body = "The minister said on Tuesday that 40 new schools opened in 2023."
    imported = post_form(
        second_server, "/articles/new/",
        {"title": title, "body": body, "csrfmiddlewaretoken": token}, cookies=[session, csrf],
    )  # fmt: skip
    assert imported.status == 302, imported.body[:2000]
    messages = cookie(imported, "messages")
    page = production.request(
        "GET", imported.headers["Location"], headers={"Cookie": f"{session}; {messages}"}
    )
    assert page.status == 200
    assert title.encode() in page.body
    assert b"proposed claims" in page.body  # the message set on the other server


def test_failed_logins_add_up_across_servers(production, second_server):
    """Throttling is shared: failures on either server count toward one lockout (then the
    right password is refused too), and the client's address is the one the proxy put in
    X-Forwarded-For."""
    client = f"2001:db8::{secrets.token_hex(2)}"
    for attempt in range(5):
        server = (production, second_server)[attempt % 2]
        csrf, token = form_token(server.request("GET", "/login/"))
        fields = {
            "username": f"nobody-{attempt}",
            "password": "wrong",
            "csrfmiddlewaretoken": token,
        }
        failed = post_form(server, "/login/", fields, cookies=[csrf], client=client)
        assert failed.status == (429 if attempt == 4 else 200)  # the fifth locks out
    csrf, token = form_token(production.request("GET", "/login/"))
    fields = {"username": production.username, "password": production.password}
    locked = post_form(
        production, "/login/", {**fields, "csrfmiddlewaretoken": token}, cookies=[csrf],
        client=client,
    )  # fmt: skip
    assert locked.status == 429
    assert b"Too many failed attempts" in locked.body


def test_password_reset_cap_is_counted_in_redis_across_servers(production, second_server):
    """The hourly cap on reset emails per address holds across servers (counted in Redis,
    not in each process)."""
    client = f"2001:db8::{secrets.token_hex(2)}"
    statuses = []
    for attempt in range(6):
        server = (production, second_server)[attempt % 2]
        csrf, token = form_token(server.request("GET", "/password-reset/"))
        fields = {"email": f"nobody{attempt}@example.org", "csrfmiddlewaretoken": token}
        statuses.append(
            post_form(server, "/password-reset/", fields, cookies=[csrf], client=client).status
        )
    assert statuses == [302] * 5 + [429]


@pytest.mark.browser
def test_a_browser_loads_the_desk_with_its_css_and_javascript(production, browser_type):
    """Chromium, as behind the TLS proxy, loads the login page of the production profile:
    the stylesheet applies, htmx runs, no request fails and nothing breaks the CSP."""
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is not installed: run `make test`, which installs it.")
    browser = browser_type.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", f"--host-resolver-rules=MAP {HOST} 127.0.0.1"],
    )
    try:
        context = browser.new_context(extra_http_headers={"X-Forwarded-Proto": "https"})
        page = context.new_page()
        problems = []

        # Not problems here: the favicon the desk does not have (the browser asks for one by
        # itself), and the COOP header that Chromium ignores over plain HTTP (no TLS here).
        def console(message):
            if message.type != "error" or "Cross-Origin-Opener-Policy" in message.text:
                return
            if not message.location.get("url", "").endswith("/favicon.ico"):
                problems.append(f"{message.text} {message.location}")

        def response(answer):
            if answer.status >= 400 and not answer.url.endswith("/favicon.ico"):
                problems.append(f"{answer.status} {answer.url}")

        page.on("console", console)
        page.on("response", response)
        page.on("requestfailed", lambda request: problems.append(f"failed {request.url}"))
        page.goto(f"http://{HOST}:{production.port}/login/")
        assert page.evaluate("typeof window.htmx") == "object"
        # desk.css gives .narrow a max-width (44rem); without it the width is "none".
        assert page.eval_on_selector(".narrow", "e => getComputedStyle(e).maxWidth") != "none"
        assert problems == []
    finally:
        browser.close()


def test_ctrl_c_stops_every_process(production):
    """Ctrl-C (SIGINT to the foreground process group) stops the launcher, gunicorn's
    master and workers, and the background worker: no process is left behind. (Runs last.)"""
    assert len(production.processes) >= 4  # gunicorn master, 2 workers, db_worker
    os.killpg(production.launcher.pid, signal.SIGINT)
    assert production.launcher.wait(timeout=40) == 0
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in production.processes) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in production.processes if alive(pid)], read_log(production.log)
    log = read_log(production.log)
    assert "SIGINT received; stopping." in log
    assert "Shutting down: Master" in log
