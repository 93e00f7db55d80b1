"""A PostgreSQL server of the tests' own, so that they can stop and restart it: initdb in a
temporary folder, run as an unprivileged user (`nobody` when the tests run as root; the
server refuses to run as root), listening on a free port of 127.0.0.1 only. The machine's
shared server (port 5432) is never touched."""

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def server_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: Debian's newest, or the ones on PATH."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True):
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    return None


def _version(folder: str) -> float:
    try:
        return float(Path(folder).parent.name)
    except ValueError:
        return 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivatePostgres:
    """One throwaway server. `start()`, then `url(name)`; `stop()` whatever happened."""

    def __init__(self, binaries: Path):
        self.binaries = binaries
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="desk-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        # As root, run the server as nobody, owning the folder; otherwise as ourselves.
        self.as_user = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            nobody = pwd.getpwnam("nobody")
            os.chown(self.folder, nobody.pw_uid, nobody.pw_gid)
        self.options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
            # Durability is not what these tests are about; speed is.
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )

    def _run(self, *args: str, timeout: float = 60) -> None:
        # Output to a file, never a pipe: a server started here would hold a pipe open.
        with open(self.folder / "commands.log", "ab") as output:
            result = subprocess.run(  # noqa: S603 (PostgreSQL's own binaries)
                [*self.as_user, *args], timeout=timeout, stdout=output, stderr=output
            )
        if result.returncode:
            tail = (self.folder / "commands.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{Path(args[0]).name} {args[1]} failed:\n{tail}")

    def _pg_ctl(self, action: str, *args: str) -> None:
        self._run(str(self.binaries / "pg_ctl"), action, "-D", str(self.data), "-w", *args)

    def start(self) -> None:
        self._run(
            str(self.binaries / "initdb"),
            *("-D", str(self.data), "-U", "postgres", "-A", "trust"),
            *("-E", "UTF8", "--locale=C.UTF-8", "--no-sync"),
        )
        self._pg_ctl("start", "-l", str(self.log), "-o", self.options)

    def restart(self) -> None:
        """What an operator does: stop with fast shutdown (open sessions are cut), start."""
        self._pg_ctl("restart", "-m", "fast", "-l", str(self.log), "-o", self.options)

    def stop_for(self, seconds: float) -> None:
        """Stop, stay down `seconds`, start again."""
        self._pg_ctl("stop", "-m", "fast")
        time.sleep(seconds)
        self._pg_ctl("start", "-l", str(self.log), "-o", self.options)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

    def stop(self) -> None:
        """Stop the server (immediately) and remove its folder; never raises."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._pg_ctl("stop", "-m", "immediate")
        except (subprocess.SubprocessError, OSError, RuntimeError):
            self._kill_postmaster()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _kill_postmaster(self) -> None:
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            pass
