"""The production profile in one command: `python -m factcheck.serve` (what `make serve` runs).

It checks the environment (DEBUG off, a real SECRET_KEY, a DATABASE_URL), applies
migrations, collects the static files, runs `check --deploy`, then starts gunicorn with
WEB_CONCURRENCY web workers on BIND and TASK_WORKERS background workers (`manage.py
desk_worker`). They stop together: on Ctrl-C or SIGTERM each gets SIGTERM (a graceful stop)
and, past KILL_AFTER seconds, SIGKILL; if any one of them exits, the others are
stopped and this exits 1, so that a supervisor (systemd, a container runtime) restarts the
whole. Each child is also told to stop if this process dies without a chance to stop it.
"""

import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
GRACEFUL_TIMEOUT = 30  # gunicorn's own default for finishing requests in flight
KILL_AFTER = GRACEFUL_TIMEOUT + 5  # then gunicorn has stopped its workers itself
PR_SET_PDEATHSIG = 1
# A PostgreSQL advisory lock key, the same on every machine of a desk (any constant will do).
MIGRATION_LOCK = 20_231_109


def default_web_workers() -> int:
    """gunicorn's advice for sync workers: two per core, plus one."""
    return 2 * (os.cpu_count() or 1) + 1


def refusal() -> str | None:
    """Why the production profile must not start with these settings, if it must not."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from factcheck.settings import require_secret_key

    if settings.DEBUG:
        return "DEBUG is on. The production profile runs with DEBUG off: unset it."
    try:
        require_secret_key()
    except ImproperlyConfigured as error:
        return str(error)
    if not os.environ.get("DATABASE_URL"):
        return (
            "DATABASE_URL is not set. Point it at PostgreSQL, e.g. "
            "DATABASE_URL=postgres://desk:PASSWORD@127.0.0.1:5432/factcheck "
            "(`make run` is the local demo on SQLite)."
        )
    return None


def _die_with_parent() -> None:
    """In the child, before exec: get SIGTERM when the launcher dies (Linux)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return


def commands(env: dict[str, str]) -> list[tuple[str, list[str]]]:
    """The processes to run: gunicorn, then the background workers."""
    python = sys.executable
    web = [
        python, "-m", "gunicorn", "factcheck.wsgi:application",
        "--bind", env.get("BIND", "127.0.0.1:8000"),
        "--workers", env.get("WEB_CONCURRENCY") or str(default_web_workers()),
        "--graceful-timeout", str(GRACEFUL_TIMEOUT),
        "--access-logfile", "-",
        # This process is the controller; a socket in $HOME would clash between servers.
        "--no-control-socket",
    ]  # fmt: skip
    workers = int(env.get("TASK_WORKERS", "1"))
    manage = str(BASE_DIR / "manage.py")
    return [("gunicorn", web)] + [
        (f"desk_worker {n + 1}", [python, manage, "desk_worker", "--no-reload"])
        for n in range(workers)
    ]


def migrate() -> None:
    """Apply new migrations, one machine at a time on PostgreSQL: machines starting together
    wait for each other (an advisory lock), and the later ones find nothing left to apply."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        call_command("migrate", interactive=False)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
    try:
        call_command("migrate", interactive=False)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])


def prepare() -> None:
    """Migrate, collect static files, and print `check --deploy`'s findings."""
    from django.core.management import call_command
    from django.db import connections

    migrate()
    call_command("collectstatic", interactive=False, verbosity=1)
    call_command("check", deploy=True)
    connections.close_all()


def supervise(children: list[tuple[str, subprocess.Popen]], stopping: list[int]) -> int:
    """Wait for a stop signal (appended to `stopping` by the handlers) or for a child to exit;
    then stop them all and return the exit code."""
    code = 0
    while not stopping:
        ended = [(name, child) for name, child in children if child.poll() is not None]
        if ended:
            name, child = ended[0]
            print(f"serve: {name} exited with code {child.returncode}; stopping.", flush=True)
            code = 1
            break
        time.sleep(0.2)
    if stopping:
        print(f"serve: {signal.Signals(stopping[0]).name} received; stopping.", flush=True)
    for _name, child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + KILL_AFTER
    for name, child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"serve: {name} did not stop in time; killing it.", flush=True)
            child.kill()
            child.wait()
    return code


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    import django

    django.setup()
    from django.conf import settings

    reason = refusal()
    if reason:
        print(f"serve: not starting. {reason}", file=sys.stderr)
        return 2
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        print(
            "serve: warning: SQLite serves one machine only, and writers wait for each other. "
            "Use PostgreSQL in production.",
            file=sys.stderr,
        )
    prepare()
    stopping: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda received, _frame: stopping.append(received))
    env = dict(os.environ)
    children = []
    for name, command in commands(env):
        print(f"serve: starting {name}: {' '.join(command)}", flush=True)
        # Each child in a process group of its own: Ctrl-C reaches only this process,
        # which stops each child once, gracefully.
        child = subprocess.Popen(  # noqa: S603 (our own commands)
            command, cwd=BASE_DIR, env=env, process_group=0, preexec_fn=_die_with_parent
        )
        children.append((name, child))
    return supervise(children, stopping)


if __name__ == "__main__":
    sys.exit(main())
