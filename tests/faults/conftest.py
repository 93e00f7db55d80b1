"""Fault tests: the desk's own processes (web servers, workers) run against a PostgreSQL of
the tests' own, which the tests restart and kill under them.

The desk runs in child processes as in production (DEBUG off, the database task queue); the
test process looks into the database only through psycopg, never through Django's ORM
(pytest's Django is set up for the suite's test database)."""

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from tests.faults.postgres import PrivatePostgres, server_binaries

ROOT = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(ROOT / "manage.py")]

SEED = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from claims import demo

call_command("migrate", verbosity=0)
article = demo.load_seed_article().article
user = get_user_model().objects.create_user("fault-reviewer")
user.groups.add(Group.objects.get(name="Reviewer"))
client = Client()
client.force_login(user, backend="claims.backends.DeskModelBackend")
print(json.dumps({
    "session": client.cookies["sessionid"].value,
    "workspace": article.get_absolute_url(),
    "panel": article.claims.order_by("start").first().get_absolute_url(),
}))
"""


@dataclass
class Desk:
    """The desk's database on the private server, and how to run the desk's processes."""

    postgres: PrivatePostgres
    database_url: str
    session: str = ""
    workspace: str = ""
    panel: str = ""
    children: list = field(default_factory=list)
    static_root: str = ""

    def env(self, **extra) -> dict:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "factcheck.settings",
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": "fault-tests-secret-key-" + "x" * 40,
            "DEBUG": "",
            # DEBUG off serves hashed static files: the manifest that collectstatic writes.
            **({"STATIC_ROOT": self.static_root} if self.static_root else {}),
            "SECURE_COOKIES": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "FETCH_ALLOW_LOOPBACK": "1",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            **{name: str(value) for name, value in extra.items()},
        }

    def manage(self, *args: str, **env) -> str:
        """Run a management command to its end; returns its output."""
        result = subprocess.run(  # noqa: S603 (the tests' own commands)
            [*MANAGE, *args],
            env=self.env(**env),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def shell(self, code: str, **env):
        """Run Python in the desk (`manage.py shell`); returns the JSON its last line prints."""
        return json.loads(self.manage("shell", "-c", code, **env).strip().splitlines()[-1])

    def start(self, command: list[str], log: Path, **env) -> subprocess.Popen:
        """Start a desk process in the background, output to `log`; stopped at the end."""
        with open(log, "ab") as output:
            child = subprocess.Popen(  # noqa: S603 (the tests' own commands)
                command,
                env=self.env(**env),
                cwd=ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.children.append(child)
        return child

    def stop_children(self) -> None:
        for child in self.children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in self.children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        self.children.clear()

    def query(self, sql: str, *params):
        """One row from the desk's database (for checks from the test process)."""
        with psycopg.connect(self.database_url) as connection:
            return connection.execute(sql, params).fetchone()


def wait_for(condition, *, timeout: float, step: float = 0.1, what: str = "condition"):
    """Poll until `condition()` is truthy; returns its value, or fails after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    pytest.fail(f"Timed out after {timeout} s waiting for {what}")


@pytest.fixture(scope="session")
def private_postgres():
    binaries = server_binaries()
    if binaries is None:
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's "
            "postgresql package (make test does) to run the fault tests"
        )
    server = PrivatePostgres(binaries)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def desk(private_postgres, tmp_path_factory):
    """The desk migrated on the private server, with the demo article, a logged-in
    reviewer's session and its static files collected."""
    private_postgres.create_database("desk")
    desk = Desk(
        postgres=private_postgres,
        database_url=private_postgres.url("desk"),
        static_root=str(tmp_path_factory.mktemp("static")),
    )
    desk.manage("collectstatic", "--noinput", "--verbosity", "0")
    seeded = desk.shell(SEED)
    for name in ("session", "workspace", "panel"):
        setattr(desk, name, seeded[name])
    try:
        yield desk
    finally:
        desk.stop_children()


@pytest.fixture
def running(desk):
    """The desk; the processes a test starts are stopped when it ends."""
    try:
        yield desk
    finally:
        desk.stop_children()
