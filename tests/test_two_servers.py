"""Statelessness: two production servers (gunicorn, DEBUG off, the documented environment)
on one PostgreSQL database and one Redis, with one background worker beside them, and a
reviewer whose every request may land on either server, as behind a load balancer
without sticky sessions.

The journey goes through the claim views, alternating between the servers: log in on one,
import on the other, take a claim, cite a page whose fetch the worker does in the
background, remove the citation and undo it (the undo is kept in the session), and edit
the claim from two stale forms (the second save is a conflict showing both versions).

The database is one of the test's own, created and dropped here, on the machine's
PostgreSQL (127.0.0.1:5432, or the server the suite runs on): in the suite's SQLite pass
too. The cache is Redis database 7 of 127.0.0.1:6379, emptied before and after. The
archived copies of pages (MEDIA_ROOT) are in one folder for all, as the deployment docs
require of several machines. Without PostgreSQL or Redis the test is skipped."""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from factcheck import serve
from tests.test_production import Server, environment, free_port, strong_key

ROOT = Path(__file__).resolve().parent.parent
REDIS = ("127.0.0.1", 6379)
REDIS_DB = 7
# Start-up and journey take about 30 s here; past this the test fails and stops everything.
TIME_LIMIT = 90

SEED = """
import django
django.setup()
from django.contrib.auth.models import Group, User
from factcheck import serve

serve.migrate()
user = User.objects.create_user({username!r}, password={password!r})
user.groups.add(Group.objects.get(name="Reviewer"))
"""

ARTICLE = (
    "The minister said on Tuesday that 40 new schools opened in 2023. "
    "According to the ministry, unemployment fell to 4.2% last year, the lowest rate "
    "since 2008. Critics said the figures were misleading."
)


def postgres_params() -> dict:
    """How to reach the machine's PostgreSQL: as the suite does when it runs on it, else
    127.0.0.1:5432 as the current user (libpq's defaults: PGUSER, PGPASSWORD)."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] == "django.db.backends.postgresql":
        return {
            "host": default["HOST"] or "127.0.0.1", "port": default["PORT"] or 5432,
            "user": default["USER"] or None, "password": default["PASSWORD"] or None,
        }  # fmt: skip
    return {"host": "127.0.0.1", "port": 5432}


def database_url(params: dict, name: str) -> str:
    user = urllib.parse.quote(params.get("user") or "", safe="")
    if params.get("password"):
        user += ":" + urllib.parse.quote(params["password"], safe="")
    at = f"{user}@" if user else ""
    return f"postgres://{at}{params['host']}:{params['port']}/{name}"


@dataclass
class OwnDatabase:
    """A PostgreSQL database for the servers alone (the suite's test database is not
    visible to other processes), dropped at the end."""

    params: dict
    name: str = f"factcheck_twoserver_{os.getpid()}"

    def _admin(self):
        import psycopg

        return psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **{
            key: value for key, value in self.params.items() if value is not None
        })  # fmt: skip

    def create(self) -> str:
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{self.name}"')
        return database_url(self.params, self.name)

    def drop(self) -> None:
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def reachable_or_skip(database: OwnDatabase) -> None:
    import psycopg

    with socket.socket() as probe:
        probe.settimeout(2)
        if probe.connect_ex(REDIS) != 0:
            pytest.skip("Redis is not reachable on 127.0.0.1:6379 (start redis-server; CI does)")
    try:
        database._admin().close()
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable on 127.0.0.1:5432: {error}".strip())


def empty_redis() -> None:
    import redis

    redis.Redis(*REDIS, db=REDIS_DB, socket_timeout=2).flushdb()


class PageSite:
    """Pages on 127.0.0.1 for the worker to fetch, each titled after its path."""

    def __init__(self):
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                site.requests.append(self.path)
                body = (
                    f"<!doctype html><html><head><title>Report of {self.path}</title></head>"
                    f"<body><p>Forty new schools opened in 2023, the report says.</p></body>"
                    f"</html>"
                ).encode()
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

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class TwoServers:
    """Servers A and B (the worker runs beside them), their logs, the reviewer's account."""

    a: Server
    b: Server
    username: str
    password: str
    site: PageSite
    logs: Path
    started_in: float

    def log_tail(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}"
            for log in sorted(self.logs.glob("*.log"))
        )


class TimeLimit(Exception):
    pass


def _out_of_time(signum, frame):
    raise TimeLimit(f"the two-server test took more than {TIME_LIMIT} s")


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    with log.open("ab") as output:
        return subprocess.Popen(  # noqa: S603 (the desk's own commands)
            command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def stop(children: list[subprocess.Popen]) -> None:
    """SIGTERM to each process group, SIGKILL to any still there 10 s later."""
    for child in children:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def wait_until(condition, *, timeout: float, what: str, logs: TwoServers, step: float = 0.1):
    """Poll until `condition()` is truthy and return its value; fail with the logs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{logs.log_tail()}")


def ready(server: Server) -> bool:
    try:
        return server.request("GET", "/readyz").status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    """Servers A and B (`make serve`'s gunicorn command, one web worker each, on ports of
    their own) and `manage.py desk_worker`, sharing the database, Redis, SECRET_KEY and the
    storage of archived pages (MEDIA_ROOT, which several machines must share)."""
    database = OwnDatabase(postgres_params())
    reachable_or_skip(database)
    began = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _out_of_time)
    signal.alarm(TIME_LIMIT)
    tmp = tmp_path_factory.mktemp("two-servers")
    children: list[subprocess.Popen] = []
    site = PageSite()
    try:
        empty_redis()
        env = environment(
            SECRET_KEY=strong_key(),
            DATABASE_URL=database.create(),
            REDIS_URL=f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}",
            STATIC_ROOT=str(tmp / "static"),
            MEDIA_ROOT=str(tmp / "media"),
            FETCH_ALLOW_LOOPBACK="1",
            DETECTION_PROCESSES="0",
            PYTHONUNBUFFERED="1",
        )
        username, password = "rita", strong_key()
        # Migrating and collecting the static files, side by side.
        preparing = [
            start(
                [sys.executable, "-c", SEED.format(username=username, password=password)],
                env, tmp / "migrate.log",
            ),
            start(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                env, tmp / "collectstatic.log",
            ),
        ]  # fmt: skip
        children.extend(preparing)
        for child in preparing:
            assert child.wait(timeout=90) == 0, (tmp / "migrate.log").read_text()[-3000:] + (
                tmp / "collectstatic.log"
            ).read_text()[-3000:]
        servers = []
        for name in ("a", "b"):
            port = free_port()
            own = {**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"}
            [(_, command)] = [item for item in serve.commands(own) if item[0] == "gunicorn"]
            children.append(start(command, own, tmp / f"server-{name}.log"))
            servers.append(Server(port))
        worker = [sys.executable, "manage.py", "desk_worker", "--no-reload", "--interval", "0.2"]
        children.append(start([*worker, "--no-startup-delay"], env, tmp / "worker.log"))
        desk = TwoServers(*servers, username, password, site, tmp, 0.0)
        for server in servers:
            wait_until(lambda s=server: ready(s), timeout=60, what="/readyz", logs=desk)
        assert all(child.poll() is None for child in children[2:]), desk.log_tail()
        desk.started_in = time.monotonic() - began
        yield desk
    finally:
        # Stopping is bounded by itself (SIGKILL after 10 s): no alarm in the middle of it.
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        stop(children)
        site.close()
        database.drop()
        empty_redis()


class Forms(HTMLParser):
    """The forms of a page: action, class and the values they would send."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"action": attrs.get("action", ""), "class": attrs.get("class") or "", "fields": {}}
            )
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and attrs.get("name"):
            if attrs.get("type") not in {"radio", "checkbox"} or "checked" in attrs:
                fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            fields[self._textarea] = ""
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and "selected" in attrs:
            fields[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            # As browsers do: a newline right after <textarea> is not part of the value.
            fields = self.forms[-1]["fields"]
            fields[self._textarea] = fields[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def form(html: str, *, action_ends: str = "", css_class: str = "") -> dict:
    """The one form whose action ends so (and with that class)."""
    found = [
        f
        for f in Forms(html).forms
        if f["action"].endswith(action_ends) and (not css_class or css_class in f["class"].split())
    ]
    assert len(found) == 1, f"{len(found)} forms ending {action_ends!r} ({css_class!r})"
    return found[0]


@dataclass
class Reviewer:
    """A browser: one cookie jar, whichever server answers."""

    cookies: dict[str, str] = field(default_factory=dict)
    requests: dict[int, int] = field(default_factory=dict)

    def _send(self, server: Server, method: str, path: str, **kwargs):
        jar = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        headers = {**kwargs.pop("headers", {}), **({"Cookie": jar} if jar else {})}
        response = server.request(method, path, headers=headers, **kwargs)
        self.requests[server.port] = self.requests.get(server.port, 0) + 1
        for header in response.headers.get_all("Set-Cookie") or []:
            pair, _, attributes = header.partition(";")
            name, _, value = pair.strip().partition("=")
            if value in {"", '""'} or "max-age=0" in attributes.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        response.text = response.body.decode()
        assert response.status < 500, f"{response.status} {method} {path}\n{response.text}"
        return response

    def get(self, server: Server, path: str, *, htmx: bool = False):
        return self._send(server, "GET", path, headers={"HX-Request": "true"} if htmx else {})

    def post(self, server: Server, path: str, fields: dict, *, page):
        """Send a form with the CSRF token of `page` (the page the form came from)."""
        token = next(
            f["fields"]["csrfmiddlewaretoken"]
            for f in Forms(page.text).forms
            if "csrfmiddlewaretoken" in f["fields"]
        )
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token})
        return self._send(
            server, "POST", path, body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Origin": "https://desk.example.org",
                     "Referer": f"https://desk.example.org{path}"},
        )  # fmt: skip


def redirected(response) -> str:
    assert response.status == 302, f"{response.status}\n{response.text[:3000]}"
    return urllib.parse.urlsplit(response.headers["Location"]).path


def test_a_reviewer_alternates_between_two_servers(two_servers, capsys):
    """Each change is made on one server and seen, undone or contradicted on the other:
    the session (login, undo), messages, the queue and the claim's version are shared."""
    desk = two_servers
    a, b, me = desk.a, desk.b, Reviewer()
    began = time.monotonic()

    # Log in on A; import an article on B with that session.
    login = me.get(a, "/login/")
    fields = {"username": desk.username, "password": desk.password}
    assert redirected(me.post(a, "/login/", fields, page=login)) == "/"
    new = me.get(b, "/articles/new/")
    assert new.status == 200
    imported = me.post(b, "/articles/new/", {"title": "Schools", "body": ARTICLE}, page=new)
    workspace_url = redirected(imported)

    # On A: the article with B's confirmation; accept and take a claim still only detected.
    workspace = me.get(a, workspace_url)
    assert "proposed claims" in workspace.text
    detected = re.search(r'class="mark mark-detected[^"]*" href="([^"]+)"', workspace.text)
    assert detected, workspace.text
    claim_url = detected.group(1)
    panel = me.get(a, claim_url)
    assert redirected(me.post(a, f"{claim_url}do/accept/", {}, page=panel)) == claim_url
    panel = me.get(a, claim_url)
    assert redirected(me.post(a, f"{claim_url}do/assign_self/", {}, page=panel)) == claim_url

    # On B: the claim is ours; cite a page; the worker fetches it; A shows its title.
    panel = me.get(b, claim_url)
    assert "The claim is yours to research." in panel.text
    assert f"<dt>Assignee</dt><dd>{desk.username}</dd>" in panel.text
    page_url = desk.site.url("/schools-report")
    cite = {"url": page_url, "stance": "supports", "excerpt": "Forty new schools opened"}
    cited_at = time.monotonic()
    assert redirected(me.post(b, f"{claim_url}citations/", cite, page=panel)) == claim_url
    citations = f"{claim_url}sections/citations/"

    def fetched():
        section = me.get(a, citations, htmx=True)
        return section if "Page fetched" in section.text else None

    section = wait_until(fetched, timeout=20, step=0.2, what="the background fetch", logs=desk)
    fetch_seconds = time.monotonic() - cited_at
    assert desk.site.requests == ["/schools-report"]
    assert ">Report of /schools-report</a>" in section.text
    assert 'class="excerpt-check excerpt-found"' in section.text  # checked by the worker
    # The worker's archived copy, read by server B.
    archive = section.text.split('href="/archive/', 1)[1].split('"', 1)[0]
    archived = me.get(b, f"/archive/{archive}")
    assert archived.status == 200
    assert "<title>Report of /schools-report</title>" in archived.text

    # Remove the citation on A; the undo (in the session) is offered and taken on B.
    delete = form(section.text, action_ends="/delete/")
    assert redirected(me.post(a, delete["action"], {}, page=section)) == claim_url
    panel = me.get(b, claim_url)
    assert "Citation removed." in panel.text
    assert "Removed “Report of /schools-report”." in panel.text
    undo = form(panel.text, action_ends="/citations/", css_class="undo")["fields"]
    assert redirected(me.post(b, f"{claim_url}citations/", undo, page=panel)) == claim_url
    section = me.get(a, citations, htmx=True)
    assert ">Report of /schools-report</a>" in section.text
    assert "Removed “" not in section.text  # the undo is used up, on every server
    assert delete["action"] not in section.text  # a new citation, the same source
    assert desk.site.requests == ["/schools-report"]  # the source was kept, not fetched again

    # The claim's edit form, read on A and on B; A saves first, B's save is stale.
    on_a = form(me.get(a, claim_url).text, action_ends="/edit/")["fields"]
    stale_page = me.get(b, claim_url)
    on_b = form(stale_page.text, action_ends="/edit/")["fields"]
    assert on_a["version"] == on_b["version"]
    mine = {**on_a, "statement": "Forty new schools opened in 2023 (saved on A)."}
    # (With the token of B's page: any server's token goes with the shared CSRF cookie.)
    assert redirected(me.post(a, f"{claim_url}edit/", mine, page=stale_page)) == claim_url
    theirs = {**on_b, "statement": "Forty schools opened in 2023 (saved on B)."}
    conflict = me.post(b, f"{claim_url}edit/", theirs, page=stale_page)
    assert conflict.status == 409, conflict.text[:3000]
    assert "Someone else changed this while you were editing" in conflict.text
    assert "<dd>Forty new schools opened in 2023 (saved on A).</dd>" in conflict.text
    kept = form(conflict.text, action_ends="/edit/")["fields"]
    assert kept["statement"] == theirs["statement"]
    assert int(kept["version"]) > int(on_b["version"])
    # Saving the kept form again (now knowingly, on A) replaces A's version.
    assert redirected(me.post(a, f"{claim_url}edit/", kept, page=conflict)) == claim_url
    final = me.get(b, claim_url)
    assert "Claim saved." in final.text
    assert form(final.text, action_ends="/edit/")["fields"]["statement"] == theirs["statement"]

    journey = time.monotonic() - began
    with capsys.disabled():
        print(
            f"\ntwo servers: {me.requests[a.port]} requests to A, {me.requests[b.port]} to B, "
            f"0 errors; started in {desk.started_in:.1f} s, journey {journey:.1f} s, "
            f"background fetch landed in {fetch_seconds:.1f} s"
        )
